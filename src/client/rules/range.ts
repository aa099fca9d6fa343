// Checks a range of blocks served by a peer against the trusted header before it with
// the core block rule (src/core/block.ts), everything but the Groth16 proofs (those go
// to the verifier workers in one batch). Pure: the entries are not changed.
//
// Block bodies (the transfers) are not needed to verify a state root: the proof binds
// header.txRoot, and the header chain binds the header. Recomputing txRoot (Poseidon, about
// 2 ms a block in plain BigInt) only authenticates the transfer list, which the client uses
// for recent blocks only (inclusion of its own transfers, serving other tabs). So blocks
// below `bodiesFrom` are checked without it and come back with `bodyVerified: false`.
// Such blocks can also be fetched without their transfers at all (a header-proofs answer,
// docs/protocol.md#header-proofs): checkBodilessRange checks those with the same block rule.
import { verifyBlock, verifyBodilessBlock, type BlockReason } from '../../core/block.ts'
import type { BlockEntry, Header, ProofBytes } from '../../core/types.ts'

/**
 * An entry that passed every check but its proof; `bodyVerified` says whether its transfers
 * were checked against txRoot. A block fetched without its body has `transfers: []` and
 * `bodyVerified: false`, unless its txRoot is 0 (an empty block: its body is known).
 */
export interface CheckedEntry extends BlockEntry {
  bodyVerified: boolean
}

export type RangeReason = BlockReason | 'proof-missing' | 'wrong-start' | 'empty-range'

export interface CheckedRange {
  /** Copies of the entries, with what was checked of each. */
  entries: CheckedEntry[]
  /** The proofs to verify: `entry` indexes `entries`, `signals` are the block's public inputs. */
  proofs: { entry: number; proof: Uint8Array; signals: bigint[] }[]
}

export type RangeVerdict = { ok: true; value: CheckedRange } | { ok: false; reason: RangeReason; index: number }

export interface RangeRules {
  chainTag: bigint
  validatorCount: number
  /** Lowest height whose transfers are checked against txRoot. */
  bodiesFrom: number
  /** The circuit batch, when known: more transfers in a block cannot be proven. */
  maxTransfers?: number
}

/**
 * `parent` is trusted (verified, or the checkpoint's header); `entries` must start
 * at `parent.height + 1` and extend it one block at a time. A proof sent along with
 * an empty block is ignored, not trusted.
 */
export function checkRange(parent: Header, entries: readonly BlockEntry[], rules: RangeRules): RangeVerdict {
  if (entries.length === 0) return { ok: false, reason: 'empty-range', index: 0 }
  const checked: CheckedEntry[] = []
  const proofs: CheckedRange['proofs'] = []
  let prev = parent
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as BlockEntry
    const h = e.block.header
    if (i === 0 && h.height !== parent.height + 1) return { ok: false, reason: 'wrong-start', index: 0 }
    const bodyVerified = e.block.transfers.length === 0 || h.height >= rules.bodiesFrom
    const v = verifyBlock(prev, e.block, { chainTag: rules.chainTag, validatorCount: rules.validatorCount, maxTransfers: rules.maxTransfers, checkTxRoot: bodyVerified })
    if (!v.ok) return { ok: false, reason: v.reason, index: i }
    if (v.proofInputs) {
      if (!e.proof) return { ok: false, reason: 'proof-missing', index: i }
      proofs.push({ entry: i, proof: e.proof, signals: v.proofInputs })
    }
    checked.push({ block: e.block, proof: v.proofInputs ? e.proof : null, qc: e.qc, bodyVerified })
    prev = h
  }
  return { ok: true, value: { entries: checked, proofs } }
}

/**
 * Like checkRange, for headers served without their transfers: the same links, an empty
 * block (txRoot 0) keeps the state root, every other block needs a proof against its
 * public inputs (src/core/block.ts verifyBodilessBlock). Certificates are the caller's:
 * a header-proofs answer carries one, for its last header.
 */
export function checkBodilessRange(parent: Header, entries: readonly { header: Header; proof: ProofBytes | null }[], rules: Pick<RangeRules, 'chainTag' | 'validatorCount'>): RangeVerdict {
  if (entries.length === 0) return { ok: false, reason: 'empty-range', index: 0 }
  const checked: CheckedEntry[] = []
  const proofs: CheckedRange['proofs'] = []
  let prev = parent
  for (let i = 0; i < entries.length; i++) {
    const { header: h, proof } = entries[i] as { header: Header; proof: ProofBytes | null }
    if (i === 0 && h.height !== parent.height + 1) return { ok: false, reason: 'wrong-start', index: 0 }
    const v = verifyBodilessBlock(prev, h, rules)
    if (!v.ok) return { ok: false, reason: v.reason, index: i }
    if (v.proofInputs) {
      if (!proof) return { ok: false, reason: 'proof-missing', index: i }
      proofs.push({ entry: i, proof, signals: v.proofInputs })
    }
    checked.push({ block: { header: h, transfers: [] }, proof: v.proofInputs ? proof : null, qc: null, bodyVerified: v.proofInputs === null })
    prev = h
  }
  return { ok: true, value: { entries: checked, proofs } }
}
