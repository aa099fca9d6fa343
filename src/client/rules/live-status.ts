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
  /** Best certified height seen − verified height. */
  lagBlocks: number
  /** Age of the verified state (now − the verified head's timestamp); Infinity before its header is known. */
  lagMs: number
  /** Whether the checkpoint's header is known (the client can link blocks to it). */
  anchored: boolean
  /** Whether any peer's status was heard since start: until then nothing says there is no newer head. */
  heard: boolean
  /** Time since the client started. */
  sinceStart: number
  staleAfterMs: number
  peers: number
}

/**
 * syncing | synced | stale for a client that has not halted. Synced: anchored, nothing
 * certified beyond the verified head, and the verified state younger than `staleAfterMs`.
 * A client catching up (peers, within `staleAfterMs` of its start) is syncing even with old
 * state; after that, state older than the allowance is stale whatever the reason.
 */
export function liveStatus(s: LiveFacts): StatusEvent {
  const fresh = s.lagMs <= s.staleAfterMs
  if (s.anchored && s.heard && fresh && s.lagBlocks === 0) return { status: 'synced' }
  if (fresh || (s.sinceStart <= s.staleAfterMs && s.peers > 0)) return { status: 'syncing' }
  return { status: 'stale', reason: s.peers === 0 ? 'no-peers' : 'lagging' }
}
