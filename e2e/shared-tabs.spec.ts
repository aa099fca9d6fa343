// One light client across the tabs of an origin (src/client/shared-client.ts), in the web
// app: three tabs, one of which holds the peer connections and verifies; the others mirror
// its view. The leading tab is closed mid-sync; another takes over from the shared
// IndexedDB checkpoint, and the remaining tabs never lose their verified view.
import { expect, test, type Page } from '@playwright/test'
import { sharedDevnet, type Devnet } from './devnet.ts'

let devnet: Devnet

test.beforeAll(() => {
  devnet = sharedDevnet()
})

/** Counts the peer connections a page opens (RTCPeerConnection, WebSocket) and samples its verified height. */
async function instrument(page: Page, label: string): Promise<void> {
  page.on('pageerror', (e) => process.stderr.write(`[${label} error] ${e.message}\n`))
  await page.addInitScript(() => {
    const g = globalThis as any
    g.__connections = { rtc: 0, ws: 0 }
    const count = (name: 'RTCPeerConnection' | 'WebSocket', key: 'rtc' | 'ws') => {
      const Original = g[name]
      if (!Original) return
      g[name] = new Proxy(Original, {
        construct(target, args, newTarget) {
          g.__connections[key]++
          return Reflect.construct(target, args, newTarget)
        },
      })
    }
    count('RTCPeerConnection', 'rtc')
    count('WebSocket', 'ws')
    // The lowest verified height the page showed after it first had one: a lost view would show as a drop.
    g.__heights = [] as number[]
    setInterval(() => {
      const h = g.zklight?.client?.health?.().verifiedHeight
      if (typeof h === 'number' && (h > 0 || g.__heights.length > 0)) g.__heights.push(h)
    }, 100)
  })
}

const role = (p: Page) => p.evaluate(() => (globalThis as any).zklight?.client?.role as string | undefined)
const connections = (p: Page) => p.evaluate(() => (globalThis as any).__connections as { rtc: number; ws: number })
const verifiedHeight = (p: Page) => p.evaluate(() => (globalThis as any).zklight.client.health().verifiedHeight as number)

test('three tabs share one client; when the leading tab closes mid-sync another takes over and the view stays verified', async ({ browser }) => {
  const ctx = await browser.newContext() // one profile: the tabs share an origin, its locks, channels and IndexedDB
  try {
    const tabs: Page[] = []
    for (let i = 0; i < 3; i++) {
      const p = await ctx.newPage()
      await instrument(p, `tab ${i}`)
      await p.goto(devnet.ready.url)
      tabs.push(p)
    }
    for (const p of tabs) await expect(p.locator('#balance-result.verified')).toBeVisible({ timeout: 120_000 })
    // The first tab leads; the others hold no peer connection and still show verified data.
    await expect.poll(() => Promise.all(tabs.map(role)), { timeout: 30_000 }).toEqual(['leader', 'follower', 'follower'])
    const [leader, a, b] = tabs as [Page, Page, Page]
    await expect.poll(async () => (await connections(leader)).rtc, { timeout: 30_000 }).toBeGreaterThan(0)
    for (const f of [a, b]) expect(await connections(f)).toEqual({ rtc: 0, ws: 0 })
    // Followers see the leader's peers and heads without a connection of their own.
    await expect.poll(async () => (await a.evaluate(() => (globalThis as any).zklight.client.peers() as unknown[])).length, { timeout: 30_000 }).toBeGreaterThan(0)
    await expect(a.locator('#peers-list li[data-transport="webrtc-direct"]')).toHaveCount(1)
    await expect.poll(() => verifiedHeight(a), { timeout: 30_000 }).toBeGreaterThanOrEqual(await verifiedHeight(leader))

    // Close the leader while the chain moves on (a block a second; proofs follow).
    const before = Math.max(await verifiedHeight(a), await verifiedHeight(b))
    await leader.close()
    const t0 = Date.now()
    await expect.poll(async () => (await Promise.all([role(a), role(b)])).sort(), { timeout: 30_000 }).toEqual(['follower', 'leader'])
    const next = (await role(a)) === 'leader' ? a : b
    const other = next === a ? b : a
    console.log(`takeover: new leader in ${Date.now() - t0} ms`)
    // The new leader resumed from the checkpoint the old one kept in IndexedDB, and now holds the connections.
    await expect.poll(() => next.evaluate(() => (globalThis as any).zklight.client.startPoint?.source as string | undefined), { timeout: 60_000 }).toBe('store')
    await expect.poll(async () => (await connections(next)).rtc, { timeout: 30_000 }).toBeGreaterThan(0)
    expect(await connections(other)).toEqual({ rtc: 0, ws: 0 })
    // Both keep verifying: past the height at the close, balances verified throughout.
    for (const p of [next, other]) {
      await expect.poll(() => verifiedHeight(p), { timeout: 120_000 }).toBeGreaterThan(before)
      await expect(p.locator('#balance-result.verified')).toBeVisible({ timeout: 60_000 })
      const heights = await p.evaluate(() => (globalThis as any).__heights as number[])
      const afterFirst = heights.slice(heights.findIndex((h) => h > 0))
      // Never back to an older view (the merged view keeps the old leader's verified head until passed).
      expect(afterFirst.every((h, i) => i === 0 || h >= (afterFirst[i - 1] as number))).toBe(true)
    }
  } finally {
    await ctx.close()
  }
})
