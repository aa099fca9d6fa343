// The examples, each installed from the packed light-client tarball and built with its own
// tooling (scripts/prepare-examples.mjs), against the shared devnet: a plain `node` script,
// a Vite app (no shims), the pre-built element script on a page with no bundler, and the
// React order ticket gated on a fresh verified view. Pages are served with the
// Content-Security-Policy the README documents.
import { expect, test, type Page } from '@playwright/test'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sharedDevnet, type Devnet } from './devnet.ts'
import { serveStatic, type StaticServer } from './static-server.ts'

/** Where scripts/prepare-examples.mjs installed and built them (outside the repository, see there). */
const EXAMPLES = readFileSync(new URL('../.cache/examples-dir', import.meta.url), 'utf8').trim()

let devnet: Devnet
let devnetOrigin: string
const servers: StaticServer[] = []

test.beforeAll(() => {
  devnet = sharedDevnet()
  devnetOrigin = new URL(devnet.ready.url).origin
})

test.afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
})

/**
 * The policy of the README's "Content-Security-Policy" section for a network whose
 * bootstrap documents are at `bootstrapOrigin` and whose nodes take WebSockets on 127.0.0.1.
 */
function policy(bootstrapOrigin: string): string {
  return ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'", `connect-src 'self' ${bootstrapOrigin} ws://127.0.0.1:*`, "style-src 'self'", "img-src 'self' data:"].join(
    '; ',
  )
}

async function serve(mounts: Record<string, string>, documents?: Record<string, () => Promise<string> | string>): Promise<string> {
  const s = await serveStatic({ mounts, ...(documents ? { documents } : {}), csp: () => policy(devnetOrigin) })
  servers.push(s)
  return s.url
}

/** Page errors, console errors and CSP violations, to assert none happened (e.g. "Buffer is not defined"). */
function watchProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    process.stderr.write(`[page ${m.type()}] ${m.text()}\n`)
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && problems.push(`worker console: ${m.text()}`)))
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`))
    // Proof batches the page's verification workers answered: a young chain's first blocks carry no
    // transfers and need no proof, so a verified balance alone does not show that verification ran.
    const g = globalThis as any
    g.__verifiedBatches = 0
    g.Worker = new Proxy(g.Worker, {
      construct(target, args, newTarget) {
        const w = Reflect.construct(target, args, newTarget) as Worker
        w.addEventListener('message', (e: MessageEvent) => {
          if (e.data?.ok === true && e.data.result?.ok === true) g.__verifiedBatches++
        })
        return w
      },
    })
  })
  return problems
}

/** Waits until the page's workers verified at least one batch of proofs. */
const proofsVerified = (page: Page) => expect.poll(() => page.evaluate(() => (globalThis as any).__verifiedBatches as number), { timeout: 120_000 }).toBeGreaterThan(0)

const bootstrapUrl = () => `${devnet.ready.url}bootstrap.json`

test('node-script: plain node prints a verified balance from the packed package', async () => {
  const dir = join(EXAMPLES, 'node-script')
  // The install holds the light-client package and nothing else: no TypeScript loader, prover or LevelDB.
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> }
  expect(Object.keys(lock.packages).filter((p) => p !== '')).toEqual(['node_modules/zklight'])
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['balance.mjs', bootstrapUrl()], { cwd: dir, timeout: 180_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out))),
  )
  const line = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { address: string; balance: string; height: number; verified: boolean }
  expect(line.verified).toBe(true)
  expect(line.address).toBe(devnet.ready.accounts[0]?.address)
  expect(BigInt(line.balance)).toBeGreaterThan(0n)
  expect(line.height).toBeGreaterThan(0)
})

test('vite-app: a Vite build of the tarball shows a verified balance with requireFresh, no shims, under a strict CSP', async ({ page }) => {
  const problems = watchProblems(page)
  const url = await serve({ '/': join(EXAMPLES, 'vite-app', 'dist') })
  await page.goto(`${url}?bootstrap=${encodeURIComponent(bootstrapUrl())}`)
  const balance = page.locator('#balance[data-state="verified"]')
  await expect(balance).toBeVisible({ timeout: 120_000 })
  expect(BigInt((await balance.getAttribute('data-balance')) as string)).toBeGreaterThan(0n)
  await proofsVerified(page)
  // The elements, on the app's own client.
  await expect(page.locator('#balance-element')).toHaveAttribute('data-state', 'verified', { timeout: 60_000 })
  await expect(page.locator('#status-element')).toHaveAttribute('data-state', 'verified', { timeout: 60_000 })
  expect(await page.locator('#balance-element').getAttribute('data-balance')).toBe(await balance.getAttribute('data-balance'))
  // No Buffer/process shims anywhere on the page: the package needs none.
  expect(await page.evaluate(() => [typeof (globalThis as any).Buffer, typeof (globalThis as any).process])).toEqual(['undefined', 'undefined'])
  // Verification ran in the package's worker, loaded as the app's own asset.
  expect(page.workers().some((w) => /verify-worker/.test(w.url()))).toBe(true)
  expect(problems).toEqual([])
})

test('no bundler: the pre-built element script shows a verified balance and emits events', async ({ page }) => {
  const problems = watchProblems(page)
  const bootstrap = await (await fetch(bootstrapUrl())).text()
  const url = await serve({ '/': join(EXAMPLES, 'no-bundler'), '/zklight/': join(EXAMPLES, 'no-bundler', 'node_modules', 'zklight', 'dist', 'browser') }, { '/bootstrap.json': () => bootstrap })
  await page.goto(url)
  const el = page.locator('zklight-balance#balance')
  await expect(el).toHaveAttribute('data-state', 'verified', { timeout: 120_000 })
  expect(BigInt((await el.getAttribute('data-balance')) as string)).toBeGreaterThan(0n)
  expect(Number(await el.getAttribute('data-height'))).toBeGreaterThanOrEqual(0)
  await proofsVerified(page)
  // Shown with its height and age, in the shadow root.
  await expect(el.locator('[part~="meta"]')).toContainText(/height \d+ · [\d.]+ s old/)
  await expect(page.locator('zklight-status#status')).toHaveAttribute('data-state', 'verified')
  await expect(page.locator('#events li[data-event="verified"][data-from="balance"]').first()).toBeAttached()
  await expect(page.locator('#events li[data-event="verified"][data-from="status"]').first()).toBeAttached()
  expect(problems).toEqual([])
})

test('trading: Place order follows the verified view (unverified, fresh, stale) and pending heads are shown apart', async ({ page, browser }) => {
  const problems = watchProblems(page)
  const url = await serve({ '/': join(EXAMPLES, 'trading', 'dist') })
  await page.goto(`${url}?bootstrap=${encodeURIComponent(bootstrapUrl())}&maxAge=4000`)
  const button = page.locator('#place-order')
  await expect(page.locator('#account-balance')).toHaveAttribute('data-state', 'verified', { timeout: 120_000 })
  await expect(button).toBeEnabled()
  await proofsVerified(page)
  await expect(page.locator('#data-age')).toContainText(/\d+\.\d s/)
  // Certified heads whose proofs are not in yet are listed apart, above the verified head.
  await expect(page.locator('#pending-heads li').first()).toBeAttached({ timeout: 60_000 })
  const pendingHeight = Number(await page.locator('#pending-heads li').first().getAttribute('data-height'))
  expect(pendingHeight).toBeGreaterThan(0)
  await page.click('#place-order')
  await expect(page.locator('#orders li')).toHaveCount(1)

  // The network stops producing (the devnet is paused): the verified state ages past maxAge.
  process.kill(devnet.pid, 'SIGSTOP')
  try {
    await expect(button).toBeDisabled({ timeout: 30_000 })
    await expect(page.locator('#order-blocked')).toHaveAttribute('data-reason', 'stale')
    await expect(page.locator('#account-balance')).toHaveText('—')
  } finally {
    process.kill(devnet.pid, 'SIGCONT')
  }
  await expect(button).toBeEnabled({ timeout: 60_000 })
  await expect(page.locator('#account-balance')).toHaveAttribute('data-state', 'verified')

  // A view with no reachable peer never verifies anything: the button stays off, saying why.
  const noPeers = JSON.stringify({ ...(await (await fetch(bootstrapUrl())).json()), multiaddrs: [] })
  const lonely = await serve({ '/': join(EXAMPLES, 'trading', 'dist') }, { '/bootstrap.json': () => noPeers })
  const ctx = await browser.newContext()
  try {
    const p2 = await ctx.newPage()
    await p2.goto(`${lonely}?maxAge=4000`)
    await expect(p2.locator('#order-blocked')).toHaveAttribute('data-reason', 'unverified', { timeout: 30_000 })
    await expect(p2.locator('#place-order')).toBeDisabled()
    await p2.waitForTimeout(3_000)
    await expect(p2.locator('#place-order')).toBeDisabled()
  } finally {
    await ctx.close()
  }
  expect(problems).toEqual([])
})

test('static deployment: the built site on a plain static host, with the devnet-written bootstrap.json and vk.json beside it', async ({ page }) => {
  const problems = watchProblems(page)
  const site = new URL('../dist/', import.meta.url).pathname
  // What a deployment copies into public/ (then `npm run build`): the files the devnet wrote to its folder.
  const url = await serve({ '/': site }, { '/bootstrap.json': () => readFileSync(join(devnet.dir, 'bootstrap.json'), 'utf8'), '/vk.json': () => readFileSync(join(devnet.dir, 'vk.json'), 'utf8') })
  const written = JSON.parse(readFileSync(join(devnet.dir, 'bootstrap.json'), 'utf8')) as { vkUrl: string; multiaddrs: string[] }
  expect(written.vkUrl).toBe('vk.json')
  await page.goto(url)
  await expect(page.locator('#balance-result.verified')).toBeVisible({ timeout: 120_000 })
  await expect(page.locator('zklight-balance')).toHaveAttribute('data-state', 'verified', { timeout: 60_000 })
  await proofsVerified(page)
  expect(problems).toEqual([])
})
