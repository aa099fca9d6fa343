// The zklight web app: syncs a verified view of the devnet over libp2p WebRTC, resumes
// from the IndexedDB checkpoint on reload, shows only verified balances (each with its
// height), and shows how it got there (sync progress, charts, peers, proof inspector).
//
// This is the first chunk: the trust banner and the warm resume run before the client,
// libp2p and the verifier load (they are most of the page's code); src/web/app/app.ts
// mounts the live views once the client has started.
import './polyfills.ts'
import type { Metrics } from './start.ts'
import { balanceAtCheckpoint, fetchBootstrap, fetchJson, openStore, readStartPoint, type ResumeVerdict } from './fast-resume.ts'
import { BalanceView } from './app/balance-view.ts'
import { $ } from './app/dom.ts'
import { startBrowserVerifier } from '../client/browser-verifier.ts'
import { pageOptions } from './page-options.ts'
import { logEvent } from './app/event-log.ts'
import { describeError } from './app/messages.ts'
import { renderSetupBanner, renderTrustAnchor } from './app/trust-view.ts'

/** Says whether the warm path showed a balance, or why a kept proof was not used (`data-resume`: `verified` or the reason). */
function showResumeVerdict(v: ResumeVerdict, height: number): void {
  const el = $('resume')
  el.dataset.resume = v.ok ? 'verified' : v.reason
  el.textContent = v.ok ? `balance verified against the checkpoint at height ${height}` : `nothing (checkpoint at height ${height}: ${v.reason})`
}

async function main(): Promise<void> {
  const metrics: Metrics = { scriptMs: performance.now() } // the first chunk is loaded and running
  ;(globalThis as Record<string, unknown>).zklight = { metrics }
  // The verifier workers first: fetching their code and compiling the pairing library
  // overlap with everything below; they get the key once the client has checked it.
  const options = pageOptions()
  const startedVerifier = options.earlyWorkers ? startBrowserVerifier(undefined, options.backend, options.pool) : undefined
  if (startedVerifier) metrics.workersStartedMs = performance.now()
  const { bootstrap, anchor } = await fetchBootstrap()
  metrics.bootstrapMs = performance.now()
  // The key travels while the rest of the page's code loads; the client checks it against the anchor.
  const verificationKey = fetchJson(bootstrap.vkUrl ?? './vk.json')
  verificationKey.catch(() => {}) // the client reports it
  renderSetupBanner(anchor)
  renderTrustAnchor(anchor, `pinned checkpoint at height ${anchor.checkpoint.height}`)
  const first = bootstrap.accounts?.[0]?.address
  const store = openStore(anchor)
  const balance = new BalanceView({ genesisHash: anchor.checkpoint.genesisHash, depth: anchor.params.depth, metrics })
  let resumed = false
  if (first) {
    const sp = await readStartPoint(anchor, store)
    const v = sp.source === 'store' ? balanceAtCheckpoint(sp.checkpoint, anchor.params.depth, first) : undefined
    if (v) showResumeVerdict(v, sp.checkpoint.height)
    if (v?.ok) {
      $<HTMLInputElement>('address').value = first
      balance.showResumed(first, { ...v.balance, ...(sp.header ? { timestamp: sp.header.timestamp } : {}) })
      metrics.firstVerifiedBalanceMs = performance.now()
      resumed = true
      logEvent(`balance of ${first.slice(0, 12)}… verified against the stored checkpoint at height ${v.balance.height}`, 'verified')
    } else if (v && v.reason !== 'no-kept-proof') logEvent(`kept account proof at height ${sp.checkpoint.height} not used: ${v.reason}`, 'problem')
  }
  // The client and libp2p load only now: they are most of the page's code. (Asking for the
  // network's chunks here as well dialled sooner but synced later on 2 cores: the workers'
  // start-up and the network code's then compete; see docs/performance.md.)
  const [{ startBrowserClient }, { mountApp }] = await Promise.all([import('./start.ts'), import('./app/app.ts')])
  const app = await startBrowserClient({ log: (s) => logEvent(s), bootstrap, anchor, store, metrics, options, verificationKey, ...(startedVerifier ? { startedVerifier } : {}) })
  ;(globalThis as Record<string, unknown>).zklight = app
  renderTrustAnchor(anchor, app.origin)
  app.client.on('checkpoint', () => renderTrustAnchor(anchor, app.origin))
  mountApp(app, { first, resumed, balance })
}

main().catch((err: unknown) => {
  logEvent(`failed to start: ${describeError(err)}`, 'problem')
  if (err instanceof Error && err.stack) console.error(err.stack)
  $('status').dataset.status = 'halted'
  $('status').textContent = 'failed'
  $('sync-text').textContent = `The page could not start: ${describeError(err)}`
})
