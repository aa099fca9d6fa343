// A token bucket per peer for submitted transfers (docs/protocol.md#submit-refusals):
// each submit takes a token, tokens come back at a fixed rate, and a peer without one
// is answered `rate-limited` instead of costing the node a signature check.
import type { Clock } from '../core/platform.ts'
import { MAX_TRACKED_PEERS } from '../net/constants.ts'
import { SUBMIT_BURST, SUBMIT_RATE_PER_S } from './constants.ts'

export interface SubmitLimits {
  /** Tokens a full bucket holds: submits a peer may send at once. */
  burst: number
  /** Tokens added per second. */
  perSecond: number
}

export class SubmitLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly limits: SubmitLimits = { burst: SUBMIT_BURST, perSecond: SUBMIT_RATE_PER_S },
    /** Peers never limited: a validator's fellow validators, which relay every transfer they accept to it. */
    private readonly exempt: ReadonlySet<string> = new Set(),
  ) {}

  /** Takes a token from `peer`'s bucket; false means refuse this submit `rate-limited`. */
  take(peer: string): boolean {
    if (this.exempt.has(peer)) return true
    const now = this.clock.now()
    const { burst, perSecond } = this.limits
    const b = this.buckets.get(peer)
    // A clock that steps back refills nothing.
    let tokens = b ? Math.min(burst, b.tokens + (Math.max(0, now - b.at) * perSecond) / 1000) : burst
    const ok = tokens >= 1
    if (ok) tokens -= 1
    this.buckets.delete(peer) // re-insert: Map order is the eviction order
    this.buckets.set(peer, { tokens, at: now })
    // Bounded: the least recently seen peer is forgotten (and comes back with a full bucket).
    if (this.buckets.size > MAX_TRACKED_PEERS) this.buckets.delete(this.buckets.keys().next().value as string)
    return ok
  }
}
