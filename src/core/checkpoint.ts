// Checkpoints: the trusted starting point of a light client (genesis or a pinned
// later head) and the compact record it saves after each verified head.
import { sha256 } from '@noble/hashes/sha2.js'
import { equalBytes } from './bytes.ts'
import { encodeCheckpoint } from './codec.ts'
import { hashHeader, hashValidatorSet } from './header.ts'
import type { Checkpoint, Header, ValidatorSet, Verdict } from './types.ts'

export function checkpointFromHeader(header: Header, validatorSet: ValidatorSet): Checkpoint {
  return {
    chainId: header.chainId,
    height: header.height,
    headerHash: hashHeader(header),
    stateRoot: header.stateRoot,
    validatorSet,
  }
}

export function hashCheckpoint(cp: Checkpoint): Uint8Array {
  return sha256(encodeCheckpoint(cp))
}

/** Checks that `header` is the header a checkpoint names. */
export function verifyCheckpointHeader(cp: Checkpoint, header: Header): Verdict<'wrong-chain' | 'not-linked' | 'wrong-validator-set'> {
  if (header.chainId !== cp.chainId) return { ok: false, reason: 'wrong-chain' }
  if (header.height !== cp.height || !equalBytes(hashHeader(header), cp.headerHash) || header.stateRoot !== cp.stateRoot) {
    return { ok: false, reason: 'not-linked' }
  }
  if (!equalBytes(hashValidatorSet(cp.validatorSet), header.validatorSetHash)) return { ok: false, reason: 'wrong-validator-set' }
  return { ok: true }
}
