// Tracks what the network says is ahead of the verified view: the best certified
// height seen, heads shown as `pending` before their proofs are checked, and how
// long ago the verified view was last known to be current (the lag).
import { bytesToHex } from '../core/bytes.ts'
import { hashHeader } from '../core/header.ts'
import type { Header } from '../core/types.ts'
import type { Clock } from '../core/platform.ts'

export interface PendingHead {
  height: number
  hash: string
  header: Header
  verified: false
}

export interface DroppedHead {
  height: number
  hash: string
  header: Header
  reason: string
  peer: string
}

export interface HeadTrackerEvents {
  pending(p: PendingHead): void
  dropped(d: DroppedHead): void
}

export class HeadTracker {
  private best = -1
  private confirmed: number | undefined
  private readonly pendings = new Map<string, PendingHead>()

  constructor(
    private readonly clock: Clock,
    private readonly verifiedHeight: () => number,
    private readonly events: HeadTrackerEvents,
  ) {}

  get bestSeenHeight(): number {
    return Math.max(this.best, this.verifiedHeight())
  }

  /** A header whose certificate verified. Heads above the verified view become pending. */
  certified(header: Header): void {
    if (header.height > this.best) this.best = header.height
    if (header.height <= this.verifiedHeight()) return
    const hash = bytesToHex(hashHeader(header))
    if (this.pendings.has(hash)) return
    const p: PendingHead = { height: header.height, hash, header, verified: false }
    this.pendings.set(hash, p)
    this.events.pending(p)
  }

  /** A responsive peer reported a head; when nothing better is known, the view is current now. */
  contact(): void {
    if (this.verifiedHeight() >= this.best) this.confirmed = this.clock.now()
  }

  /** The verified view advanced: settle pending heads at or below it. */
  advanced(hashAt: (height: number) => string | undefined): void {
    const height = this.verifiedHeight()
    for (const [hash, p] of this.pendings) {
      if (p.height > height) continue
      this.pendings.delete(hash)
      // A certified head that is not on the verified chain: it can never be verified here.
      if (hashAt(p.height) !== hash && hashAt(p.height) !== undefined) this.drop(p, 'conflict', '')
    }
    if (this.best >= 0 && height >= this.best) this.confirmed = this.clock.now()
  }

  /**
   * A block failed verification. A pending head with that hash is dropped unless
   * another peer may still serve a valid proof for it (`retryable`).
   */
  rejected(header: Header, peer: string, reason: string, retryable: boolean): void {
    const hash = bytesToHex(hashHeader(header))
    const p = this.pendings.get(hash)
    if (!p || retryable) return
    this.pendings.delete(hash)
    this.drop(p, reason, peer)
    // Certified heads above it descend from it (or validators equivocated): none can verify now.
    for (const [h, q] of this.pendings) {
      if (q.height <= p.height) continue
      this.pendings.delete(h)
      this.drop(q, 'ancestor-dropped', peer)
    }
  }

  /** Drops every pending head (the client halted or stopped). */
  clear(): void {
    this.pendings.clear()
  }

  lag(): { lagBlocks: number; lagMs: number } {
    const lagBlocks = Math.max(0, this.bestSeenHeight - this.verifiedHeight())
    const lagMs = this.confirmed === undefined ? Infinity : Math.max(0, this.clock.now() - this.confirmed)
    return { lagBlocks, lagMs }
  }

  private drop(p: PendingHead, reason: string, peer: string): void {
    this.events.dropped({ height: p.height, hash: p.hash, header: p.header, reason, peer })
  }
}
