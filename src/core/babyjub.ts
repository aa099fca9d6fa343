// Baby Jubjub point packing and the curve check in plain BigInt.
// Results match circomlibjs's babyJub.packPoint/unpackPoint/inCurve.
import { BABYJUB_A as A, BABYJUB_D as D, FIELD_MODULUS as P } from './constants.ts'
import type { Point } from './types.ts'

const HALF = (P - 1n) >> 1n
// P - 1 = 2^28 · ODD, for Tonelli–Shanks.
const TWO_ADICITY = 28n
const ODD = (P - 1n) >> TWO_ADICITY
// 5 is the least quadratic non-residue mod P (as in ffjavascript); its ODD-th power generates the 2-Sylow subgroup.
const NQR_TO_ODD = powMod(5n, ODD)

/** Packs (x, y) as 32 bytes: y little-endian, top bit set when x > (P-1)/2. */
export function packPoint(p: Point): Uint8Array {
  const out = new Uint8Array(32)
  let y = mod(p[1])
  for (let i = 0; i < 32; i++, y >>= 8n) out[i] = Number(y & 0xffn)
  if (mod(p[0]) > HALF) out[31] = out[31]! | 0x80
  return out
}

/**
 * Inverse of `packPoint`; undefined when no x exists. As circomlibjs does, y is read
 * mod P, so a y in [P, 2^255) is accepted, and y = ±1 (x = 0) is rejected.
 */
export function unpackPoint(b: Uint8Array): Point | undefined {
  if (b.length !== 32) return undefined
  let raw = 0n
  for (let i = 31; i >= 0; i--) raw = (raw << 8n) | BigInt(b[i]!)
  const negative = raw >> 255n === 1n
  const y = mod(raw & ((1n << 255n) - 1n))
  const y2 = (y * y) % P
  // The denominator is never 0: a/d is a non-residue, so a = d·y² has no solution.
  const x2 = mod((1n - y2) * invert(A - D * y2))
  // circomlibjs requires a residue strictly (x² = 0 fails its Euler test).
  if (powMod(x2, HALF) !== 1n) return undefined
  const root = sqrt(x2)
  const x = root > HALF ? P - root : root
  return [negative ? P - x : x, y]
}

/** True when the point satisfies the curve equation (coordinates read mod P). */
export function inCurve(p: Point): boolean {
  const x2 = mod(p[0] * p[0])
  const y2 = mod(p[1] * p[1])
  return mod(A * x2 + y2) === mod(1n + D * x2 * y2)
}

/** a mod P in [0, P). */
export function mod(a: bigint): bigint {
  const r = a % P
  return r < 0n ? r + P : r
}

function powMod(base: bigint, exp: bigint): bigint {
  let r = 1n
  let b = mod(base)
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % P
    b = (b * b) % P
  }
  return r
}

/** Inverse by Fermat; the inverse of 0 is 0 (unreachable here: see `unpackPoint`, and no point has Z = 0). */
export function invert(a: bigint): bigint {
  return powMod(a, P - 2n)
}

/** A square root of a known non-zero residue, by Tonelli–Shanks. */
function sqrt(n: bigint): bigint {
  let m = TWO_ADICITY
  let c = NQR_TO_ODD
  let t = powMod(n, ODD)
  let r = powMod(n, (ODD + 1n) >> 1n)
  while (t !== 1n) {
    let i = 1n
    let t2i = (t * t) % P
    while (t2i !== 1n) {
      t2i = (t2i * t2i) % P
      i++
    }
    let b = c
    for (let j = m - i - 1n; j > 0n; j--) b = (b * b) % P
    m = i
    c = (b * b) % P
    t = (t * c) % P
    r = (r * b) % P
  }
  return r
}
