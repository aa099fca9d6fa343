// Mounts the page's views on a started browser client (the second chunk: it loads with
// the client, after the warm path has shown what it could): sync and charts, balance and
// inspector, keys and sending, peers, the event log, the embedded widget, forgetting.
import type { BrowserClient } from '../start.ts'
import { defineZklightElements } from '../components/index.ts'
import { IdbKeyStore } from '../../store/idb-key-store.ts'
import { BalanceView } from './balance-view.ts'
import { $, h, setText } from './dom.ts'
import { formatDuration } from './format.ts'
import { logEvent } from './event-log.ts'
import { forgetLocalData } from './forget.ts'
import { KeysView } from './keys-view.ts'
import { PeersView } from './peers-view.ts'
import { SendView } from './send-view.ts'
import { SyncView } from './sync-view.ts'

export interface MountOptions {
  /** The first demo account: watched at once, and shown in the embedded widget. */
  first: string | undefined
  /** Whether the warm path already shows a balance for `first` (kept until a newer one verifies). */
  resumed: boolean
  /** The warm path's balance view, handed over so the card keeps one owner. */
  balance: BalanceView
}

export function mountApp(app: BrowserClient, opts: MountOptions): void {
  const { client } = app
  defineZklightElements({ client })
  $('origin').textContent = app.origin
  const sync = new SyncView(client)
  new PeersView(client)
  const balance = opts.balance
  balance.attach(client)

  client.on('head', (e) => logEvent(`verified head ${e.height}`, 'verified'))
  client.on('status', (s) => {
    logEvent(`status ${s.status}${s.reason ? ` (${s.reason})` : ''}`, s.status === 'synced' ? 'verified' : 'info')
    sync.render()
  })
  client.on('pending', (p) => logEvent(`certified head ${p.height}: proof not yet verified`, 'pending'))
  client.on('dropped', (d) => logEvent(`dropped head ${d.height}: ${d.reason}`, 'problem'))
  client.on('banned', (b) => logEvent(`peer ${b.peer.slice(0, 10)}… ${b.kind === 'offence' ? 'banned' : 'dropped'}: ${b.why}`, 'problem'))
  client.on('unreachable', (u) => logEvent(`could not use ${u.addrs[0] ?? u.peer}: ${u.reason}`, 'problem'))
  client.on('stalled', (s) =>
    logEvent(
      s.reason === 'error'
        ? `catch-up stuck at block ${s.height}: this page's verifier failed (${s.detail ?? 'no detail'}); retrying`
        : `catch-up stuck at block ${s.height}: none of the ${s.peers} peer(s) that claim it served it${s.detail ? ` (${s.detail})` : ''}; retrying`,
      'problem',
    ),
  )
  client.on('batch', (b) => {
    if (b.proofs > 0) logEvent(`verified blocks ${b.from}–${b.to}: ${b.proofs} proof(s) in ${Math.round(b.verifyMs)} ms`, 'verified')
  })
  client.on('checkpoint', () => ($('origin').textContent = app.origin))

  // The embedded widget checks freshness itself (its watch store re-asks on each verified
  // head and status change), so it needs nothing from the card.
  let widget: HTMLElement | undefined
  if (opts.first) {
    widget = document.createElement('zklight-balance')
    widget.setAttribute('address', opts.first)
    $('widget-slot').append(widget)
  }
  // Says in words why the widget shows no figure while the card shows one: its freshness rule.
  const note = $('widget-note')
  const explain = () => {
    if (!widget || widget.dataset.state !== 'stale') return setText(note, '')
    const h = client.health()
    setText(
      note,
      `The widget shows no figure: it requires the verified view to be at most 15 s old, and it is ${formatDuration(h.lagMs)} old (${h.status}). The card shows the last verified balance with its height.`,
    )
  }
  if (widget) new MutationObserver(explain).observe(widget, { attributes: true, attributeFilter: ['data-state'] })
  setInterval(explain, 1000)

  const list = $('accounts')
  for (const a of app.bootstrap.accounts ?? []) {
    const button = h('button', { type: 'button', class: 'link mono' }, a.address)
    button.addEventListener('click', () => {
      $<HTMLInputElement>('address').value = a.address
      balance.watch(a.address)
    })
    list.append(h('li', {}, button))
  }
  $('balance-form').addEventListener('submit', (e) => {
    e.preventDefault()
    balance.watch($<HTMLInputElement>('address').value.trim())
  })

  const keyStore = new IdbKeyStore()
  const keys = new KeysView(keyStore, app.anchor.params.depth)
  const send = new SendView(client, { genesisHash: app.anchor.checkpoint.genesisHash, depth: app.anchor.params.depth })
  keys.onChange((k) => send.setKeys(k))
  void keys.load()

  $('forget').addEventListener('click', () => {
    if (!confirm('Forget the stored checkpoint, kept proofs and keys of this page in this browser? The page then reloads and syncs from the pinned trust anchor.')) return
    void forgetLocalData({ stop: () => client.stop(), closeStores: async () => (await app.store.close(), await keyStore.close()) }).then(() => location.reload())
  })

  if (opts.first) {
    $<HTMLInputElement>('address').value = opts.first
    balance.watch(opts.first, opts.resumed)
  }
}
