// The client's verified view: the trusted checkpoint, the verified tip and its
// certificate, and a bounded cache of recently verified blocks (served to other
// light clients and scanned for submitted transfers).
import { bytesToHex } from '../core/bytes.ts'
import { checkpointFromHeader } from '../core/checkpoint.ts'
import { hashHeader, hashValidatorSet } from '../core/header.ts'
import { verifyQuorumCertificate } from '../core/quorum.ts'
import type { CertifiedCheckpoint, Checkpoint, Header, QuorumCertificate } from '../core/types.ts'
import type { CheckedEntry } from './rules/range.ts'
import type { StartPoint } from './rules/start-point.ts'

/** A verified block; `qc` is kept only when this client verified it (so it never serves a bad one). */
export interface VerifiedBlock extends CheckedEntry {
  hash: Uint8Array
  /** The certificate a peer sent for a non-tail block, unchecked: only used as equivocation evidence after checking. */
  unverifiedQc: QuorumCertificate | null
}

export interface VerifiedTip {
  header: Header
  hash: Uint8Array
  /** Null only for the checkpoint header itself (trusted without a certificate). */
  qc: QuorumCertificate | null
  /** When this client verified it (clock ms). */
  verifiedAt: number
}

/** What the client knows of the network it follows, from its trust anchor. */
export interface ChainContext {
  genesisHash: Uint8Array
  /** The signing tag of transfers and the proofs' last public input (src/core/chain.ts chainTagOf). */
  chainTag: bigint
  /** Circuit batch B: no block holds more transfers. */
  batch: number
  /** Accounts tree depth D. */
  depth: number
}

export class VerifiedChain {
  readonly validatorSetHash: Uint8Array
  private anchor: Checkpoint
  private tipState: VerifiedTip | undefined
  private anchorHeader: Header | undefined
  private readonly blocks = new Map<number, VerifiedBlock>()
  private lowest = Infinity
  private waiters: { height: number; resolve: () => void }[] = []

  constructor(
    start: StartPoint,
    readonly context: ChainContext,
    now: number,
    private readonly cacheBlocks = 4096,
  ) {
    this.anchor = start.checkpoint
    this.validatorSetHash = hashValidatorSet(start.checkpoint.validatorSet)
    // A known start header (the genesis, or a stored record's) needs no fetch from a peer.
    if (start.header) this.setAnchorHeader(start.header, now, start.qc ?? null)
  }

  get genesisHash(): Uint8Array {
    return this.context.genesisHash
  }

  get chainTag(): bigint {
    return this.context.chainTag
  }

  get checkpoint(): Checkpoint {
    return this.anchor
  }

  get chainId(): number {
    return this.anchor.chainId
  }

  get validatorSet(): Uint8Array[] {
    return this.anchor.validatorSet
  }

  /** Verified height: the tip's, or the checkpoint's before the first head is verified. */
  get height(): number {
    return this.tipState?.header.height ?? this.anchor.height
  }

  get stateRoot(): bigint {
    return this.tipState?.header.stateRoot ?? this.anchor.stateRoot
  }

  get tip(): VerifiedTip | undefined {
    return this.tipState
  }

  /** Installs the header the checkpoint names (already checked with verifyCheckpointHeader) and the certificate on it, when known. */
  setAnchorHeader(header: Header, now: number, qc: QuorumCertificate | null = null): void {
    this.anchorHeader = header
    this.tipState = { header, hash: hashHeader(header), qc, verifiedAt: now }
  }

  /**
   * Appends verified blocks (linked to the tip, proofs checked) whose last block
   * carries the verified certificate `qc`; the last one becomes the tip. Returns the
   * blocks added, in height order.
   */
  extend(entries: readonly CheckedEntry[], qc: QuorumCertificate, now: number): VerifiedBlock[] {
    const added: VerifiedBlock[] = []
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as CheckedEntry
      const isTail = i === entries.length - 1
      const b: VerifiedBlock = { block: e.block, proof: e.proof, qc: isTail ? qc : null, unverifiedQc: isTail ? null : e.qc, hash: hashHeader(e.block.header), bodyVerified: e.bodyVerified }
      this.remember(b)
      added.push(b)
    }
    const last = added[added.length - 1]
    if (!last) throw new RangeError('extend() needs at least one block')
    this.tipState = { header: last.block.header, hash: last.hash, qc, verifiedAt: now }
    const ready = this.waiters.filter((w) => w.height <= this.height)
    this.waiters = this.waiters.filter((w) => w.height > this.height)
    for (const w of ready) w.resolve()
    return added
  }

  /** Resolves when the verified height reaches `height`, or after `timeoutMs` on `clock`, whichever comes first. */
  waitFor(height: number, clock: { setTimeout(fn: () => void, ms: number): unknown }, timeoutMs: number): Promise<void> {
    if (height <= this.height) return Promise.resolve()
    return new Promise((resolve) => {
      const w = { height, resolve }
      this.waiters.push(w)
      clock.setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w)
        resolve()
      }, timeoutMs)
    })
  }

  /** The verified state root at `height` if this client holds it (the checkpoint's, or a cached block's). */
  rootAt(height: number): { height: number; stateRoot: bigint } | undefined {
    const header = this.headerAt(height)
    if (header) return { height, stateRoot: header.stateRoot }
    return height === this.anchor.height ? { height, stateRoot: this.anchor.stateRoot } : undefined
  }

  /** Records that this client verified the certificate of a block it holds (so it may serve it). */
  markCertified(height: number, qc: QuorumCertificate): void {
    const b = this.blocks.get(height)
    if (b) b.qc = qc
  }

  /** The checkpoint for the current tip with its header and certificate (what the store saves); undefined before a certified tip. */
  currentRecord(): CertifiedCheckpoint | undefined {
    const tip = this.tipState
    if (!tip || (!tip.qc && tip.header.height !== 0)) return undefined
    return { checkpoint: checkpointFromHeader(tip.header, this.anchor.validatorSet, this.context.genesisHash), header: tip.header, qc: tip.qc }
  }

  block(height: number): VerifiedBlock | undefined {
    return this.blocks.get(height)
  }

  /** Hash of the verified header at `height`, if this client still knows it. */
  hashAt(height: number): Uint8Array | undefined {
    if (this.tipState && this.tipState.header.height === height) return this.tipState.hash
    return this.blocks.get(height)?.hash
  }

  /**
   * Verified blocks from `from`, at most `count`, cut after the last one that
   * carries a certificate this client verified, so a peer syncing from us can
   * always adopt the end of what we serve.
   */
  certifiedRange(from: number, count: number, bodies = true): VerifiedBlock[] {
    const out: VerifiedBlock[] = []
    let lastCertified = -1
    let lastKept = -1
    for (let h = from; h < from + count; h++) {
      const b = this.blocks.get(h)
      // With bodies: only blocks whose transfers this client checked. Without (header-proofs):
      // any verified block, its header and proof being all that is sent.
      if (!b || (bodies && !b.bodyVerified)) break
      out.push(b)
      if (b.qc) lastCertified = out.length - 1
      else if (b.unverifiedQc) lastKept = out.length - 1
    }
    // A range inside one that was adopted whole has no verified certificate but the tail's,
    // which may lie beyond it (a peer asks up to its own body window, so its ranges do not
    // line up with ours). A certificate a peer sent with a block and never needed checking
    // is checked now, once: the range then ends on it rather than not being served at all.
    if (lastKept > lastCertified && this.certifyKept(out[lastKept] as VerifiedBlock)) lastCertified = lastKept
    return out.slice(0, lastCertified + 1)
  }

  /** Checks the certificate kept unverified with `b` against this chain's validators; true once it is b's verified one. */
  private certifyKept(b: VerifiedBlock): boolean {
    const qc = b.unverifiedQc
    if (!qc) return false
    if (!verifyQuorumCertificate(b.block.header, qc, this.anchor.validatorSet, this.context.genesisHash).ok) {
      b.unverifiedQc = null // checked once; a bad one is no evidence of anything either
      return false
    }
    // Kept as unverifiedQc too: head intake still takes it as evidence should another header come certified at this height.
    b.qc = qc
    return true
  }

  /**
   * The certificate this client verified that covers `height`: the block's own, or that of
   * the nearest verified descendant (headers are hash-linked back to it), or the tip's.
   */
  certificateCovering(height: number): { height: number; qc: QuorumCertificate } | undefined {
    if (height > this.height) return undefined
    for (let h = height; h < this.height; h++) {
      const qc = this.blocks.get(h)?.qc
      if (qc) return { height: h, qc }
    }
    return this.tipState?.qc ? { height: this.height, qc: this.tipState.qc } : undefined
  }

  headerAt(height: number): Header | undefined {
    if (this.tipState && this.tipState.header.height === height) return this.tipState.header
    if (this.anchorHeader && this.anchorHeader.height === height) return this.anchorHeader
    return this.blocks.get(height)?.block.header
  }

  hashHex(height: number): string | undefined {
    const h = this.hashAt(height)
    return h ? bytesToHex(h) : undefined
  }

  private remember(b: VerifiedBlock): void {
    const height = b.block.header.height
    this.blocks.set(height, b)
    this.lowest = Math.min(this.lowest, height)
    while (this.blocks.size > this.cacheBlocks) {
      this.blocks.delete(this.lowest)
      this.lowest++
    }
  }
}
