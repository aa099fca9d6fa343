// A validator: re-checks a proposed block with the core block rule (src/core/block.ts)
// against its own view of the parent state, adds the consensus rules (proposer turn,
// clock), and only then signs the header hash. A refusal is a value with the rule that failed.
import { verifyBlock, type BlockReason } from '../core/block.ts'
import { hashHeader, verifyHeaderLink } from '../core/header.ts'
import type { LedgerState } from '../core/ledger.ts'
import { signVote, validatorPublicKey } from '../core/quorum.ts'
import type { Block, Header, Vote } from '../core/types.ts'
import { MAX_CLOCK_DRIFT_MS } from './constants.ts'

export type RefusalReason = BlockReason | 'wrong-proposer' | 'future-timestamp'

export type Review = { ok: true; vote: Vote } | { ok: false; reason: RefusalReason; transfer?: number }

export interface ValidatorRules {
  chainId: number
  /** The network's signing tag (transfer hashes, txRoot). */
  chainTag: bigint
  /** Votes sign it with the header hash, so a vote counts on this network only. */
  genesisHash: Uint8Array
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

  /**
   * Checks `block` on top of `parent` (whose state is `parentState`, not changed) at time
   * `now`; signs if valid. `anyProposer`: the caller checks the proposer itself (the
   * voting protocol, where a later round may propose an earlier proposer's header again).
   */
  review(parent: Header, parentState: LedgerState, block: Block, now: number, opts: { anyProposer?: boolean } = {}): Review {
    const h = block.header
    if (h.chainId !== this.rules.chainId) return { ok: false, reason: 'wrong-chain' }
    // The cheap rules first, so a block out of turn costs no signature checks.
    const link = verifyHeaderLink(parent, h, this.rules.validatorCount)
    if (!link.ok) return link
    if (!opts.anyProposer && h.proposer !== proposerFor(h.height, this.rules.validatorCount)) return { ok: false, reason: 'wrong-proposer' }
    if (h.timestamp > now + MAX_CLOCK_DRIFT_MS) return { ok: false, reason: 'future-timestamp' }
    const v = verifyBlock(parent, block, { chainTag: this.rules.chainTag, validatorCount: this.rules.validatorCount, maxTransfers: this.rules.batch, checkTxRoot: true, parentState })
    if (!v.ok) return v
    return { ok: true, vote: signVote(this.secretKey, this.rules.genesisHash, hashHeader(h), this.index) }
  }
}
