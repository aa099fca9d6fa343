// <zklight-status [bootstrap="…/bootstrap.json"] [max-age="15s"]>: the verified view's state,
// height, age, peers and pending (certified, not yet proven) heads. Emits `verified` (each new
// fresh verified height), `stale` and `halted`, like <zklight-balance>.
import type { ExternalStore, HealthSnapshot } from '../../client/watch-store.ts'
import { watchHealth } from '../../client/watch-store.ts'
import { clientFor } from './client-registry.ts'
import { ElementBase, emit, formatAge, openShadow, parseMaxAge } from './element-base.ts'

export class ZklightStatusElement extends ElementBase {
  static get observedAttributes(): string[] {
    return ['bootstrap', 'max-age']
  }

  private parts: ReturnType<typeof openShadow> | undefined
  private unsubscribe: (() => void) | undefined
  private last: HealthSnapshot | undefined
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

  get snapshot(): HealthSnapshot | undefined {
    return this.last
  }

  private async attach(): Promise<void> {
    const seq = ++this.seq
    this.unsubscribe?.()
    this.unsubscribe = undefined
    this.last = undefined
    this.dataset.state = 'starting'
    if (this.parts) this.parts.value.textContent = 'starting…'
    let store: ExternalStore<HealthSnapshot>
    try {
      store = watchHealth(await clientFor(this), { maxAgeMs: parseMaxAge(this.getAttribute('max-age')) })
    } catch (err) {
      if (seq !== this.seq) return
      this.dataset.state = 'error'
      if (this.parts) this.parts.value.textContent = `no client (${err instanceof Error ? err.name : 'Error'})`
      return
    }
    if (seq !== this.seq) return
    this.unsubscribe = store.subscribe(() => this.show(store.getSnapshot()))
    this.show(store.getSnapshot())
  }

  private show(s: HealthSnapshot): void {
    const prev = this.last
    this.last = s
    this.dataset.state = s.state
    this.dataset.height = String(s.verifiedHeight)
    this.dataset.pending = String(s.pending.length)
    const p = this.parts
    if (p) {
      p.root.dataset.state = s.state
      p.value.textContent = s.state === 'verified' ? `verified at height ${s.verifiedHeight}` : s.state === 'halted' ? `halted (${s.reason ?? 'unknown'})` : `${s.state} (${s.why ?? s.status})`
      const pending = s.pending.length > 0 ? ` · ${s.pending.length} pending up to ${s.pending[s.pending.length - 1]?.height}` : ''
      p.meta.textContent = `${formatAge(s.ageMs)} · ${s.peers} peer${s.peers === 1 ? '' : 's'}${pending}`
    }
    if (s.state === 'verified' && (prev?.state !== 'verified' || prev.verifiedHeight !== s.verifiedHeight)) emit(this, 'verified', { height: s.verifiedHeight, ageMs: s.ageMs })
    else if (s.state === 'stale' && prev?.state !== 'stale') emit(this, 'stale', { why: s.why, height: s.verifiedHeight, ageMs: s.ageMs })
    else if (s.state === 'halted' && prev?.state !== 'halted') emit(this, 'halted', { reason: s.reason })
  }
}
