// Header vectors: header and validator-set hashes, parent/child linkage (one case per
// LinkReason) and checkpoint-to-header checks.
import { hashHeader, hashValidatorSet, verifyHeaderLink } from '../../src/core/header.ts'
import { checkpointFromHeader, hashCheckpoint, verifyCheckpointHeader } from '../../src/core/checkpoint.ts'
import { bytesToHex } from '../../src/core/bytes.ts'
import type { Checkpoint, Header, LinkReason, ValidatorSet } from '../../src/core/types.ts'
import { SAMPLE_GENESIS_HASH, sampleChild, sampleGenesis, validatorKeys } from '../../test/fixtures/core-samples.ts'
import { toVectorJson, type Json } from '../../test/fixtures/vector-json.ts'
import { expected, type VectorFile } from './vector-file.ts'

function link(name: string, parent: Header, child: Header, validatorCount: number, want: 'ok' | LinkReason): Json {
  const expect = expected(name, verifyHeaderLink(parent, child, validatorCount), want)
  return { op: 'link', name, parent: toVectorJson(parent), child: toVectorJson(child), validatorCount, expect }
}

function checkpointCase(name: string, checkpoint: Checkpoint, header: Header, want: 'ok' | LinkReason): Json {
  const expect = expected(name, verifyCheckpointHeader(checkpoint, header), want)
  return { op: 'checkpoint-header', name, checkpoint: toVectorJson(checkpoint), header: toVectorJson(header), expect }
}

function hashes(name: string, header: Header, set: ValidatorSet): Json[] {
  const cp = checkpointFromHeader(header, set, SAMPLE_GENESIS_HASH)
  return [
    { op: 'hash-header', name: `${name}: header hash`, header: toVectorJson(header), hash: bytesToHex(hashHeader(header)) },
    { op: 'hash-validator-set', name: `${name}: validator set hash`, validatorSet: toVectorJson(set), hash: bytesToHex(hashValidatorSet(set)) },
    { op: 'hash-checkpoint', name: `${name}: checkpoint hash`, checkpoint: toVectorJson(cp), hash: bytesToHex(hashCheckpoint(cp)) },
  ]
}

export function makeHeaderVectors(): VectorFile {
  const keys = validatorKeys(4)
  const other = validatorKeys(4, 'other')
  const genesis = sampleGenesis(keys.set)
  const child = sampleChild(genesis, 4)
  const grandchild = sampleChild(child, 4)
  const cp = checkpointFromHeader(child, keys.set, SAMPLE_GENESIS_HASH)
  const cases: Json[] = [
    ...hashes('genesis', genesis, keys.set),
    ...hashes('height 1', child, keys.set),
    link('genesis to height 1', genesis, child, 4, 'ok'),
    link('height 1 to height 2', child, grandchild, 4, 'ok'),
    link('equal timestamps, last proposer index', genesis, { ...child, timestamp: genesis.timestamp, proposer: 3 }, 4, 'ok'),
    link('one-validator set, proposer 0', genesis, { ...child, proposer: 0 }, 1, 'ok'),
    link('chain id differs', genesis, { ...child, chainId: genesis.chainId + 1 }, 4, 'wrong-chain'),
    link('height skips one', genesis, { ...child, height: 2 }, 4, 'height-gap'),
    link('height repeats', genesis, { ...child, height: 0 }, 4, 'height-gap'),
    link('parent hash is zero', genesis, { ...child, parentHash: new Uint8Array(32) }, 4, 'not-linked'),
    link('parent hash names the grandparent', child, { ...grandchild, parentHash: hashHeader(genesis) }, 4, 'not-linked'),
    link('validator set hash changes', genesis, { ...child, validatorSetHash: hashValidatorSet(other.set) }, 4, 'wrong-validator-set'),
    link('timestamp goes back 1 ms', genesis, { ...child, timestamp: genesis.timestamp - 1 }, 4, 'bad-timestamp'),
    link('proposer equals the set size', genesis, { ...child, proposer: 4 }, 4, 'bad-proposer'),
    link('proposer 1 in a one-validator set', genesis, { ...child, proposer: 1 }, 1, 'bad-proposer'),
    checkpointCase('checkpoint names the header', cp, child, 'ok'),
    checkpointCase('header of another chain', cp, { ...child, chainId: child.chainId + 1 }, 'wrong-chain'),
    checkpointCase('another header at the same height', cp, { ...child, timestamp: child.timestamp + 1 }, 'not-linked'),
    checkpointCase('checkpoint with another state root', { ...cp, stateRoot: cp.stateRoot + 1n }, child, 'not-linked'),
    checkpointCase('checkpoint with another validator set', { ...cp, validatorSet: other.set }, child, 'wrong-validator-set'),
  ]
  return {
    kind: 'header',
    version: 1,
    description:
      'Headers (docs/spec.md#blocks-headers-validators, #checkpoints). op "hash-*": sha256 of the canonical encoding; ' +
      'op "link": verifyHeaderLink(parent, child, validatorCount); op "checkpoint-header": verifyCheckpointHeader(checkpoint, header).',
    cases,
  }
}
