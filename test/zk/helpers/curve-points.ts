// Points for subgroup and differential tests, built and classified with ffjavascript
// (an implementation independent of mcl): members of G2, points of the twist outside
// it (try-and-increment on y² = x³ + 3/(9+u), no cofactor clearing), and small-order points.
import { randomBytes } from 'node:crypto'
import type { G2 } from 'mcl-wasm'
import { BASE_FIELD_MODULUS, FIELD_MODULUS } from '../../../src/core/constants.ts'
import { bytesToBigInt } from '../../../src/core/bytes.ts'
import { getCurve } from '../../../src/zk/curve.ts'
import type { Mcl } from '../../../src/zk/mcl.ts'
import type { G1Affine, G2Affine } from '../../../src/zk/verification-key.ts'

export const Q = BASE_FIELD_MODULUS
export const R = FIELD_MODULUS
/** #E'(Fp2) = r · (2q − r); the cofactor has the small prime factors 10069 and 5864401. */
export const TWIST_COFACTOR = 2n * Q - R

export const randomScalar = (): bigint => (bytesToBigInt(new Uint8Array(randomBytes(40))) % (R - 1n)) + 1n

/** ffjavascript's curve, and conversions between its points and affine coordinates. */
export async function referenceCurve() {
  const curve = await getCurve()
  const { G1, G2 } = curve
  return {
    curve,
    g2FromAffine: (p: G2Affine): Uint8Array => G2.fromObject([p[0], p[1], [1n, 0n]]),
    g2ToAffine: (p: Uint8Array): G2Affine => {
      const o = G2.toObject(G2.toAffine(p)) as bigint[][]
      return [
        [o[0]![0]!, o[0]![1]!],
        [o[1]![0]!, o[1]![1]!],
      ]
    },
    g1ToAffine: (p: Uint8Array): G1Affine => {
      const o = G1.toObject(G1.toAffine(p)) as bigint[]
      return [o[0]!, o[1]!]
    },
    /** On the twist (and not the zero point). */
    onTwist: (p: G2Affine): boolean => {
      const pt = G2.fromObject([p[0], p[1], [1n, 0n]])
      return !G2.isZero(pt) && G2.isValid(pt)
    },
    /** The textbook subgroup test: r·P = 0. */
    inG2Slow: (p: G2Affine): boolean => G2.isZero(G2.timesScalar(G2.fromObject([p[0], p[1], [1n, 0n]]), R)),
    mulG2: (p: G2Affine, k: bigint): Uint8Array => G2.timesScalar(G2.fromObject([p[0], p[1], [1n, 0n]]), k),
    isZeroG2: (p: Uint8Array): boolean => G2.isZero(p),
    randomG1: (): G1Affine => {
      const o = G1.toObject(G1.toAffine(G1.timesScalar(G1.g, randomScalar()))) as bigint[]
      return [o[0]!, o[1]!]
    },
    randomG2: (): G2Affine => {
      const o = G2.toObject(G2.toAffine(G2.timesScalar(G2.g, randomScalar()))) as bigint[][]
      return [
        [o[0]![0]!, o[0]![1]!],
        [o[1]![0]!, o[1]![1]!],
      ]
    },
  }
}

/**
 * Points of the twist from x = (start, 1), (start+1, 1), …: the first `count` x with x³ + 3/ξ a square.
 * mcl only finds the square root; ffjavascript confirms each point is on the twist.
 */
export async function twistPoints(mcl: Mcl, count: number, start = 1n): Promise<G2Affine[]> {
  const ref = await referenceCurve()
  const xi = new mcl.Fp2()
  xi.setStr('9 1', 10)
  const three = new mcl.Fp2()
  three.setStr('3 0', 10)
  const b = mcl.div(three, xi)
  const out: G2Affine[] = []
  for (let i = start; out.length < count; i++) {
    const x = new mcl.Fp2()
    x.setStr(`${i} 1`, 10)
    const [ok, y] = mcl.squareRoot(mcl.add(mcl.mul(mcl.sqr(x), x), b))
    if (!ok) continue
    const [y0, y1] = (y as typeof x).getStr(10).split(' ').map(BigInt) as [bigint, bigint]
    const p: G2Affine = [
      [i, 1n],
      [y0, y1],
    ]
    if (!ref.onTwist(p)) throw new Error('try-and-increment produced a point off the twist')
    out.push(p)
  }
  return out
}

export function mclG2(mcl: Mcl, p: G2Affine): G2 {
  const pt = new mcl.G2()
  pt.setStr(`1 ${p[0][0]} ${p[0][1]} ${p[1][0]} ${p[1][1]}`, 10)
  return pt
}

export function affineOfMclG2(mcl: Mcl, p: G2): G2Affine {
  const [, x0, x1, y0, y1] = mcl.normalize(p).getStr(10).split(' ').map(BigInt) as [bigint, bigint, bigint, bigint, bigint]
  return [
    [x0, x1],
    [y0, y1],
  ]
}
