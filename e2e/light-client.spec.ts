// The web app in real Chromium against a real devnet over real WebRTC (loopback):
// cold sync, resume from IndexedDB after a reload, a corrupt stored checkpoint,
// and a transfer signed in the page and seen in a verified block.
import { expect, test, type Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { startDevnet, type Devnet } from './devnet.ts'

let devnet: Devnet

test.beforeAll(async () => {
  test.setTimeout(900_000)
  devnet = await startDevnet()
})

// The page's console and errors go to the test log, so a failure says what the app saw.
test.beforeEach(async ({ page }) => {
  page.on('console', (m) => process.stderr.write(`[page ${m.type()}] ${m.text()}\n`))
  page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`))
})

test.afterAll(async () => {
  await devnet?.stop()
})

async function verifiedBalance(page: Page): Promise<string> {
  const out = page.locator('#balance-result.verified')
  await expect(out).toBeVisible({ timeout: 120_000 })
  return (await out.getAttribute('data-balance')) ?? ''
}

test('cold sync shows a verified balance', async ({ page }) => {
  await page.goto(devnet.ready.url)
  await expect(page.locator('#status')).toHaveAttribute('data-status', /synced|syncing/, { timeout: 120_000 })
  const balance = await verifiedBalance(page)
  expect(BigInt(balance)).toBeGreaterThan(0n)
  await expect(page.locator('#origin')).toContainText('pinned')
  const height = Number(await page.locator('#verified-height').textContent())
  expect(height).toBeGreaterThanOrEqual(0)
  await expect(page.locator('zklight-balance')).toHaveAttribute('data-state', 'verified', { timeout: 120_000 })
})

test('a reload resumes from the IndexedDB checkpoint', async ({ page }) => {
  await page.goto(devnet.ready.url)
  await verifiedBalance(page)
  // Wait until a checkpoint past genesis exists, then reload.
  await expect.poll(async () => Number(await page.locator('#verified-height').textContent()), { timeout: 120_000 }).toBeGreaterThan(0)
  await page.waitForTimeout(2500) // checkpoint writes are throttled
  // Blocks arrive every second: reload right after the balance of the newest verified head
  // was kept, so the stored checkpoint (at most that head) has a kept proof at its height.
  await page.waitForFunction(
    () => {
      const z = (globalThis as any).zklight
      const h = z.client.health().verifiedHeight as number
      return Object.keys(localStorage).some((k) => k.startsWith('zklight:balance:') && (JSON.parse(localStorage.getItem(k) as string) as { height: number }[])[0]?.height === h)
    },
    null,
    { timeout: 60_000, polling: 10 },
  )
  await page.reload()
  await expect(page.locator('#origin')).toContainText('IndexedDB', { timeout: 60_000 })
  await verifiedBalance(page)
  await expect.poll(() => page.evaluate(() => typeof (globalThis as any).zklight?.origin), { timeout: 60_000 }).toBe('string')
  const m = await page.evaluate(() => (globalThis as any).zklight.metrics as Record<string, number>)
  const ms = m.firstVerifiedBalanceMs as number
  // Shown from the stored checkpoint and the kept proof, before the client (and any peer) was up.
  expect(ms).toBeLessThan(m.clientStartedMs as number)
  console.log(`warm resume: verified balance ${ms.toFixed(0)} ms after navigation start ${JSON.stringify(m)}`)
  expect(ms).toBeGreaterThan(0)
})

test('a tampered kept account proof is not shown as verified on reload', async ({ page }) => {
  await page.goto(devnet.ready.url)
  await verifiedBalance(page)
  await page.waitForTimeout(2500)
  const touched = await page.evaluate(() => {
    let n = 0
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i) as string
      if (!k.startsWith('zklight:balance:')) continue
      const list = JSON.parse(localStorage.getItem(k) as string) as { height: number; proof: string }[]
      for (const e of list) {
        const at = e.proof.length - 3 // a sibling hash digit
        e.proof = e.proof.slice(0, at) + (e.proof[at] === '0' ? '1' : '0') + e.proof.slice(at + 1)
        n++
      }
      localStorage.setItem(k, JSON.stringify(list))
    }
    return n
  })
  expect(touched).toBeGreaterThan(0)
  await page.reload()
  await verifiedBalance(page)
  const m = await page.evaluate(() => (globalThis as any).zklight.metrics as Record<string, number>)
  // Nothing was shown from storage: the first verified balance came from a peer, after the client started.
  expect(m.firstVerifiedBalanceMs).toBeGreaterThan(m.clientStartedMs as number)
})

test('a corrupt stored checkpoint is ignored, not trusted', async ({ page }) => {
  await page.goto(devnet.ready.url)
  await verifiedBalance(page)
  await page.waitForTimeout(2500)
  // Flip bytes of every stored record in place.
  const touched = await page.evaluate(async () => {
    const dbs = await indexedDB.databases()
    let n = 0
    for (const info of dbs) {
      if (!info.name) continue
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open(info.name as string)
        r.onsuccess = () => res(r.result)
        r.onerror = () => rej(r.error)
      })
      for (const name of Array.from(db.objectStoreNames)) {
        const tx = db.transaction(name, 'readwrite')
        const store = tx.objectStore(name)
        const keys = await new Promise<IDBValidKey[]>((res) => {
          const r = store.getAllKeys()
          r.onsuccess = () => res(r.result)
        })
        for (const k of keys) {
          const v = await new Promise<any>((res) => {
            const r = store.get(k)
            r.onsuccess = () => res(r.result)
          })
          const bytes: Uint8Array | undefined = v instanceof Uint8Array ? v : v?.bytes instanceof Uint8Array ? v.bytes : undefined
          if (bytes && bytes.length > 40) {
            bytes[40] = (bytes[40] as number) ^ 0xff
            store.put(v, k)
            n++
          }
        }
        await new Promise((res) => (tx.oncomplete = res))
      }
      db.close()
    }
    return n
  })
  expect(touched).toBeGreaterThan(0)
  await page.reload()
  await expect(page.locator('#origin')).toContainText('ignored', { timeout: 60_000 })
  await verifiedBalance(page)
})

test('a tab syncs from another tab over WebRTC, with the node only relaying the signalling', async ({ browser }) => {
  const ctxA = await browser.newContext()
  const ctxB = await browser.newContext() // separate profiles: B has no stored checkpoint
  try {
    const a = await ctxA.newPage()
    await a.goto(devnet.ready.url)
    await verifiedBalance(a)
    // A's reachable address: through the node's relay, upgraded to a direct WebRTC connection.
    const addr = await a
      .waitForFunction(() => ((globalThis as any).zklight.client.addresses() as string[]).find((x) => x.includes('/p2p-circuit/webrtc/')), null, { timeout: 60_000, polling: 200 })
      .then((h) => h.jsonValue() as Promise<string>)
    const aId = addr.split('/p2p/').at(-1) as string
    const aHeight = await a.evaluate(() => (globalThis as any).zklight.client.health().verifiedHeight as number)
    const b = await ctxB.newPage()
    b.on('console', (m) => process.stderr.write(`[tab B ${m.type()}] ${m.text()}\n`))
    await b.goto(`${devnet.ready.url}?peers=${encodeURIComponent(addr)}`)
    await expect(b.locator('#status')).toHaveAttribute('data-status', 'synced', { timeout: 120_000 })
    const h = await b.evaluate(() => (globalThis as any).zklight.client.health() as { verifiedHeight: number; peers: number })
    expect(h.verifiedHeight).toBeGreaterThanOrEqual(Math.max(1, aHeight))
    expect(h.peers).toBe(1) // only tab A answers B's requests
    // Light clients serve headers and proofs, not account proofs: B shows no balance rather than an unverified one.
    await expect(b.locator('#balance-result')).toHaveClass('error', { timeout: 30_000 })
    await expect(b.locator('#balance-result.verified')).toHaveCount(0)
    console.log(`tab-to-tab: B verified height ${h.verifiedHeight} from tab ${aId.slice(0, 16)}…`)
  } finally {
    await ctxA.close()
    await ctxB.close()
  }
})

test('a transfer signed in the page lands in a verified block', async ({ page }) => {
  const [from, to] = devnet.ready.accounts
  if (!from || !to) throw new Error('devnet has fewer than two demo accounts')
  const keyFile = JSON.parse(readFileSync(from.keyFile, 'utf8')) as { privateKey?: string; key?: string }
  const keyHex = keyFile.privateKey ?? keyFile.key ?? ''
  await page.goto(devnet.ready.url)
  await verifiedBalance(page)
  await page.fill('#send-key', keyHex)
  await page.fill('#send-from', from.address)
  await page.fill('#send-to', to.address)
  await page.fill('#send-amount', '7')
  await page.click('#send-form button')
  const result = page.locator('#send-result.verified')
  await expect(result).toBeVisible({ timeout: 180_000 })
  expect(Number(await result.getAttribute('data-height'))).toBeGreaterThan(0)
})
