// Checkpoints: the trusted starting point of a light client (genesis or a pinned
// later head) and the compact record it saves after each verified head.
import { sha256 } from '@noble/hashes/sha2.js'
import { equalBytes } from './bytes.ts'
import { encodeCheckpoint } from './codec.ts'
import { hashHeader, hashValidatorSet } from './header.ts'
import { verifyQuorumCertificate } from './quorum.ts'
import type { CertifiedCheckpoint, Checkpoint, Header, QuorumReason, ValidatorSet, Verdict } from './types.ts'

export function checkpointFromHeader(header: Header, validatorSet: ValidatorSet, genesisHash: Uint8Array): Checkpoint {
  return {
    chainId: header.chainId,
    genesisHash,
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

export type CertifiedCheckpointReason = 'wrong-chain' | 'not-linked' | 'wrong-validator-set' | 'quorum-missing' | QuorumReason

/**
 * Re-checks a checkpoint kept in storage against the trust anchor's network: same chain,
 * genesis and validator set, its header is the one it names, and that header carries a
 * valid certificate of the validator set (none needed for the genesis itself). A record
 * forged by a script with write access to the store would need the signatures of more
 * than 2/3 of the validators; the proofs behind its state root were checked when it was
 * saved and are not checked again.
 */
export function verifyCertifiedCheckpoint(c: CertifiedCheckpoint, anchor: Checkpoint): Verdict<CertifiedCheckpointReason> {
  const cp = c.checkpoint
  if (cp.chainId !== anchor.chainId || !equalBytes(cp.genesisHash, anchor.genesisHash)) return { ok: false, reason: 'wrong-chain' }
  if (!equalBytes(hashValidatorSet(cp.validatorSet), hashValidatorSet(anchor.validatorSet))) return { ok: false, reason: 'wrong-validator-set' }
  const link = verifyCheckpointHeader(cp, c.header)
  if (!link.ok) return link
  if (cp.height === 0) return equalBytes(cp.headerHash, cp.genesisHash) ? { ok: true } : { ok: false, reason: 'not-linked' }
  if (!c.qc) return { ok: false, reason: 'quorum-missing' }
  return verifyQuorumCertificate(c.header, c.qc, anchor.validatorSet, anchor.genesisHash)
}
