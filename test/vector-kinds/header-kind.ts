// Vector kind "header" (scripts/vectors/header-vectors.ts): header, validator-set and
// checkpoint hashes; header linkage; checkpoint-to-header checks.
import { expect, it } from 'vitest'
import { bytesToHex } from '../../src/core/bytes.ts'
import { hashCheckpoint, verifyCheckpointHeader } from '../../src/core/checkpoint.ts'
import { hashHeader, hashValidatorSet, verifyHeaderLink } from '../../src/core/header.ts'
import type { Checkpoint, Header, ValidatorSet } from '../../src/core/types.ts'
import { fromVectorJson } from '../fixtures/vector-json.ts'
import { rejection, unknownOp, type VectorKind } from './vector-kind.ts'

export const headerKind: VectorKind = {
  register(file: { cases: any[] }) {
    const seen: string[] = []
    for (const c of file.cases) {
      switch (c.op) {
        case 'hash-header':
          it(c.name, () => {
            expect(bytesToHex(hashHeader(fromVectorJson<Header>(c.header)))).toBe(c.hash)
          })
          break
        case 'hash-validator-set':
          it(c.name, () => {
            expect(bytesToHex(hashValidatorSet(fromVectorJson<ValidatorSet>(c.validatorSet)))).toBe(c.hash)
          })
          break
        case 'hash-checkpoint':
          it(c.name, () => {
            expect(bytesToHex(hashCheckpoint(fromVectorJson<Checkpoint>(c.checkpoint)))).toBe(c.hash)
          })
          break
        case 'link':
          seen.push(...rejection('link', c.expect))
          it(`link: ${c.name}`, () => {
            expect(verifyHeaderLink(fromVectorJson<Header>(c.parent), fromVectorJson<Header>(c.child), c.validatorCount)).toEqual(c.expect)
          })
          break
        case 'checkpoint-header':
          seen.push(...rejection('checkpoint', c.expect))
          it(`checkpoint: ${c.name}`, () => {
            expect(verifyCheckpointHeader(fromVectorJson<Checkpoint>(c.checkpoint), fromVectorJson<Header>(c.header))).toEqual(c.expect)
          })
          break
        default:
          unknownOp(c)
      }
    }
    return seen
  },
}
