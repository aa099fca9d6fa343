// Where a light client starts: the pinned checkpoint of its trust anchor, or a stored
// record that re-verifies against that anchor (same network and validator set, its
// header is the one it names and carries a valid certificate) and is not behind the
// pin. A record that fails is reported (`problem`) and ignored, never trusted.
// Pure: the caller reads the store.
import { equalBytes } from '../../core/bytes.ts'
import { verifyCertifiedCheckpoint } from '../../core/checkpoint.ts'
import { hashValidatorSet } from '../../core/header.ts'
import type { CertifiedCheckpoint, Checkpoint, Header, QuorumCertificate, TrustAnchor } from '../../core/types.ts'

export interface StartPoint {
  checkpoint: Checkpoint
  /** The header the checkpoint names, when it is known without asking a peer (the genesis, or a stored record's). */
  header?: Header
  /** The certificate on `header` (a stored record's; absent for the genesis). */
  qc?: QuorumCertificate
  source: 'store' | 'pinned'
  /** Why a stored record was not used (absent when there was none or it was simply older). */
  problem?: string
}

/** The start from the anchor alone. */
export function pinnedStart(anchor: TrustAnchor, problem?: string): StartPoint {
  const cp = anchor.checkpoint
  const start: StartPoint = { checkpoint: cp, source: 'pinned' }
  if (cp.height === 0) start.header = anchor.genesis
  if (problem !== undefined) start.problem = problem
  return start
}

/** `stored` is what reading the store gave: a record, or none with the store's reason when it ignored one. */
export function chooseStart(anchor: TrustAnchor, stored: { record?: CertifiedCheckpoint; problem?: string }): StartPoint {
  const pinned = anchor.checkpoint
  const r = stored.record
  if (!r) return pinnedStart(anchor, stored.problem)
  const cp = r.checkpoint
  if (cp.chainId !== pinned.chainId || !equalBytes(cp.genesisHash, pinned.genesisHash)) return pinnedStart(anchor, 'foreign-chain')
  if (!equalBytes(hashValidatorSet(cp.validatorSet), hashValidatorSet(pinned.validatorSet))) return pinnedStart(anchor, 'foreign-validator-set')
  const v = verifyCertifiedCheckpoint(r, pinned)
  if (!v.ok) return pinnedStart(anchor, `unverified:${v.reason}`)
  if (cp.height < pinned.height) return pinnedStart(anchor)
  if (cp.height === pinned.height) {
    if (!equalBytes(cp.headerHash, pinned.headerHash)) return pinnedStart(anchor, 'conflicts-with-pinned')
    return pinnedStart(anchor)
  }
  return r.qc ? { checkpoint: cp, header: r.header, qc: r.qc, source: 'store' } : { checkpoint: cp, header: r.header, source: 'store' }
}
