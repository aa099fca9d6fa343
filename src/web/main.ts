// The zklight web app: syncs a verified view of the devnet over libp2p WebRTC,
// resumes from the IndexedDB checkpoint on reload, shows only verified balances, and
// shows each peer with the transport it is reached over.
import './polyfills.ts'
import type { BrowserClient, Metrics } from './start.ts'
import { balanceAtCheckpoint, fetchBootstrap, keepBalance, openStore, readStartPoint, type ResumedBalance, type ResumeVerdict } from './fast-resume.ts'
import { startBrowserVerifier } from '../client/browser-verifier.ts'
import { pageOptions } from './page-options.ts'

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id)
  if (!el) throw new Error(`missing #${id}`)
  return el as T
}

function log(text: string): void {
  const li = document.createElement('li')
  li.textContent = `${new Date().toISOString().slice(11, 23)} ${text}`
  const list = $('log')
  list.prepend(li)
  while (list.children.length > 200) list.lastElementChild?.remove()
}

function showHealth(app: BrowserClient): void {
  const h = app.client.health()
  $('verified-height').textContent = String(h.verifiedHeight)
  $('best-height').textContent = String(h.bestSeenHeight)
  $('lag').textContent = `${h.lagBlocks} blocks, ${Math.round(h.lagMs)} ms`
  $('peers').textContent = String(h.peers)
  showPeers(app)
  const pill = $('status')
  pill.dataset.status = h.status
  pill.textContent = h.status
}

/** One line per connected peer; `data-peer` and `data-transport` are for scripts and tests. */
function showPeers(app: BrowserClient): void {
  const items = app.client.peers().map((p) => {
    const li = document.createElement('li')
    li.dataset.peer = p.id
    li.dataset.transport = p.transport
    li.textContent = `${p.transport} · ${p.id.slice(0, 8)}…${p.id.slice(-6)} · height ${p.height} · score ${p.score}`
    return li
  })
  $('peers-list').replaceChildren(...items)
}

// The balance card follows one address: it is re-verified on every new verified head,
// one query at a time, so it never shows a figure older than the verified view.
let watched: string | undefined
let inflight = false
let again = false

function watchBalance(app: BrowserClient, address: string, keepShown = false): void {
  const out = $('balance-result')
  if (!keepShown || watched !== address) {
    out.className = ''
    delete out.dataset.balance
    out.textContent = 'verifying…'
  }
  watched = address
  void refreshBalance(app)
}

/** The warm path: a balance verified against the stored checkpoint, before the client exists. */
function showResumed(address: string, b: ResumedBalance): void {
  watched = address
  const out = $('balance-result')
  out.className = 'verified'
  out.dataset.balance = b.balance.toString()
  out.textContent = `balance ${b.balance} · nonce ${b.nonce} · verified by Merkle proof against the stored checkpoint at height ${b.height} (root ${b.stateRoot.toString(16).slice(0, 16)}…); catching up…`
}

/** Says whether the warm path showed a balance, or why a kept proof was not used (`data-resume`: `verified` or the reason). */
function showResumeVerdict(v: ResumeVerdict, height: number): void {
  const el = $('resume')
  el.dataset.resume = v.ok ? 'verified' : v.reason
  el.textContent = v.ok ? `balance verified against the checkpoint at height ${height}` : `nothing (checkpoint at height ${height}: ${v.reason})`
}

async function refreshBalance(app: BrowserClient): Promise<void> {
  if (watched === undefined) return
  if (inflight) {
    again = true
    return
  }
  inflight = true
  const address = watched
  const out = $('balance-result')
  try {
    const b = await app.client.getBalance(address)
    keepBalance(app.anchor.checkpoint.genesisHash, address, b)
    if (address !== watched) return
    app.metrics.firstVerifiedBalanceMs ??= performance.now()
    out.className = 'verified'
    out.dataset.balance = b.balance.toString()
    out.textContent = `balance ${b.balance} · nonce ${b.nonce} · verified by Merkle proof at height ${b.height} (root ${b.stateRoot.toString(16).slice(0, 16)}…)`
  } catch (err) {
    if (address !== watched) return
    out.className = 'error'
    delete out.dataset.balance
    out.textContent = `not verified: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`
  } finally {
    inflight = false
    if (again) {
      again = false
      void refreshBalance(app)
    }
  }
}

async function main(): Promise<void> {
  const metrics: Metrics = { scriptMs: performance.now() } // the first chunk is loaded and running
  ;(globalThis as Record<string, unknown>).zklight = { metrics }
  // The verifier workers first: fetching their code and compiling the pairing library
  // overlap with everything below; they get the key once the client has checked it.
  const options = pageOptions()
  const startedVerifier = options.earlyWorkers ? startBrowserVerifier(undefined, options.backend) : undefined
  if (startedVerifier) metrics.workersStartedMs = performance.now()
  const { bootstrap, anchor } = await fetchBootstrap()
  metrics.bootstrapMs = performance.now()
  const first = bootstrap.accounts?.[0]?.address
  const store = openStore(anchor)
  let resumed = false
  if (first) {
    const sp = await readStartPoint(anchor, store)
    const v = sp.source === 'store' ? balanceAtCheckpoint(sp.checkpoint, anchor.params.depth, first) : undefined
    if (v) showResumeVerdict(v, sp.checkpoint.height)
    if (v?.ok) {
      $<HTMLInputElement>('address').value = first
      showResumed(first, v.balance)
      metrics.firstVerifiedBalanceMs = performance.now()
      resumed = true
      log(`balance of ${first.slice(0, 12)}… verified against the stored checkpoint at height ${v.balance.height}`)
    } else if (v && v.reason !== 'no-kept-proof') log(`kept account proof at height ${sp.checkpoint.height} not used: ${v.reason}`)
  }
  // The client and libp2p load only now: they are most of the page's code. (Asking for the
  // network's chunks here as well dialled sooner but synced later on 2 cores: the workers'
  // start-up and the network code's then compete; see docs/performance.md.)
  const [{ startBrowserClient }, { defineZklightElements }] = await Promise.all([import('./start.ts'), import('./components/index.ts')])
  const app = await startBrowserClient({ log, bootstrap, anchor, store, metrics, options, ...(startedVerifier ? { startedVerifier } : {}) })
  ;(globalThis as Record<string, unknown>).zklight = app
  defineZklightElements({ client: app.client })
  $('origin').textContent = app.origin
  app.client.on('head', (h: { height: number; stateRoot: bigint }) => {
    $('state-root').textContent = `0x${h.stateRoot.toString(16)}`
    log(`verified head ${h.height}`)
    showHealth(app)
    void refreshBalance(app)
  })
  app.client.on('status', (s: { status: string; reason?: string }) => {
    log(`status ${s.status}${s.reason ? ` (${s.reason})` : ''}`)
    showHealth(app)
  })
  app.client.on('pending', (h: { height: number }) => log(`pending head ${h.height} (proof not yet verified)`))
  app.client.on('dropped', (d: { height: number; reason: string }) => log(`dropped head ${d.height}: ${d.reason}`))
  setInterval(() => {
    showHealth(app)
    // A failed query (no peer yet, a peer that lied) is retried even on a quiet chain.
    if ($('balance-result').className === 'error') void refreshBalance(app)
  }, 1000)

  const list = $('accounts')
  for (const a of app.bootstrap.accounts ?? []) {
    const li = document.createElement('li')
    li.textContent = a.address
    li.onclick = () => {
      $<HTMLInputElement>('address').value = a.address
      watchBalance(app, a.address)
    }
    list.append(li)
  }
  if (first) {
    const widget = document.createElement('zklight-balance')
    widget.setAttribute('address', first)
    $('widget-slot').append(widget)
  }

  $('balance-form').addEventListener('submit', (e) => {
    e.preventDefault()
    watchBalance(app, $<HTMLInputElement>('address').value.trim())
  })
  $('send-form').addEventListener('submit', (e) => {
    e.preventDefault()
    const out = $('send-result')
    out.className = ''
    out.textContent = 'signing and submitting…'
    app
      .send({
        keyHex: $<HTMLInputElement>('send-key').value.trim(),
        from: $<HTMLInputElement>('send-from').value.trim(),
        to: $<HTMLInputElement>('send-to').value.trim(),
        amount: $<HTMLInputElement>('send-amount').value.trim(),
      })
      .then((height) => {
        out.className = 'verified'
        out.dataset.height = String(height)
        out.textContent = `included in verified block ${height}`
      })
      .catch((err: unknown) => {
        out.className = 'error'
        out.textContent = `failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`
      })
  })
  showHealth(app)
  // Show the first demo account at once: on a reload this is the warm-resume path.
  if (first) {
    $<HTMLInputElement>('address').value = first
    watchBalance(app, first, resumed)
  }
}

main().catch((err: unknown) => {
  log(`failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
  $('status').dataset.status = 'halted'
  $('status').textContent = 'failed'
})
