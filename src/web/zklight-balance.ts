// <zklight-balance address="zkl1…"> — an embeddable element that shows a balance
// only when it is proven against a verified state root, and says so when it is not.
import type { LightClientLike } from './client-handle.ts'

const STALE_AFTER_MS = 15_000

export class ZklightBalance extends HTMLElement {
  static client: LightClientLike | undefined
  private off: (() => void) | undefined
  private seq = 0

  static get observedAttributes(): string[] {
    return ['address']
  }

  connectedCallback(): void {
    this.attachShadow({ mode: 'open' })
    this.render('waiting', 'waiting for a verified head…')
    const client = ZklightBalance.client
    if (!client) return
    const onHead = (): void => void this.refresh()
    client.on('head', onHead)
    this.off = () => client.off?.('head', onHead)
    void this.refresh()
  }

  disconnectedCallback(): void {
    this.off?.()
  }

  attributeChangedCallback(): void {
    if (this.shadowRoot) void this.refresh()
  }

  private async refresh(): Promise<void> {
    const client = ZklightBalance.client
    const address = this.getAttribute('address')
    if (!client || !address) return
    const seq = ++this.seq
    try {
      // A trading view must not show a stale number as current.
      await client.requireFresh({ maxLagMs: STALE_AFTER_MS })
      const b = await client.getBalance(address)
      if (seq !== this.seq) return
      this.dataset.height = String(b.height)
      this.dataset.balance = b.balance.toString()
      this.render('verified', `${b.balance.toString()} · verified at height ${b.height}`)
    } catch (err) {
      if (seq !== this.seq) return
      const name = err instanceof Error ? err.name : 'Error'
      delete this.dataset.balance
      this.render('unverified', `not verified (${name})`)
    }
  }

  private render(state: 'waiting' | 'verified' | 'unverified', text: string): void {
    this.dataset.state = state
    const colour = state === 'verified' ? '#1f7a3d' : state === 'unverified' ? '#b3261e' : '#59636e'
    if (!this.shadowRoot) return
    this.shadowRoot.innerHTML = `<span part="balance" style="font-family:ui-monospace,monospace;color:${colour}"></span>`
    const span = this.shadowRoot.querySelector('span')
    if (span) span.textContent = text
  }
}

export function defineZklightBalance(client: LightClientLike): void {
  ZklightBalance.client = client
  if (!customElements.get('zklight-balance')) customElements.define('zklight-balance', ZklightBalance)
}
