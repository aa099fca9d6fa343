// Where a light client starts: the pinned checkpoint, or a stored one that is of the
// same chain and validator set and not behind the pin. A stored record that fails is
// reported (`problem`) and ignored, never trusted. Pure: the caller reads the store.
import { equalBytes } from '../../core/bytes.ts'
import { hashValidatorSet } from '../../core/header.ts'
import type { Checkpoint } from '../../core/types.ts'

export interface StartPoint {
  checkpoint: Checkpoint
  source: 'store' | 'pinned'
  /** Why a stored record was not used (absent when there was none or it was simply older). */
  problem?: string
}

/** `stored` is what reading the store gave: a record, or none with the store's reason when it ignored one. */
export function chooseStart(pinned: Checkpoint, stored: { checkpoint?: Checkpoint; problem?: string }): StartPoint {
  const cp = stored.checkpoint
  if (!cp) return stored.problem ? { checkpoint: pinned, source: 'pinned', problem: stored.problem } : { checkpoint: pinned, source: 'pinned' }
  if (cp.chainId !== pinned.chainId) return { checkpoint: pinned, source: 'pinned', problem: 'foreign-chain' }
  if (!equalBytes(hashValidatorSet(cp.validatorSet), hashValidatorSet(pinned.validatorSet))) {
    return { checkpoint: pinned, source: 'pinned', problem: 'foreign-validator-set' }
  }
  if (cp.height < pinned.height) return { checkpoint: pinned, source: 'pinned' }
  if (cp.height === pinned.height) {
    if (!equalBytes(cp.headerHash, pinned.headerHash)) return { checkpoint: pinned, source: 'pinned', problem: 'conflicts-with-pinned' }
    return { checkpoint: pinned, source: 'pinned' }
  }
  return { checkpoint: cp, source: 'store' }
}
