// A validator: re-checks a proposed block with the core rules against its own view
// of the parent state (link, proposer turn, clock, every transfer, both roots) and
// only then signs the header hash. A refusal is a value with the rule that failed.
import { computeTxRoot } from '../core/tx-root.ts'
import { hashHeader, verifyEmptyBlock, verifyHeaderLink } from '../core/header.ts'
import { applyTransfer, cloneLedger, verifyTransfer, type LedgerState } from '../core/ledger.ts'
import { signVote, validatorPublicKey } from '../core/quorum.ts'
import type { Block, Header, LinkReason, TransferReason, Vote } from '../core/types.ts'
import { MAX_CLOCK_DRIFT_MS } from './constants.ts'

export type RefusalReason = LinkReason | TransferReason | 'wrong-proposer' | 'too-many-transfers' | 'future-timestamp' | 'state-changed' | 'tx-root-mismatch' | 'state-root-mismatch'

export type Review = { ok: true; vote: Vote } | { ok: false; reason: RefusalReason; transfer?: number }

export interface ValidatorRules {
  chainId: number
  /** Circuit batch: a block with more transfers could never be proven. */
  batch: number
  validatorCount: number
}

/** Round-robin proposer: the validator whose turn height `h` is. */
export function proposerFor(height: number, validatorCount: number): number {
  return height % validatorCount
}

export class Validator {
  readonly publicKey: Uint8Array

  constructor(
    readonly index: number,
    private readonly secretKey: Uint8Array,
    private readonly rules: ValidatorRules,
  ) {
    this.publicKey = validatorPublicKey(secretKey)
  }

  /** Checks `block` on top of `parent` (whose state is `parentState`, not changed) at time `now`; signs if valid. */
  review(parent: Header, parentState: LedgerState, block: Block, now: number): Review {
    const h = block.header
    const link = verifyHeaderLink(parent, h, this.rules.validatorCount)
    if (!link.ok) return link
    if (h.chainId !== this.rules.chainId) return { ok: false, reason: 'wrong-chain' }
    if (h.proposer !== proposerFor(h.height, this.rules.validatorCount)) return { ok: false, reason: 'wrong-proposer' }
    if (h.timestamp > now + MAX_CLOCK_DRIFT_MS) return { ok: false, reason: 'future-timestamp' }
    if (block.transfers.length > this.rules.batch) return { ok: false, reason: 'too-many-transfers' }
    if (block.transfers.length === 0) {
      const empty = verifyEmptyBlock(parent, block)
      if (!empty.ok) return { ok: false, reason: empty.reason === 'not-empty' ? 'too-many-transfers' : empty.reason }
    } else {
      const scratch = cloneLedger(parentState)
      for (const [i, t] of block.transfers.entries()) {
        const v = verifyTransfer(scratch, t)
        if (!v.ok) return { ok: false, reason: v.reason, transfer: i }
        applyTransfer(scratch, t)
      }
      if (h.txRoot !== computeTxRoot(this.rules.chainId, block.transfers)) return { ok: false, reason: 'tx-root-mismatch' }
      if (h.stateRoot !== scratch.tree.root) return { ok: false, reason: 'state-root-mismatch' }
    }
    return { ok: true, vote: signVote(this.secretKey, this.rules.chainId, hashHeader(h), this.index) }
  }
}
