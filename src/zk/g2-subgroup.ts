// Fast membership test for BN254's G2 (Dai–Lin–Zhao–Zhou, eprint 2022/348): a point P of
// the twist is in the order-r subgroup iff [x+1]P + ψ([x]P) + ψ²([x]P) = ψ³([2x]P), with x
// the 63-bit curve seed — a quarter of the work of the textbook test r·P = 0.
import { BASE_FIELD_MODULUS } from '../core/constants.ts'
import type { G2 } from 'mcl-wasm'
import { MCL_SIZE, type MclInstance } from './mcl.ts'

/**
 * BN254's seed: p = 36x⁴ + 36x³ + 24x² + 6x + 1 and r = 36x⁴ + 36x³ + 18x² + 6x + 1 (the tests
 * check both). The test above holds for seeds with x ≢ 4 (mod 13) and x ≢ 92 (mod 97); this one
 * has x ≡ 0 and 49.
 */
export const BN_SEED = 4965661367192848881n

type Fp2 = readonly [bigint, bigint]

const P = BASE_FIELD_MODULUS
const mod = (a: bigint) => ((a % P) + P) % P
const fp2Mul = (a: Fp2, b: Fp2): Fp2 => [mod(a[0] * b[0] - a[1] * b[1]), mod(a[0] * b[1] + a[1] * b[0])] // u² = −1

function fp2Pow(base: Fp2, e: bigint): Fp2 {
  let acc: Fp2 = [1n, 0n]
  for (let i = BigInt(e.toString(2).length - 1); i >= 0n; i--) {
    acc = fp2Mul(acc, acc)
    if ((e >> i) & 1n) acc = fp2Mul(acc, base)
  }
  return acc
}

/** ξ = 9 + u: Fp12 = Fp2[w]/(w⁶ − ξ), and G2 lives on the twist y² = x³ + 3/ξ. */
const XI: Fp2 = [9n, 1n]

/**
 * ψ = untwist ∘ p-power Frobenius ∘ twist (Galbraith–Scott): with the twist (x, y) ↦ (x·w², y·w³),
 * ψ(x, y) = (x̄·w^(2(p−1)), ȳ·w^(3(p−1))) = (x̄·ξ^((p−1)/3), ȳ·ξ^((p−1)/2)), where x̄ is the
 * conjugate (Frobenius on Fp2). Derived here rather than pasted, and checked by the tests.
 */
export const PSI_COEFFICIENTS = { x: fp2Pow(XI, (P - 1n) / 3n), y: fp2Pow(XI, (P - 1n) / 2n) } as const

/**
 * The seed in width-4 NAF, most significant digit first: digits in {0, ±1, ±3, ±5, ±7}, 14 of
 * them nonzero, so [x]P costs 62 doublings and 16 additions (with the table) instead of 27.
 */
const SEED_NAF = (() => {
  const digits: number[] = []
  for (let k = BN_SEED; k > 0n; k >>= 1n) {
    let d = 0n
    if (k & 1n) {
      d = k % 16n
      if (d >= 8n) d -= 16n
      k -= d
    }
    digits.push(Number(d))
  }
  return digits.reverse()
})()

export interface G2Subgroup {
  /** P (on the twist, as mcl's parser guarantees) is in G2. */
  contains(point: G2): boolean
  /** ψ(P), for tests. */
  psi(point: G2): G2
}

/**
 * Works in scratch memory of the given mcl instance (allocated once, kept for its lifetime).
 * [x]P is computed by plain double-and-add (over a NAF) on purpose: mcl's own G2 multiplication
 * splits the scalar with ψ (GLS), which is only valid inside G2 — exactly what is being tested.
 */
export function createG2Subgroup({ mcl, raw }: MclInstance): G2Subgroup {
  const G2_BYTES = MCL_SIZE.g2
  const FP = MCL_SIZE.fp
  const SLOTS = 11
  const base = raw._malloc(SLOTS * G2_BYTES + 4 * FP)
  const slot = (i: number) => base + i * G2_BYTES
  const [p, r0, r1, q1, q2, q3, sum, conj] = [0, 1, 2, 3, 4, 5, 6, 7].map(slot) as [number, number, number, number, number, number, number, number]
  /** odd[d] = [d]P for d = 1, 3, 5, 7 (the NAF table). */
  const odd: Record<number, number> = { 1: p, 3: slot(8), 5: slot(9), 7: slot(10) }
  const cx = slot(SLOTS)
  const cy = cx + 2 * FP
  const setFp2 = (at: number, v: Fp2) => {
    const e = new mcl.Fp2()
    e.setStr(`${v[0]} ${v[1]}`, 10)
    e.copyToMem(at)
  }
  setFp2(cx, PSI_COEFFICIENTS.x)
  setFp2(cy, PSI_COEFFICIENTS.y)
  const copy = (dst: number, src: number) => raw.HEAP32.copyWithin(dst >> 2, src >> 2, (src + G2_BYTES) >> 2)

  /** dst = ψ(src) on Jacobian (X : Y : Z): conjugating Z too keeps x = X/Z², y = Y/Z³ right. */
  const psi = (dst: number, src: number) => {
    copy(conj, src)
    for (const half of [1, 3, 5]) raw._mclBnFp_neg(conj + half * FP, conj + half * FP) // the u-parts of X, Y, Z
    raw._mclBnFp2_mul(dst, conj, cx)
    raw._mclBnFp2_mul(dst + 2 * FP, conj + 2 * FP, cy)
    raw.HEAP32.copyWithin((dst + 4 * FP) >> 2, (conj + 4 * FP) >> 2, (conj + 6 * FP) >> 2)
  }

  return {
    contains(point) {
      point.copyToMem(p)
      raw._mclBnG2_dbl(r1, p)
      for (const d of [3, 5, 7]) raw._mclBnG2_add(odd[d] as number, odd[d - 2] as number, r1)
      let cur = r0
      let tmp = r1
      copy(cur, odd[SEED_NAF[0] as number] as number)
      for (let i = 1; i < SEED_NAF.length; i++) {
        const d = SEED_NAF[i] as number
        raw._mclBnG2_dbl(tmp, cur)
        if (d > 0) raw._mclBnG2_add(cur, tmp, odd[d] as number)
        else if (d < 0) raw._mclBnG2_sub(cur, tmp, odd[-d] as number)
        else [cur, tmp] = [tmp, cur]
      }
      // cur = [x]P
      psi(q1, cur)
      psi(q2, q1)
      psi(q3, q2)
      raw._mclBnG2_add(tmp, cur, p)
      raw._mclBnG2_add(sum, tmp, q1)
      raw._mclBnG2_add(tmp, sum, q2)
      raw._mclBnG2_dbl(sum, q3) // ψ³([2x]P) = [2]ψ³([x]P): ψ is a group homomorphism
      return raw._mclBnG2_isEqual(tmp, sum) === 1
    },
    psi(point) {
      point.copyToMem(p)
      psi(q1, p)
      const out = new mcl.G2()
      out.copyFromMem(q1)
      return out
    },
  }
}
