// <zklight-balance address="zkl1…" [bootstrap="…/bootstrap.json"] [max-age="15s"]>: a balance
// shown only while it is proven against a verified state root no older than max-age, with
// its height and age. Emits `verified` (each new verified figure), `stale` and `halted`.
import type { BalanceSnapshot, ExternalStore } from '../../client/watch-store.ts'
import { watchBalance } from '../../client/watch-store.ts'
import { clientFor } from './client-registry.ts'
import { ElementBase, emit, formatAge, openShadow, parseMaxAge } from './element-base.ts'

export class ZklightBalanceElement extends ElementBase {
  static get observedAttributes(): string[] {
    return ['address', 'bootstrap', 'max-age']
  }

  private parts: ReturnType<typeof openShadow> | undefined
  private unsubscribe: (() => void) | undefined
  private last: BalanceSnapshot | undefined
  private seq = 0

  connectedCallback(): void {
    this.parts = openShadow(this)
    void this.attach()
  }

  disconnectedCallback(): void {
    this.seq++
    this.unsubscribe?.()
    this.unsubscribe = undefined
  }

  attributeChangedCallback(): void {
    if (this.isConnected && this.parts) void this.attach()
  }

  /** The snapshot shown now (undefined before the element found its client). */
  get snapshot(): BalanceSnapshot | undefined {
    return this.last
  }

  private async attach(): Promise<void> {
    const seq = ++this.seq
    this.unsubscribe?.()
    this.unsubscribe = undefined
    this.last = undefined
    const address = this.getAttribute('address')?.trim()
    if (!address) return this.show({ address: '', state: 'error', why: 'no-address' })
    this.show({ address, state: 'loading' })
    let store: ExternalStore<BalanceSnapshot>
    try {
      store = watchBalance(await clientFor(this), address, { maxAgeMs: parseMaxAge(this.getAttribute('max-age')) })
    } catch (err) {
      if (seq === this.seq) this.show({ address, state: 'error', why: err instanceof Error ? err.name : 'Error' })
      return
    }
    if (seq !== this.seq) return
    this.unsubscribe = store.subscribe(() => this.show(store.getSnapshot()))
    this.show(store.getSnapshot())
  }

  private show(s: BalanceSnapshot): void {
    const prev = this.last
    this.last = s
    this.dataset.state = s.state
    if (s.state === 'verified') this.dataset.balance = String(s.balance)
    else delete this.dataset.balance
    if (s.height === undefined) delete this.dataset.height
    else this.dataset.height = String(s.height)
    if (s.ageMs === undefined || !Number.isFinite(s.ageMs)) delete this.dataset.ageMs
    else this.dataset.ageMs = String(s.ageMs)
    const p = this.parts
    if (p) {
      p.root.dataset.state = s.state
      p.value.textContent = text(s)
      p.meta.textContent = s.height === undefined ? '' : `height ${s.height} · ${formatAge(s.ageMs)}`
    }
    if (s.state === 'verified' && (prev?.state !== 'verified' || prev.height !== s.height || prev.balance !== s.balance)) {
      emit(this, 'verified', { address: s.address, balance: s.balance, nonce: s.nonce, height: s.height, ageMs: s.ageMs })
    } else if (s.state === 'stale' && prev?.state !== 'stale') emit(this, 'stale', { address: s.address, why: s.why, height: s.height, ageMs: s.ageMs })
    else if (s.state === 'halted' && prev?.state !== 'halted') emit(this, 'halted', { address: s.address })
  }
}

function text(s: BalanceSnapshot): string {
  switch (s.state) {
    case 'verified':
      return `${s.balance}`
    case 'loading':
      return 'verifying…'
    case 'stale':
      return `not shown: stale (${s.why})`
    case 'halted':
      return 'not shown: client halted'
    case 'error':
      return `not verified (${s.why})`
  }
}
