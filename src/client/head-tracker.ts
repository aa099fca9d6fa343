// Tracks what the network says is ahead of the verified view: the best certified
// height seen, heads shown as `pending` before their proofs are checked, and the lag:
// how old the verified state is (now − the verified head's timestamp) and how many
// certified blocks it is behind.
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
  private heard = false
  private readonly pendings = new Map<string, PendingHead>()

  /**
   * `verifiedHead` gives the verified height and the verified head's timestamp (undefined
   * until the client knows the header its checkpoint names).
   */
  constructor(
    private readonly clock: Clock,
    private readonly verifiedHead: () => { height: number; timestamp: number | undefined },
    private readonly events: HeadTrackerEvents,
  ) {}

  private verifiedHeight(): number {
    return this.verifiedHead().height
  }

  get bestSeenHeight(): number {
    return Math.max(this.best, this.verifiedHeight())
  }

  /** A peer's status answer arrived: the client has heard what the network has (needed to call itself synced). */
  contact(): void {
    this.heard = true
  }

  /** Whether any peer's status has been heard since start. */
  get heardFromPeers(): boolean {
    return this.heard
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

  /** The verified view advanced: settle pending heads at or below it. */
  advanced(hashAt: (height: number) => string | undefined): void {
    const height = this.verifiedHeight()
    for (const [hash, p] of this.pendings) {
      if (p.height > height) continue
      this.pendings.delete(hash)
      // A certified head that is not on the verified chain: it can never be verified here.
      if (hashAt(p.height) !== hash && hashAt(p.height) !== undefined) this.drop(p, 'conflict', '')
    }
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

  /**
   * lagMs: the age of the verified state, now − the verified head's timestamp (Infinity
   * before that header is known; 0 when the head's clock is ahead of ours). lagBlocks: the
   * best certified height seen − the verified height. Certified heads whose proofs have not
   * arrived raise lagBlocks and leave lagMs growing: a view is fresh only when proven.
   */
  lag(): { lagBlocks: number; lagMs: number } {
    const head = this.verifiedHead()
    const lagBlocks = Math.max(0, this.bestSeenHeight - head.height)
    const lagMs = head.timestamp === undefined ? Infinity : Math.max(0, this.clock.now() - head.timestamp)
    return { lagBlocks, lagMs }
  }

  private drop(p: PendingHead, reason: string, peer: string): void {
    this.events.dropped({ height: p.height, hash: p.hash, header: p.header, reason, peer })
  }
}
