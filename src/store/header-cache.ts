// The last N verified headers (with their certificate and proof when known), kept so
// a light client can serve them to other light clients. Memory implementation only:
// a reloaded tab re-verifies from its checkpoint rather than trusting cached headers.
import type { Header, ProofBytes, QuorumCertificate } from '../core/types.ts'

export interface VerifiedHeader {
  header: Header
  qc?: QuorumCertificate
  proof?: ProofBytes
}

export interface VerifiedHeaderCache {
  /** Adds or replaces the entry at `entry.header.height`; the lowest heights fall out past capacity. */
  put(entry: VerifiedHeader): Promise<void>
  get(height: number): Promise<VerifiedHeader | undefined>
  /** Up to `count` entries from `from` upward, stopping at the first missing height. */
  range(from: number, count: number): Promise<VerifiedHeader[]>
  latest(): Promise<VerifiedHeader | undefined>
}

/** Enough for a peer several minutes behind at one block a second. */
export const DEFAULT_HEADER_CACHE_CAPACITY = 1024

export class MemoryVerifiedHeaderCache implements VerifiedHeaderCache {
  private readonly entries = new Map<number, VerifiedHeader>()
  private top: number | undefined

  constructor(private readonly capacity = DEFAULT_HEADER_CACHE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer')
  }

  async put(entry: VerifiedHeader): Promise<void> {
    const h = entry.header.height
    // Too old to ever be kept: the window is [top - capacity + 1, top].
    if (this.top !== undefined && h <= this.top - this.capacity) return
    this.entries.set(h, entry)
    if (this.top === undefined || h > this.top) this.top = h
    const floor = this.top - this.capacity
    for (const k of this.entries.keys()) if (k <= floor) this.entries.delete(k)
  }

  async get(height: number): Promise<VerifiedHeader | undefined> {
    return this.entries.get(height)
  }

  async range(from: number, count: number): Promise<VerifiedHeader[]> {
    const out: VerifiedHeader[] = []
    for (let h = from; out.length < count; h++) {
      const e = this.entries.get(h)
      if (e === undefined) break
      out.push(e)
    }
    return out
  }

  async latest(): Promise<VerifiedHeader | undefined> {
    return this.top === undefined ? undefined : this.entries.get(this.top)
  }
}
