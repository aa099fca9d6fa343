// Whether a verified view is fresh enough for a caller, as a pure decision: the one rule
// behind requireFresh (which throws), the watch stores and the web components (which
// show no figure otherwise).
import type { ClientStatus } from './live-status.ts'

export interface FreshnessFacts {
  status: ClientStatus
  /** Age of the verified state: now − the verified head's timestamp. */
  lagMs: number
  /** Certified heads seen above the verified one (not proven yet). */
  lagBlocks: number
}

export interface FreshnessBounds {
  maxLagMs: number
  /** Default: any. */
  maxLagBlocks?: number
}

export type FreshnessReason = 'halted' | 'stale' | 'too-old' | 'too-far-behind'

export type Freshness = { ok: true } | { ok: false; reason: FreshnessReason }

/** A halted or stale client is never fresh; otherwise the verified state must be young enough and close enough to the best certified head. */
export function judgeFreshness(f: FreshnessFacts, bounds: FreshnessBounds): Freshness {
  if (f.status === 'halted') return { ok: false, reason: 'halted' }
  if (f.status === 'stale') return { ok: false, reason: 'stale' }
  if (!(f.lagMs <= bounds.maxLagMs)) return { ok: false, reason: 'too-old' }
  if (f.lagBlocks > (bounds.maxLagBlocks ?? Infinity)) return { ok: false, reason: 'too-far-behind' }
  return { ok: true }
}
