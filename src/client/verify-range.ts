// Checks a range of blocks served by a peer against the trusted header before it,
// everything but the Groth16 proofs (those go to the workers in one batch):
// linkage and heights, empty blocks, txRoot recomputed from the transfers.
//
// Block bodies (the transfers) are not needed to verify a state root: the proof binds
// header.txRoot, and the header chain binds the header. Recomputing txRoot (Poseidon, about
// 2 ms a block in plain BigInt) only authenticates the transfer list, which the client uses
// for recent blocks only (inclusion of its own transfers, serving other tabs). So blocks
// below `bodiesFrom` are checked without it and their bodies are marked unverified.
import { computeTxRoot } from '../core/tx-root.ts'
import { verifyEmptyBlock, verifyHeaderLink } from '../core/header.ts'
import type { Block, Header, LinkReason, QuorumCertificate } from '../core/types.ts'
import type { ProofItem } from './deps.ts'

/** One served block with its proof (null for an empty block) and certificate (null when none). */
export interface RangeEntry {
  block: Block
  proof: Uint8Array | null
  qc: QuorumCertificate | null
  /** False when the transfers were not checked against txRoot (never served nor scanned then). */
  bodyVerified?: boolean
}

export type RangeReason = LinkReason | 'tx-root-mismatch' | 'state-changed' | 'proof-missing' | 'wrong-start' | 'empty-range'

export interface CheckedRange {
  /** The proofs to verify, each with the public signals [parent.stateRoot, header.stateRoot, header.txRoot]. */
  items: ProofItem[]
  /** items[i] proves entries[entryOf[i]]. */
  entryOf: number[]
}

export type RangeVerdict = { ok: true; value: CheckedRange } | { ok: false; reason: RangeReason; index: number }

/**
 * `parent` is trusted (verified, or the checkpoint's header); `entries` must start
 * at `parent.height + 1` and extend it one block at a time.
 */
export function checkRange(parent: Header, entries: readonly RangeEntry[], validatorCount: number, bodiesFrom = 0): RangeVerdict {
  if (entries.length === 0) return { ok: false, reason: 'empty-range', index: 0 }
  const items: ProofItem[] = []
  const entryOf: number[] = []
  let prev = parent
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as RangeEntry
    const h = e.block.header
    if (i === 0 && h.height !== parent.height + 1) return { ok: false, reason: 'wrong-start', index: 0 }
    const link = verifyHeaderLink(prev, h, validatorCount)
    if (!link.ok) return { ok: false, reason: link.reason, index: i }
    if (e.block.transfers.length === 0) {
      // No transfers, no proof: the state root must stay and the txRoot be 0.
      // A proof sent along for an empty block is ignored, not trusted.
      const empty = verifyEmptyBlock(prev, e.block)
      if (!empty.ok) return { ok: false, reason: empty.reason === 'tx-root-mismatch' ? 'tx-root-mismatch' : 'state-changed', index: i }
    } else {
      if (h.height >= bodiesFrom && computeTxRoot(h.chainId, e.block.transfers) !== h.txRoot) return { ok: false, reason: 'tx-root-mismatch', index: i }
      if (!e.proof) return { ok: false, reason: 'proof-missing', index: i }
      items.push({ proof: e.proof, signals: [prev.stateRoot, h.stateRoot, h.txRoot] })
      entryOf.push(i)
    }
    e.bodyVerified = e.block.transfers.length === 0 || h.height >= bodiesFrom
    prev = h
  }
  return { ok: true, value: { items, entryOf } }
}
