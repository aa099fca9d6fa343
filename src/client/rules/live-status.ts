// The client's live status as a pure decision: syncing, synced or stale, from how far
// the verified view lags and how long ago it was last confirmed current.
import type { Equivocation } from './certificate-book.ts'

export type ClientStatus = 'syncing' | 'synced' | 'stale' | 'halted'

export interface StatusEvent {
  status: ClientStatus
  /** Why: 'equivocation' when halted, 'no-peers' or 'lagging' when stale. */
  reason?: string
  evidence?: Equivocation
}

export interface LiveFacts {
  lagBlocks: number
  /** Infinity when no peer has confirmed the view yet. */
  lagMs: number
  /** Whether the checkpoint's header is known (the client can link blocks to it). */
  anchored: boolean
  /** Time since the client started. */
  sinceStart: number
  staleAfterMs: number
  peers: number
}

/** syncing | synced | stale for a client that has not halted. */
export function liveStatus(s: LiveFacts): StatusEvent {
  // Never confirmed current (lagMs Infinity): stale once the start is older than the allowance.
  const age = s.lagMs === Infinity ? s.sinceStart : s.lagMs
  if (age > s.staleAfterMs) return { status: 'stale', reason: s.peers === 0 ? 'no-peers' : 'lagging' }
  return { status: s.lagBlocks > 0 || !s.anchored || s.lagMs === Infinity ? 'syncing' : 'synced' }
}
