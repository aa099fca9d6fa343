// Remembers verified certificates by height so that a second valid certificate for
// a different header at the same height (equivocation) is caught, with evidence.
import { bytesToHex, equalBytes } from '../../core/bytes.ts'
import { hashHeader } from '../../core/header.ts'
import { detectEquivocation, type CertifiedHeader } from '../../core/quorum.ts'
import type { QuorumCertificate, ValidatorSet } from '../../core/types.ts'

export interface Equivocation {
  height: number
  a: CertifiedHeader
  b: CertifiedHeader
}

export class CertificateBook {
  private readonly byHeight = new Map<number, CertifiedHeader & { hash: Uint8Array }>()
  /** Hashes whose certificate already verified: re-announcements skip the signature checks. */
  private readonly verified = new Set<string>()

  constructor(
    private readonly set: ValidatorSet,
    private readonly genesisHash: Uint8Array,
    private readonly keep = 4096,
  ) {}

  isVerified(hash: Uint8Array): boolean {
    return this.verified.has(bytesToHex(hash))
  }

  /**
   * Records a certificate the caller has verified. Returns the equivocation it
   * reveals, if any (two valid certificates, different headers, one height).
   */
  record(c: CertifiedHeader): Equivocation | undefined {
    const hash = hashHeader(c.header)
    const height = c.header.height
    const known = this.byHeight.get(height)
    if (known && !equalBytes(known.hash, hash)) {
      // Both were verified on the way in; detectEquivocation re-checks so the evidence stands alone.
      if (detectEquivocation(known, c, this.set, this.genesisHash)) return { height, a: { header: known.header, qc: known.qc }, b: c }
      return undefined
    }
    if (!known) this.byHeight.set(height, { ...c, hash })
    this.verified.add(bytesToHex(hash))
    this.prune()
    return undefined
  }

  /** The verified certificate of the block with this height and hash, if one was recorded. */
  certificateFor(height: number, hash: Uint8Array): QuorumCertificate | undefined {
    const c = this.byHeight.get(height)
    return c && equalBytes(c.hash, hash) ? c.qc : undefined
  }

  private prune(): void {
    if (this.byHeight.size <= this.keep) return
    const heights = [...this.byHeight.keys()].sort((x, y) => x - y)
    for (const h of heights.slice(0, heights.length - this.keep)) {
      const c = this.byHeight.get(h)
      if (c) this.verified.delete(bytesToHex(c.hash))
      this.byHeight.delete(h)
    }
  }
}
