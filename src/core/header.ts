// Header hashing and the linkage rules between a parent and a child header
// (docs/spec.md#blocks-headers-validators).
import { sha256 } from '@noble/hashes/sha2.js'
import { equalBytes } from './bytes.ts'
import { encodeHeader, encodeValidatorSet } from './codec.ts'
import type { Block, Header, LinkReason, ValidatorSet, Verdict } from './types.ts'

export function hashHeader(h: Header): Uint8Array {
  return sha256(encodeHeader(h))
}

export function hashValidatorSet(set: ValidatorSet): Uint8Array {
  return sha256(encodeValidatorSet(set))
}

/**
 * Checks that `child` extends `parent`, in the order of docs/spec.md: wrong-chain,
 * height-gap, not-linked, wrong-validator-set, bad-timestamp, bad-proposer.
 * `validatorCount` is the size of the set both headers commit to (the caller holds
 * the set; a header carries only its hash).
 * WARNING: without `validatorCount` the proposer index is not checked at all.
 */
export function verifyHeaderLink(parent: Header, child: Header, validatorCount?: number): Verdict<LinkReason> {
  if (child.chainId !== parent.chainId) return { ok: false, reason: 'wrong-chain' }
  if (child.height !== parent.height + 1) return { ok: false, reason: 'height-gap' }
  if (!equalBytes(child.parentHash, hashHeader(parent))) return { ok: false, reason: 'not-linked' }
  if (!equalBytes(child.validatorSetHash, parent.validatorSetHash)) return { ok: false, reason: 'wrong-validator-set' }
  if (child.timestamp < parent.timestamp) return { ok: false, reason: 'bad-timestamp' }
  if (validatorCount !== undefined && child.proposer >= validatorCount) return { ok: false, reason: 'bad-proposer' }
  return { ok: true }
}

const LINK_REASONS: ReadonlySet<string> = new Set<LinkReason>(['wrong-chain', 'height-gap', 'not-linked', 'wrong-validator-set', 'bad-timestamp', 'bad-proposer'])

/** Whether a rejection is about how a header hangs off its parent (a broken chain), not about the block's content. */
export function isLinkReason(reason: string): reason is LinkReason {
  return LINK_REASONS.has(reason)
}

/** An empty block needs no proof: it must leave the state root alone and commit to no transfers. */
export function verifyEmptyBlock(parent: Header, block: Block): Verdict<'not-empty' | 'state-changed' | 'tx-root-mismatch'> {
  if (block.transfers.length !== 0) return { ok: false, reason: 'not-empty' }
  if (block.header.stateRoot !== parent.stateRoot) return { ok: false, reason: 'state-changed' }
  if (block.header.txRoot !== 0n) return { ok: false, reason: 'tx-root-mismatch' }
  return { ok: true }
}
