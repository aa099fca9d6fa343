// The web app as a person uses it, in real Chromium against a real devnet: sync progress
// while catching up, then the verified head with a live age; live charts; peers with
// transports; the setup banner and trust anchor; the proof inspector; keys kept in the
// page and a transfer checked field by field, then followed to a verified block; the
// widget agreeing with the card after a reload; forgetting local data; phone width.
// Each main state is saved as a screenshot (test-results/…/*.png, attached to the report)
// and checked with axe-core. It has its own devnet with short blocks, and its file name
// sorts it after the specs on the shared devnet: their tab-to-tab test needs that chain young
// (a light client serves only the blocks whose bodies it checked, the last 64 of its sync).
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page, type TestInfo } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { startDevnet, type Devnet } from './devnet.ts'
import { startForeignPeer, startTamperingPeer } from './hostile-peers.ts'

let devnet: Devnet

test.beforeAll(async () => {
  test.setTimeout(900_000)
  // Short blocks, so the chain is long enough (a few hundred blocks) to watch a catch-up.
  devnet = await startDevnet(['--block-time-ms', '250', '--tx-rate', '0.5'])
  await new Promise((r) => setTimeout(r, 30_000))
})

test.afterAll(async () => {
  await devnet?.stop()
})

test.beforeEach(async ({ page }) => {
  page.on('console', (m) => process.stderr.write(`[page ${m.type()}] ${m.text()}\n`))
  page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`))
})

async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = info.outputPath(`${name}.png`)
  await page.screenshot({ path, fullPage: true })
  await info.attach(name, { path, contentType: 'image/png' })
}

/** axe-core (WCAG 2 A and AA rules) finds nothing on the page as it is now. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const found = r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(found, `axe-core on ${what}`).toEqual([])
  expect(r.passes.length, 'axe-core ran its rules').toBeGreaterThan(10)
}

const synced = (page: Page) => expect(page.locator('#status')).toHaveAttribute('data-status', 'synced', { timeout: 120_000 })
const peerIdOf = (addr: string): string => addr.split('/p2p/').at(-1) as string
const nodeAddr = (kind: RegExp): string => {
  const a = devnet.ready.multiaddrs.find((m) => kind.test(m))
  if (!a) throw new Error(`the devnet announces no address matching ${kind}`)
  return a
}
const keyOf = (file: string): string => (JSON.parse(readFileSync(file, 'utf8')) as { privateKey: string }).privateKey

test('sync: a progress bar while catching up, then the verified head with a live age; charts, peers, setup banner, trust anchor', async ({ page }, info) => {
  // Slow the tab's CPU so the catch-up over a few hundred blocks lasts long enough to see.
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 12 })
  const texts: string[] = []
  page.on(
    'domcontentloaded',
    () =>
      void page
        .locator('#sync')
        .innerText()
        .then(
          (t) => texts.push(t),
          () => {},
        ),
  )
  await page.goto(devnet.ready.url)
  await expect(page.locator('#sync')).toHaveAttribute('data-phase', 'catching-up', { timeout: 120_000 })
  await expect(page.locator('#sync-text')).toHaveText(/^Catching up: verified \d+ of \d+ blocks \(\d+%\) · [\d.]+ blocks\/s · time left /)
  const bar = await page.locator('#sync-progress').evaluate((p: HTMLProgressElement) => ({ value: p.value, max: p.max }))
  expect(bar.max).toBeGreaterThan(50)
  expect(bar.value).toBeLessThan(bar.max)
  await shot(page, info, 'catching-up')
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 })
  await synced(page)
  await expect(page.locator('#sync-text')).toHaveText(/^Up to date: verified head \d+/)
  // The devnet keeps producing: a head announced just now lowers the bar until it verifies, so poll.
  await expect.poll(() => page.locator('#sync-progress').evaluate((p: HTMLProgressElement) => p.value === p.max)).toBe(true)
  // First paint and every moment after: an unknown age reads as words, never "Infinity".
  texts.push(await page.locator('body').innerText())
  for (const t of texts) expect(t).not.toContain('Infinity')
  // The head's age counts up between heads: two readings at one verified height, 400 ms apart.
  await expect(async () => {
    const read = () => page.evaluate(() => ({ h: document.getElementById('verified-height')?.textContent, ms: Number(document.getElementById('head-age')?.dataset.ageMs) }))
    const a = await read()
    await page.waitForTimeout(400)
    const b = await read()
    expect(b.h).toBe(a.h)
    expect(b.ms - a.ms).toBeGreaterThan(200)
  }).toPass({ timeout: 30_000 })
  // Live charts: each has points and has been drawn; the verification-time chart got batches.
  for (const id of ['chart-verify', 'chart-age', 'chart-heights']) {
    await expect.poll(() => page.locator(`#${id}`).getAttribute('data-points').then(Number), { timeout: 30_000 }).toBeGreaterThan(1)
    await expect(page.locator(`#${id} path`).first()).toHaveAttribute('d', /^M[\d.]+ [\d.]+ L/)
    await expect(page.locator(`#${id}-latest`)).toContainText('Latest:')
  }
  // Peers: the node, its transport named in words, with its score. The transport is
  // WebRTC-Direct unless the connection was lost while the tab ran at a twelfth of its speed
  // and the redial fell back to WebSockets (a clean-clone CI run showed the card at
  // "0 connected", nothing banned, mid catch-up); which transport is chosen is
  // light-client.spec's to check.
  const peer = page.locator(`#peers-list li[data-peer="${peerIdOf(nodeAddr(/\/webrtc-direct\//))}"]`)
  await expect(peer)
    .toHaveCount(1, { timeout: 30_000 })
    .catch(async (err: unknown) => {
      process.stderr.write(`[peers at failure]\n${await page.locator('#peers-list').innerText()}\n[events]\n${await page.locator('#log').innerText()}\n`)
      throw err
    })
  const transport = (await peer.getAttribute('data-transport')) as string
  expect(['webrtc-direct', 'websockets']).toContain(transport)
  await expect(peer).toContainText(transport === 'webrtc-direct' ? 'WebRTC-Direct' : 'WebSockets')
  await expect(peer).toContainText(/score -?\d+/)
  // What the page trusts: the setup class in the banner, the anchor in its card.
  await expect(page.locator('#setup-banner')).toHaveAttribute('data-setup', 'insecure-dev')
  await expect(page.locator('#setup-banner')).toContainText('Insecure development setup')
  await expect(page.locator('#trust-anchor')).toContainText('Genesis hash')
  await expect(page.locator('#trust-anchor')).toContainText('pinned checkpoint at height 0')
  // The event list: no numbers to cut off.
  expect(await page.locator('#log').evaluate((el) => getComputedStyle(el).listStyleType)).toBe('none')
  await expect(page.locator('#log li').first()).toContainText(/^\d\d:\d\d:\d\d\.\d\d\d /)
  await shot(page, info, 'synced')
  await expectAccessible(page, 'the synced page')
  // Phone width: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 375, height: 800 })
  await page.waitForTimeout(300)
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
  await shot(page, info, 'phone')
  await expectAccessible(page, 'the page at phone width')
})

test('peers: one that serves a tampered proof is banned with the reason; one that speaks no zklight is listed as such', async ({ page }, info) => {
  const liar = await startTamperingPeer(nodeAddr(/\/tcp\/\d+\/p2p\//))
  const foreign = await startForeignPeer()
  try {
    // Only these two: the liar is the one asked for the chain (an honest node would be preferred once it scored).
    await page.goto(`${devnet.ready.url}?peers=${encodeURIComponent([liar.addr, foreign.addr].join(','))}`)
    const ban = page.locator(`#bans-list li[data-peer="${peerIdOf(liar.addr)}"][data-why="proof-invalid"]`)
    await expect(ban).toContainText('banned', { timeout: 60_000 })
    await expect(ban).toContainText('served a block whose Groth16 proof does not verify')
    expect(liar.tampered()).toBeGreaterThan(0)
    const other = page.locator(`#unreachable-list li[data-peer="${peerIdOf(foreign.addr)}"]`)
    await expect(other).toHaveAttribute('data-reason', 'not-zklight', { timeout: 30_000 })
    await expect(other).toContainText('does not speak zklight')
    // Nothing the liar sent is shown as verified: no peer left, the view stays at the checkpoint,
    // and a balance, if one shows, is at the checkpoint's height (proven against the genesis root).
    await expect(page.locator('#peers-list li[data-peer]')).toHaveCount(0)
    await expect(page.locator('#verified-height')).toHaveText('0')
    for (const h of await page.locator('#balance-result.verified').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.height))) expect(h).toBe('0')
    await shot(page, info, 'peers-ban')
    await expectAccessible(page, 'the Peers card with a ban')
  } finally {
    await liar.host.stop()
    await foreign.host.stop()
  }
})

test('the proof inspector says what was checked for a verified balance, and shows the data', async ({ page }, info) => {
  await page.goto(devnet.ready.url)
  await synced(page)
  const result = page.locator('#balance-result.verified')
  await expect(result).toBeVisible({ timeout: 60_000 })
  // The figure is shown with its height, never alone.
  await expect(result).toContainText(/verified at height \d+/)
  const inspector = page.locator('#balance-inspector details')
  await inspector.locator('summary').click()
  await expect(inspector).toHaveAttribute('open', '')
  await expect(inspector).toContainText('What was checked')
  // The inspector is rebuilt for each newly verified balance (about every second on the
  // devnet), so its height and its text are read in one look at the page, not two.
  const shown = await inspector.evaluate((d: HTMLElement) => ({ height: d.dataset.height, text: d.innerText }))
  expect(shown.height).toMatch(/^\d+$/)
  expect(shown.text).toContain(`gives the state root of block ${shown.height}:`)
  await expect(inspector).toContainText(/Validators \d+(, \d+)* \(\d+ of 4, more than two thirds\) signed/)
  await expect(inspector).toContainText('Merkle path (8 levels, leaf to root)')
  await expect(inspector.locator('.merkle-path li')).toHaveCount(8)
  await expect(
    inspector
      .locator('dd')
      .filter({ hasText: /^0x[0-9a-f]{10}…/ })
      .first(),
  ).toBeVisible()
  // Either the block's 256-byte proof (512 hex digits) or why it has none.
  const proof = inspector.locator('.proof-hex')
  if ((await proof.count()) > 0) expect((await proof.innerText()).replace(/\s/g, '')).toMatch(/^[0-9a-f]{512}$/)
  else await expect(inspector).toContainText(/An empty block: no proof|The checkpoint/)
  await shot(page, info, 'inspector')
  await expectAccessible(page, 'the open proof inspector')
})

test('keys and sending: field errors before anything is signed, then signed → accepted → certified → verified', async ({ page }, info) => {
  test.setTimeout(400_000)
  const [from, to] = devnet.ready.accounts
  if (!from || !to) throw new Error('devnet has fewer than two demo accounts')
  await page.goto(devnet.ready.url)
  await synced(page)
  // Import: a key that is not the address's own is refused, naming the field.
  await page.fill('#import-address', from.address)
  await page.fill('#import-key', keyOf(to.keyFile))
  await page.click('#key-import-form button[type=submit]')
  await expect(page.locator('#import-key-error')).toContainText('does not belong to the sender address')
  await expect(page.locator('#import-key')).toHaveAttribute('aria-invalid', 'true')
  await page.fill('#import-key', keyOf(from.keyFile))
  await page.fill('#import-label', 'demo account 0')
  await page.click('#key-import-form button[type=submit]')
  await expect(page.locator(`#keys-list li[data-address="${from.address}"]`)).toContainText('demo account 0')
  await page.click('#key-generate')
  await expect(page.locator('#keys-list li')).toHaveCount(2)
  // Send with a mistyped receiver and an amount of 31 digits: both fields say why, nothing is signed.
  await page.selectOption('#send-from', from.address)
  const typo = to.address.slice(0, 12) + (to.address[12] === 'q' ? 'p' : 'q') + to.address.slice(13)
  await page.fill('#send-to', typo)
  await page.fill('#send-amount', '1234567890123456789012345678901')
  await page.click('#send-submit')
  await expect(page.locator('#send-to-error')).toContainText('Receiver address: the checksum does not match')
  await expect(page.locator('#send-amount-error')).toContainText('The amount is too large')
  await expect(page.locator('#send-result')).toContainText('Nothing was signed')
  await expect(page.locator('#send-progress li')).toHaveCount(0)
  await shot(page, info, 'send-field-errors')
  await expectAccessible(page, 'the Send form with field errors')
  // Corrected: the transfer goes through every stage to a verified block.
  await page.fill('#send-to', to.address)
  await page.fill('#send-amount', '7')
  await page.click('#send-submit')
  await expect(page.locator('#send-to-error')).toBeEmpty()
  await expect(page.locator('#send-progress li[data-stage="signed"]')).toHaveAttribute('data-state', 'done', { timeout: 60_000 })
  await expect(page.locator('#send-progress li[data-stage="accepted"]')).toHaveAttribute('data-state', 'done', { timeout: 60_000 })
  const result = page.locator('#send-result.verified')
  await expect(result).toBeVisible({ timeout: 240_000 })
  for (const stage of ['certified', 'verified']) await expect(page.locator(`#send-progress li[data-stage="${stage}"]`)).toHaveAttribute('data-state', 'done')
  const height = Number(await result.getAttribute('data-height'))
  expect(height).toBeGreaterThan(0)
  await expect(page.locator('#send-progress li[data-stage="verified"]')).toContainText(`block ${height}`)
  await shot(page, info, 'sent')
  // The keys stay in the page's IndexedDB across a reload.
  await page.reload()
  await expect(page.locator('#keys-list li')).toHaveCount(2, { timeout: 60_000 })
})

test('after a reload the embedded widget agrees with the card: when it shows no figure, the page says why', async ({ page }, info) => {
  await page.goto(devnet.ready.url)
  await synced(page)
  await expect(page.locator('#balance-result.verified')).toBeVisible({ timeout: 60_000 })
  await expect(page.locator('zklight-balance')).toHaveAttribute('data-state', 'verified', { timeout: 60_000 })
  // Stop the client (its checkpoint is saved) and let the chain move on past the widget's 15 s limit.
  await page.evaluate(() => (globalThis as any).zklight.client.stop())
  await page.waitForTimeout(20_000)
  // A slow tab, so the moment between the reload and the catch-up lasts long enough to look at.
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 12 })
  await page.reload()
  await expect(page.locator('#origin')).toContainText('IndexedDB checkpoint', { timeout: 60_000 })
  // The card shows the stored, verified balance with its height and age; the widget refuses it as too old, and the page says so.
  await expect(page.locator('#balance-result.verified')).toContainText(/verified by Merkle proof against the stored checkpoint at height \d+ \(block time [\d.]+ s ago\)/)
  await expect(page.locator('zklight-balance')).toHaveAttribute('data-state', 'stale', { timeout: 60_000 })
  await expect(page.locator('#widget-note')).toContainText('requires the verified view to be at most 15 s old', { timeout: 5_000 })
  await shot(page, info, 'reloaded-catching-up')
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 })
  await synced(page)
  await expect(page.locator('zklight-balance')).toHaveAttribute('data-state', 'verified', { timeout: 30_000 })
  await expect(page.locator('#widget-note')).toBeEmpty()
  const widget = await page.locator('zklight-balance').evaluate((el) => [el.shadowRoot?.querySelector('[part~="value"]')?.textContent, el.shadowRoot?.querySelector('[part~="meta"]')?.textContent])
  expect(widget[0]).toMatch(/^\d+$/)
  expect(widget[1]).toMatch(/^height \d+ · [\d.]+ s old$/)
  await shot(page, info, 'reloaded')
})

test('"Forget local data" deletes the checkpoint, kept proofs and keys, and the page starts cold', async ({ page }) => {
  await page.goto(devnet.ready.url)
  await synced(page)
  await expect(page.locator('#balance-result.verified')).toBeVisible({ timeout: 60_000 })
  await page.click('#key-generate')
  await expect(page.locator('#keys-list li[data-address]')).toHaveCount(1)
  // Something is stored to forget: a checkpoint above genesis and a kept account proof.
  await expect.poll(() => page.evaluate(async () => ((await (globalThis as any).zklight.store.load()).record?.checkpoint.height as number | undefined) ?? 0), { timeout: 30_000 }).toBeGreaterThan(0)
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('zklight:')).length)).toBeGreaterThan(0)
  page.once('dialog', (d) => void d.accept())
  await Promise.all([page.waitForEvent('load'), page.click('#forget')])
  await expect(page.locator('#origin')).toContainText('pinned checkpoint at height 0', { timeout: 60_000 })
  await expect(page.locator('#resume')).toHaveAttribute('data-resume', 'none')
  await expect(page.locator('#keys-list')).toContainText('No keys in this browser yet.')
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('zklight:balance:')).length)).toBe(0)
})
