// Checkpoints: built from a header, checked against the header they name, hashed canonically.
import { describe, expect, it } from 'vitest'
import { sha256 } from '@noble/hashes/sha2.js'
import { checkpointFromHeader, hashCheckpoint, verifyCheckpointHeader } from '../../src/core/checkpoint.ts'
import { decodeCheckpoint, encodeCheckpoint } from '../../src/core/codec.ts'
import { hashHeader } from '../../src/core/header.ts'
import { SAMPLE_GENESIS_HASH, sampleChild, sampleGenesis, validatorKeys } from '../fixtures/core-samples.ts'

const keys = validatorKeys(4)
const genesis = sampleGenesis(keys.set)
const head = sampleChild(genesis, 4)
const cp = checkpointFromHeader(head, keys.set, SAMPLE_GENESIS_HASH)

describe('checkpoints', () => {
  it('carry the header hash, height, chain, state root and set', () => {
    expect(cp).toEqual({ chainId: head.chainId, genesisHash: SAMPLE_GENESIS_HASH, height: 1, headerHash: hashHeader(head), stateRoot: head.stateRoot, validatorSet: keys.set })
    expect(decodeCheckpoint(encodeCheckpoint(cp))).toEqual({ ok: true, value: cp })
    expect(hashCheckpoint(cp)).toEqual(sha256(encodeCheckpoint(cp)))
    expect(hashCheckpoint({ ...cp, height: 2 })).not.toEqual(hashCheckpoint(cp))
  })

  it('verify against the header they name', () => {
    expect(verifyCheckpointHeader(cp, head)).toEqual({ ok: true })
    expect(verifyCheckpointHeader(checkpointFromHeader(genesis, keys.set, SAMPLE_GENESIS_HASH), genesis)).toEqual({ ok: true })
  })

  it('reject a header of another chain', () => {
    expect(verifyCheckpointHeader(cp, { ...head, chainId: head.chainId + 1 })).toEqual({ ok: false, reason: 'wrong-chain' })
  })

  it('reject another header, another height or another state root as not-linked', () => {
    expect(verifyCheckpointHeader(cp, genesis)).toEqual({ ok: false, reason: 'not-linked' })
    expect(verifyCheckpointHeader(cp, { ...head, timestamp: head.timestamp + 1 })).toEqual({ ok: false, reason: 'not-linked' })
    expect(verifyCheckpointHeader({ ...cp, height: 2 }, head)).toEqual({ ok: false, reason: 'not-linked' })
    expect(verifyCheckpointHeader({ ...cp, stateRoot: cp.stateRoot + 1n }, head)).toEqual({ ok: false, reason: 'not-linked' })
  })

  it('reject a checkpoint whose validator set the header does not commit to', () => {
    expect(verifyCheckpointHeader({ ...cp, validatorSet: validatorKeys(4, 'other').set }, head)).toEqual({ ok: false, reason: 'wrong-validator-set' })
  })
})
