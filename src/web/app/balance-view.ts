// The Balance card: follows one address, re-verified on every new verified head (one
// query at a time, so it never shows a figure older than the verified view), always with
// its height beside it, and the proof inspector under it.
import type { LightClientView, VerifiedBalance } from '../../client/index.ts'
import { keepBalance } from '../fast-resume.ts'
import { $, h } from './dom.ts'
import { formatDuration } from './format.ts'
import { renderInspector } from './inspector.ts'
import { describeError } from './messages.ts'

type Client = Pick<LightClientView, 'on' | 'getBalance' | 'inspect' | 'health'>

export class BalanceView {
  private client: Client | undefined
  private watched: string | undefined
  private inflight = false
  private again = false

  /** Made before the client exists (the warm path shows a stored balance with it); `attach` brings the client. */
  constructor(private readonly opts: { genesisHash: Uint8Array; depth: number; metrics: { firstVerifiedBalanceMs?: number } }) {}

  attach(client: Client): void {
    this.client = client
    client.on('head', () => void this.refresh())
    // A failed query (no peer yet, a peer that lied) is retried even on a quiet chain.
    setInterval(() => {
      if ($('balance-result').className === 'error') void this.refresh()
    }, 1000)
  }

  /** Follows `address`; `keepShown` leaves a balance already shown (the warm resume's) until a newer one verifies. */
  watch(address: string, keepShown = false): void {
    const out = $('balance-result')
    if (!keepShown || this.watched !== address) {
      out.className = ''
      delete out.dataset.balance
      delete out.dataset.height
      out.textContent = 'verifying…'
      $('balance-inspector').replaceChildren()
    }
    this.watched = address
    void this.refresh()
  }

  /** The warm path: a balance verified against the stored checkpoint before the client existed. */
  showResumed(address: string, b: { balance: bigint; nonce: number; height: number; timestamp?: number }): void {
    this.watched = address
    const out = $('balance-result')
    out.className = 'verified'
    out.dataset.balance = b.balance.toString()
    out.dataset.height = String(b.height)
    const age = b.timestamp === undefined ? '' : ` (block time ${formatDuration(Date.now() - b.timestamp)} ago)`
    out.replaceChildren(h('span', { class: 'figure' }, b.balance.toString()), ` · nonce ${b.nonce} · verified by Merkle proof against the stored checkpoint at height ${b.height}${age}; catching up…`)
  }

  async refresh(): Promise<void> {
    const address = this.watched
    const client = this.client
    if (address === undefined || !client) return
    if (this.inflight) {
      this.again = true
      return
    }
    this.inflight = true
    const out = $('balance-result')
    try {
      const b = await client.getBalance(address)
      keepBalance(this.opts.genesisHash, address, b)
      if (address !== this.watched) return
      this.opts.metrics.firstVerifiedBalanceMs ??= performance.now()
      out.className = 'verified'
      out.dataset.balance = b.balance.toString()
      out.dataset.height = String(b.height)
      const age = client.health().lagMs
      out.replaceChildren(
        h('span', { class: 'figure' }, b.balance.toString()),
        ` · nonce ${b.nonce}${b.exists ? '' : ' (no account yet)'} · verified at height ${b.height}`,
        Number.isFinite(age) ? ` · data ${formatDuration(age)} old when checked` : '',
      )
      await this.showInspector(client, address, b)
    } catch (err) {
      if (address !== this.watched) return
      out.className = 'error'
      delete out.dataset.balance
      delete out.dataset.height
      out.textContent = `Not verified: ${describeError(err)}`
      $('balance-inspector').replaceChildren()
    } finally {
      this.inflight = false
      if (this.again) {
        this.again = false
        void this.refresh()
      }
    }
  }

  private async showInspector(client: Client, address: string, b: VerifiedBalance): Promise<void> {
    // A tab that does not lead asks the leading tab; if that fails the inspector says it has no block.
    const block = await Promise.resolve(client.inspect(b.height)).catch(() => undefined)
    const slot = $('balance-inspector')
    const wasOpen = slot.querySelector('details')?.open === true
    const details = renderInspector({ address, balance: b, block, depth: this.opts.depth })
    details.open = wasOpen
    slot.replaceChildren(details)
  }
}
