// The BigInt Poseidon against circomlibjs's wasm Poseidon, for every arity, and its use with no set-up.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import fc from 'fast-check'
import { buildPoseidon } from 'circomlibjs'
import { FIELD_MODULUS as R } from '../../src/core/constants.ts'
import { poseidon } from '../../src/core/poseidon.ts'
import { MAX_INPUTS } from '../../src/core/poseidon-constants.ts'

const POSEIDON_1_2 = 0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189an

// Edge values are drawn often, so reductions near r are exercised.
const field = fc.oneof(fc.constantFrom(0n, 1n, R - 1n), fc.bigInt({ min: 0n, max: R - 1n }))

describe('poseidon (BigInt)', () => {
  it('hashes in a fresh module, with no set-up', async () => {
    vi.resetModules()
    const fresh = await import('../../src/core/poseidon.ts')
    expect(fresh.poseidon([1n, 2n])).toBe(POSEIDON_1_2)
  })

  describe('against circomlibjs buildPoseidon', () => {
    let reference: (xs: bigint[]) => bigint
    beforeAll(async () => {
      const wasm = await buildPoseidon()
      reference = (xs) => wasm.F.toObject(wasm(xs)) as bigint
    })

    it('gives the known answer for [1, 2]', () => {
      expect(poseidon([1n, 2n])).toBe(POSEIDON_1_2)
      expect(reference([1n, 2n])).toBe(POSEIDON_1_2)
    })

    for (let n = 1; n <= MAX_INPUTS; n++) {
      it(`matches for ${n} input${n === 1 ? '' : 's'}`, () => {
        fc.assert(
          fc.property(fc.array(field, { minLength: n, maxLength: n }), (xs) => {
            expect(poseidon(xs)).toBe(reference(xs))
          }),
          { numRuns: 40 },
        )
      })
    }
  })

  it('rejects inputs outside [0, r) with RangeError', () => {
    for (const bad of [R, R + 1n, -1n, 1n << 256n]) {
      expect(() => poseidon([1n, bad])).toThrow(RangeError)
      expect(() => poseidon([bad])).toThrow(RangeError)
    }
  })

  it('rejects 0 or more than MAX_INPUTS (8: zklight hashes 2, 4 and 7) inputs with RangeError', () => {
    expect(MAX_INPUTS).toBeGreaterThanOrEqual(7)
    expect(() => poseidon([])).toThrow(RangeError)
    expect(() => poseidon(new Array<bigint>(MAX_INPUTS + 1).fill(1n))).toThrow(RangeError)
    expect(() => poseidon(new Array<bigint>(MAX_INPUTS).fill(1n))).not.toThrow()
  })
})
