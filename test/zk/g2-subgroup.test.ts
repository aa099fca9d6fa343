// The fast G2 membership test and its ψ endomorphism, against slow references computed
// with ffjavascript: r·P = 0 for membership, [q]P and the Frobenius trace for ψ.
import { beforeAll, describe, expect, it } from 'vitest'
import { BN_SEED, createG2Subgroup, type G2Subgroup } from '../../src/zk/g2-subgroup.ts'
import { getMcl, type Mcl } from '../../src/zk/mcl.ts'
import type { G2Affine } from '../../src/zk/verification-key.ts'
import { affineOfMclG2, mclG2, Q, R, referenceCurve, twistPoints, TWIST_COFACTOR } from './helpers/curve-points.ts'

let mcl: Mcl
let g2: G2Subgroup
let ref: Awaited<ReturnType<typeof referenceCurve>>
let members: G2Affine[]
let outside: G2Affine[]

beforeAll(async () => {
  const inst = await getMcl()
  mcl = inst.mcl
  g2 = createG2Subgroup(inst)
  ref = await referenceCurve()
  members = Array.from({ length: 8 }, () => ref.randomG2())
  outside = await twistPoints(mcl, 8)
})

const x = BN_SEED
const traceOfFrobenius = 6n * x * x + 1n

describe('BN254 parameters', () => {
  it('the seed generates both moduli and meets the preconditions of the membership test', () => {
    expect(36n * x ** 4n + 36n * x ** 3n + 24n * x ** 2n + 6n * x + 1n).toBe(Q)
    expect(36n * x ** 4n + 36n * x ** 3n + 18n * x ** 2n + 6n * x + 1n).toBe(R)
    expect(Q + 1n - traceOfFrobenius).toBe(R) // #E(Fp) = r: G1 has cofactor 1
    expect(x % 13n).not.toBe(4n)
    expect(x % 97n).not.toBe(92n)
  })
  it('the twist points made for these tests are outside G2, and the reference agrees with the group order', () => {
    for (const p of outside) {
      expect(ref.inG2Slow(p)).toBe(false)
      expect(ref.isZeroG2(ref.mulG2(p, R * TWIST_COFACTOR))).toBe(true)
    }
    for (const p of members) expect(ref.inG2Slow(p)).toBe(true)
  })
})

describe('ψ (untwist-Frobenius-twist)', () => {
  const psi = (p: G2Affine): G2Affine => affineOfMclG2(mcl, g2.psi(mclG2(mcl, p)))
  it('maps twist points to twist points', () => {
    for (const p of [...members, ...outside]) expect(ref.onTwist(psi(p))).toBe(true)
  })
  it('acts on G2 as multiplication by q', () => {
    for (const p of members) expect(psi(p)).toEqual(ref.g2ToAffine(ref.mulG2(p, Q % R)))
  })
  it('satisfies ψ² − tψ + q = 0 on points outside G2 too', () => {
    const { G2 } = ref.curve
    for (const p of outside) {
      const lhs = G2.add(ref.g2FromAffine(psi(psi(p))), ref.mulG2(p, Q))
      expect(G2.eq(lhs, ref.mulG2(psi(p), traceOfFrobenius))).toBe(true)
    }
  })
})

describe('fast G2 membership', () => {
  const fast = (p: G2Affine) => g2.contains(mclG2(mcl, p))
  it('accepts members of G2, as r·P = 0 and mcl’s own check do', () => {
    for (const p of members) {
      expect(fast(p)).toBe(true)
      expect(mclG2(mcl, p).isValidOrder()).toBe(true)
    }
  })
  it('refuses twist points outside G2, as r·P = 0 and mcl’s own check do', () => {
    for (const p of outside) {
      expect(fast(p)).toBe(false)
      expect(mclG2(mcl, p).isValidOrder()).toBe(false)
    }
  })
  it('refuses points of small order, points of the cofactor part, and a member plus an outside point', () => {
    const { G2 } = ref.curve
    const [p, p2] = outside as [G2Affine, G2Affine]
    const candidates = [
      ref.mulG2(p, R * (TWIST_COFACTOR / 10069n)), // order 10069
      ref.mulG2(p2, R * (TWIST_COFACTOR / 5864401n)), // order 5864401
      ref.mulG2(p, R), // order dividing the cofactor
      G2.add(ref.g2FromAffine(members[0] as G2Affine), ref.g2FromAffine(p)),
    ]
    for (const c of candidates) {
      expect(ref.isZeroG2(c)).toBe(false)
      const a = ref.g2ToAffine(c)
      expect(ref.inG2Slow(a)).toBe(false)
      expect(fast(a)).toBe(false)
    }
  })
})
