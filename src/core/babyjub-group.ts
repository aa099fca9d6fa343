// Baby Jubjub's group law in extended coordinates (Hisil–Wong–Carter–Dawson 2008), in plain
// BigInt: the additions and scalar multiplications EdDSA-Poseidon needs. The formulas are
// complete on this curve (a is a square, d is not): any two curve points add with no special case.
import { invert, mod } from './babyjub.ts'
import { BABYJUB_A as A, BABYJUB_BASE8, BABYJUB_D as D, BABYJUB_SUBORDER as L, FIELD_MODULUS as P } from './constants.ts'
import type { Point } from './types.ts'

/**
 * (X : Y : Z : T) stands for the affine point (X/Z, Y/Z), with T/Z = x·y. Coordinates are
 * reduced mod P but may be negative (BigInt `%` keeps the sign), which saves a correction per
 * operation; `equals` and `toAffine` are the only readers and they normalise.
 */
export interface ExtendedPoint {
  readonly X: bigint
  readonly Y: bigint
  readonly Z: bigint
  readonly T: bigint
}

export const IDENTITY: ExtendedPoint = { X: 0n, Y: 1n, Z: 1n, T: 0n }

/** The caller has checked that `p` is on the curve: the formulas hold only there. */
export function fromAffine(p: Point): ExtendedPoint {
  return { X: p[0], Y: p[1], Z: 1n, T: (p[0] * p[1]) % P }
}

export function toAffine(p: ExtendedPoint): Point {
  const zInv = invert(mod(p.Z))
  return [mod(p.X * zInv), mod(p.Y * zInv)]
}

/** add-2008-hwcd: nine multiplications. */
export function add(p: ExtendedPoint, q: ExtendedPoint): ExtendedPoint {
  const a = (p.X * q.X) % P
  const b = (p.Y * q.Y) % P
  const c = (((D * p.T) % P) * q.T) % P
  const d = (p.Z * q.Z) % P
  const e = ((p.X + p.Y) * (q.X + q.Y) - a - b) % P
  const f = d - c
  const g = d + c
  const h = b - A * a
  return { X: (e * f) % P, Y: (g * h) % P, Z: (f * g) % P, T: (e * h) % P }
}

/** dbl-2008-hwcd: four multiplications and four squarings; it does not read T. */
export function double(p: ExtendedPoint): ExtendedPoint {
  const a = (p.X * p.X) % P
  const b = (p.Y * p.Y) % P
  const c = (2n * p.Z * p.Z) % P
  const d = A * a
  const s = p.X + p.Y
  const e = (s * s - a - b) % P
  const g = d + b
  const f = g - c
  const h = d - b
  return { X: (e * f) % P, Y: (g * h) % P, Z: (f * g) % P, T: (e * h) % P }
}

export function negate(p: ExtendedPoint): ExtendedPoint {
  return { X: -p.X, Y: p.Y, Z: p.Z, T: -p.T }
}

/** Same affine point: X1/Z1 = X2/Z2 and Y1/Z1 = Y2/Z2, without an inversion. */
export function equals(p: ExtendedPoint, q: ExtendedPoint): boolean {
  return (p.X * q.Z - q.X * p.Z) % P === 0n && (p.Y * q.Z - q.Y * p.Z) % P === 0n
}

/** Signed digits of width 5: each window adds one of 16 table entries or its negation. */
const WINDOW_BITS = 5
const WINDOW = 1 << WINDOW_BITS
const HALF_WINDOW = WINDOW >> 1

/** k·p for any k ≥ 0, by width-5 NAF: for a 251-bit k about 251 doublings and 50 additions. */
export function multiply(p: ExtendedPoint, k: bigint): ExtendedPoint {
  if (k < 0n) throw new RangeError('scalar must not be negative')
  // p, 3p, 5p, …, 15p: the odd multiples a NAF digit selects.
  const twice = double(p)
  const odd = [p]
  for (let i = 1; i < HALF_WINDOW / 2; i++) odd.push(add(odd[i - 1]!, twice))
  const digits = nafDigits(k)
  let acc = IDENTITY
  for (let i = digits.length - 1; i >= 0; i--) {
    acc = double(acc)
    const digit = digits[i]!
    if (digit > 0) acc = add(acc, odd[digit >> 1]!)
    else if (digit < 0) acc = add(acc, negate(odd[-digit >> 1]!))
  }
  return acc
}

/** Width-5 non-adjacent form, least significant digit first: each digit is 0 or odd in [-15, 15]. */
function nafDigits(k: bigint): number[] {
  const digits: number[] = []
  const mask = BigInt(WINDOW - 1)
  while (k > 0n) {
    let digit = 0
    if (k & 1n) {
      digit = Number(k & mask)
      if (digit > HALF_WINDOW) digit -= WINDOW
      k -= BigInt(digit)
    }
    digits.push(digit)
    k >>= 1n
  }
  return digits
}

// Enough windows for any scalar below l, plus one for the last carry.
const BASE8_WINDOWS = Math.ceil(L.toString(2).length / WINDOW_BITS) + 1
let base8Table: ExtendedPoint[][] | undefined

/** Row i holds j·32^i·Base8 for j = 1..16; built on first use (about 830 additions, a few ms). */
function loadBase8Table(): ExtendedPoint[][] {
  if (!base8Table) {
    const rows: ExtendedPoint[][] = []
    let base = fromAffine(BABYJUB_BASE8)
    for (let i = 0; i < BASE8_WINDOWS; i++) {
      const row = [base]
      for (let j = 1; j < HALF_WINDOW; j++) row.push(add(row[j - 1]!, base))
      rows.push(row)
      base = double(row[HALF_WINDOW - 1]!)
    }
    base8Table = rows
  }
  return base8Table
}

/** k·Base8 for any k ≥ 0 (Base8 has order l, so k is reduced mod l first): about 52 additions. */
export function multiplyBase8(k: bigint): ExtendedPoint {
  if (k < 0n) throw new RangeError('scalar must not be negative')
  const table = loadBase8Table()
  let rest = k % L
  let carry = 0
  let acc = IDENTITY
  for (const row of table) {
    let digit = Number(rest & BigInt(WINDOW - 1)) + carry
    rest >>= BigInt(WINDOW_BITS)
    carry = 0
    if (digit > HALF_WINDOW) {
      digit -= WINDOW
      carry = 1
    }
    if (digit > 0) acc = add(acc, row[digit - 1]!)
    else if (digit < 0) acc = add(acc, negate(row[-digit - 1]!))
  }
  return acc
}
