// The BigInt Baby Jubjub group law against circomlibjs's babyJub (affine addPoint and
// double-and-add mulPointEscalar), on subgroup points, small-order points and edge scalars.
import { beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { buildBabyjub } from 'circomlibjs'
import { IDENTITY, add, double, equals, fromAffine, multiply, multiplyBase8, negate, toAffine } from '../../src/core/babyjub-group.ts'
import { inCurve } from '../../src/core/babyjub.ts'
import { BABYJUB_BASE8, BABYJUB_SUBORDER as L, FIELD_MODULUS as P } from '../../src/core/constants.ts'
import type { Point } from '../../src/core/types.ts'
import { SMALL_ORDER } from '../fixtures/eddsa-samples.ts'

let babyJub: any
beforeAll(async () => {
  babyJub = await buildBabyjub()
})

const internal = (p: Point): unknown[] => [babyJub.F.e(p[0]), babyJub.F.e(p[1])]
const plain = (p: unknown[]): Point => [babyJub.F.toObject(p[0]) as bigint, babyJub.F.toObject(p[1]) as bigint]
const refMul = (p: Point, k: bigint): Point => plain(babyJub.mulPointEscalar(internal(p), k))
const refAdd = (a: Point, b: Point): Point => plain(babyJub.addPoint(internal(a), internal(b)))

const EDGE_SCALARS = [0n, 1n, 2n, 7n, 8n, 15n, 16n, 17n, L - 1n, L, L + 1n, 8n * L, (1n << 251n) - 1n, (1n << 253n) + 12345n, (1n << 256n) - 1n]
const scalar = fc.oneof(fc.constantFrom(...EDGE_SCALARS), fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }))

describe('Baby Jubjub group law', () => {
  it('uses circomlibjs Base8, on the curve, of order l', () => {
    expect(BABYJUB_BASE8).toEqual(plain(babyJub.Base8))
    expect(inCurve(BABYJUB_BASE8)).toBe(true)
    expect(babyJub.subOrder).toBe(L)
    expect(equals(multiply(fromAffine(BABYJUB_BASE8), L), IDENTITY)).toBe(true)
    expect(equals(multiply(fromAffine(BABYJUB_BASE8), L - 1n), IDENTITY)).toBe(false)
  })

  it('lists the eight small-order points: T, 2T, 4T have orders 8, 4, 2', () => {
    expect(new Set(SMALL_ORDER.map(String)).size).toBe(8)
    expect(SMALL_ORDER[0]).toEqual([0n, 1n])
    expect(SMALL_ORDER[4]).toEqual([0n, P - 1n])
    expect(SMALL_ORDER[2]![1]).toBe(0n)
    for (const T of SMALL_ORDER) {
      expect(inCurve(T)).toBe(true)
      expect(equals(multiply(fromAffine(T), 8n), IDENTITY)).toBe(true)
    }
    expect(equals(multiply(fromAffine(SMALL_ORDER[1]!), 4n), IDENTITY)).toBe(false)
  })

  it('multiplyBase8 matches mulPointEscalar(Base8, k), including k ≥ l', () => {
    fc.assert(
      fc.property(scalar, (k) => {
        expect(toAffine(multiplyBase8(k))).toEqual(refMul(BABYJUB_BASE8, k))
      }),
      { numRuns: 60 },
    )
    for (const k of EDGE_SCALARS) expect(toAffine(multiplyBase8(k))).toEqual(refMul(BABYJUB_BASE8, k))
  })

  it('multiply matches mulPointEscalar on subgroup points and on points with a small-order part', () => {
    fc.assert(
      fc.property(scalar, scalar, fc.integer({ min: 0, max: 7 }), (a, k, t) => {
        const p = refAdd(refMul(BABYJUB_BASE8, a), SMALL_ORDER[t]!)
        expect(toAffine(multiply(fromAffine(p), k))).toEqual(refMul(p, k))
      }),
      { numRuns: 40 },
    )
    for (const T of SMALL_ORDER) for (const k of EDGE_SCALARS.slice(0, 9)) expect(toAffine(multiply(fromAffine(T), k))).toEqual(refMul(T, k))
  })

  it('add, double and negate match addPoint, including the identity and small-order points', () => {
    const points = [...SMALL_ORDER, BABYJUB_BASE8, refMul(BABYJUB_BASE8, 12345n), refAdd(refMul(BABYJUB_BASE8, 99n), SMALL_ORDER[3]!)]
    for (const a of points) {
      expect(toAffine(double(fromAffine(a)))).toEqual(refAdd(a, a))
      expect(equals(add(fromAffine(a), negate(fromAffine(a))), IDENTITY)).toBe(true)
      for (const b of points) expect(toAffine(add(fromAffine(a), fromAffine(b)))).toEqual(refAdd(a, b))
    }
  })

  it('equals compares projective points without normalising them', () => {
    const p = multiplyBase8(777n)
    const q = add(multiplyBase8(700n), multiplyBase8(77n))
    expect(p.Z === q.Z).toBe(false)
    expect(equals(p, q)).toBe(true)
    expect(equals(p, multiplyBase8(778n))).toBe(false)
  })

  it('refuses a negative scalar with RangeError', () => {
    expect(() => multiply(IDENTITY, -1n)).toThrow(RangeError)
    expect(() => multiplyBase8(-1n)).toThrow(RangeError)
  })
})
