// The one rule for "is this block a valid child of that parent": hash link, size,
// empty blocks, the transaction root and (for a full node) re-execution of every
// transfer. Validators, followers and the light client all call it.
import { PUBLIC_SIGNAL_COUNT } from './constants.ts'
import { verifyEmptyBlock, verifyHeaderLink } from './header.ts'
import { applyTransfer, cloneLedger, verifyTransfer, type LedgerState } from './ledger.ts'
import { computeTxRoot } from './tx-root.ts'
import type { Block, Header, LinkReason, TransferReason } from './types.ts'

export interface BlockRules {
  /** The network's signing tag: transfer hashes (and so txRoot) and the proof's last public input. */
  chainTag: bigint
  /** Size of the validator set both headers commit to (bounds the proposer index). */
  validatorCount: number
  /** Most transfers a block may hold: the circuit batch B (a bigger block could never be proven). */
  maxTransfers?: number
  /**
   * Recompute txRoot from the transfers. A light client skips it for blocks whose bodies
   * it does not use: the proof binds header.txRoot and the header chain binds the header,
   * so the state root does not depend on it.
   */
  checkTxRoot: boolean
  /**
   * The state after `parent` (a full node's view): every transfer is checked under the
   * ledger rules and must lead to the header's state root. Not changed; the verdict
   * carries the state after the block.
   */
  parentState?: LedgerState
}

export type BlockReason = LinkReason | TransferReason | 'too-many-transfers' | 'state-changed' | 'tx-root-mismatch' | 'state-root-mismatch'

export type BlockVerdict =
  | {
      ok: true
      /** The Groth16 public inputs the block's proof must verify against; null for an empty block (no proof). */
      proofInputs: bigint[] | null
      /** The state after the block, when `rules.parentState` was given: read-only (for an empty block it is `parentState` itself). */
      state?: LedgerState
    }
  | { ok: false; reason: BlockReason; /** Index of the failing transfer, for transfer rules. */ transfer?: number }

/** The public inputs of a block's state-transition proof, in circuit order (docs/spec.md#state-transition-proof). */
export function blockPublicInputs(parent: Header, header: Header, chainTag: bigint): bigint[] {
  const inputs = [parent.stateRoot, header.stateRoot, header.txRoot, chainTag]
  if (inputs.length !== PUBLIC_SIGNAL_COUNT) throw new RangeError('public inputs out of step with PUBLIC_SIGNAL_COUNT')
  return inputs
}

/**
 * Checks `block` as the child of the trusted `parent`, in this order: linkage
 * (verifyHeaderLink), size, then for an empty block that it keeps the state root and
 * commits to no transfers, else the transfers under the ledger rules (with
 * `parentState`), txRoot (with `checkTxRoot`) and the resulting state root.
 * Neither the block nor `parentState` is changed.
 */
export function verifyBlock(parent: Header, block: Block, rules: BlockRules): BlockVerdict {
  const h = block.header
  const link = verifyHeaderLink(parent, h, rules.validatorCount)
  if (!link.ok) return link
  if (rules.maxTransfers !== undefined && block.transfers.length > rules.maxTransfers) return { ok: false, reason: 'too-many-transfers' }
  if (block.transfers.length === 0) {
    const empty = verifyEmptyBlock(parent, block)
    if (!empty.ok) return { ok: false, reason: empty.reason === 'tx-root-mismatch' ? 'tx-root-mismatch' : 'state-changed' }
    return rules.parentState ? { ok: true, proofInputs: null, state: rules.parentState } : { ok: true, proofInputs: null }
  }
  let state: LedgerState | undefined
  if (rules.parentState) {
    state = cloneLedger(rules.parentState)
    for (const [i, t] of block.transfers.entries()) {
      const v = verifyTransfer(state, t)
      if (!v.ok) return { ok: false, reason: v.reason, transfer: i }
      applyTransfer(state, t)
    }
  }
  if (rules.checkTxRoot && computeTxRoot(rules.chainTag, block.transfers) !== h.txRoot) return { ok: false, reason: 'tx-root-mismatch' }
  if (state && state.tree.root !== h.stateRoot) return { ok: false, reason: 'state-root-mismatch' }
  const proofInputs = blockPublicInputs(parent, h, rules.chainTag)
  return state ? { ok: true, proofInputs, state } : { ok: true, proofInputs }
}

/**
 * Checks a header served without its transfers (a header-proofs answer,
 * docs/protocol.md#header-proofs) as the child of the trusted `parent`: linkage, then,
 * since the body is absent, emptiness read from the header. `txRoot = 0` is an empty
 * block, which must keep the state root and needs no proof (a block with transfers
 * commits to a Poseidon fold, never 0); any other txRoot needs a proof against the
 * returned public inputs, which bind the header's txRoot, so the state root does not
 * depend on the missing body. The size rule (at most B transfers) is the circuit's:
 * a proof exists only for a batch of B.
 */
export function verifyBodilessBlock(parent: Header, header: Header, rules: Pick<BlockRules, 'chainTag' | 'validatorCount'>): BlockVerdict {
  const link = verifyHeaderLink(parent, header, rules.validatorCount)
  if (!link.ok) return link
  if (header.txRoot === 0n) return header.stateRoot === parent.stateRoot ? { ok: true, proofInputs: null } : { ok: false, reason: 'state-changed' }
  return { ok: true, proofInputs: blockPublicInputs(parent, header, rules.chainTag) }
}
