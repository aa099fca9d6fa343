// Poseidon over BN254 in plain BigInt arithmetic, usable at once without set-up (EdDSA and
// its wasm curve live in eddsa.ts, so verifying code never loads them).
import { FIELD_MODULUS as R } from './constants.ts'
import { CONSTANTS, MAX_INPUTS } from './poseidon-constants.ts'

const FULL_ROUNDS = 8
/** Partial rounds for t = 2..17, from circomlib's poseidon.circom. */
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68] as const

/** Optimised round constants for one width t (neptune's sparse-matrix form, as circomlibjs). */
interface Params {
  partialRounds: number
  c: bigint[]
  s: bigint[]
  /** Columns of M and P: `m[i][j]` is circomlibjs's `M[j][i]`. */
  m: bigint[][]
  p: bigint[][]
}

const paramsByArity: (Params | undefined)[] = []

function loadParams(n: number): Params {
  let params = paramsByArity[n]
  if (!params) {
    const raw = CONSTANTS
    const columns = (rows: string[][]) => rows.map((_, i) => rows.map((row) => BigInt(row[i]!)))
    params = {
      partialRounds: PARTIAL_ROUNDS[n - 1]!,
      c: raw.C[n - 1]!.map((x) => BigInt(x)),
      s: raw.S[n - 1]!.map((x) => BigInt(x)),
      m: columns(raw.M[n - 1]!),
      p: columns(raw.P[n - 1]!),
    }
    paramsByArity[n] = params
  }
  return params
}

function pow5(x: bigint): bigint {
  const x2 = (x * x) % R
  const x4 = (x2 * x2) % R
  return (x4 * x) % R
}

/** Multiplies `state` by a matrix given by columns, into `out`; one reduction per entry. */
function mix(state: bigint[], columns: bigint[][], out: bigint[]): void {
  const t = state.length
  for (let i = 0; i < t; i++) {
    const col = columns[i]!
    let acc = 0n
    for (let j = 0; j < t; j++) acc += col[j]! * state[j]!
    out[i] = acc % R
  }
}

/**
 * Poseidon over BN254 of 1..8 field elements, as circomlib's `Poseidon(n)`: a port of
 * circomlibjs's poseidon_opt.js. Throws RangeError for another arity or an input outside [0, r).
 */
export function poseidon(inputs: readonly bigint[]): bigint {
  const n = inputs.length
  if (n < 1 || n > MAX_INPUTS) throw new RangeError(`Poseidon takes 1..${MAX_INPUTS} inputs here, got ${n}`)
  for (const x of inputs) {
    if (x < 0n || x >= R) throw new RangeError('Poseidon input is not a field element')
  }
  const { partialRounds, c, s, m, p } = loadParams(n)
  const t = n + 1
  const half = FULL_ROUNDS / 2
  // Values between steps stay below 2r, except where a sum feeds straight into a reduction.
  let state = new Array<bigint>(t)
  let next = new Array<bigint>(t)
  state[0] = c[0]!
  for (let i = 1; i < t; i++) state[i] = inputs[i - 1]! + c[i]!

  for (let r = 0; r < half; r++) {
    const k = (r + 1) * t
    for (let i = 0; i < t; i++) state[i] = pow5(state[i]!) + c[k + i]!
    mix(state, r < half - 1 ? m : p, next)
    ;[state, next] = [next, state]
  }

  const cp = (half + 1) * t
  const width = 2 * t - 1
  for (let r = 0; r < partialRounds; r++) {
    const x0 = pow5(state[0]!) + c[cp + r]!
    state[0] = x0
    const k = width * r
    let acc = 0n
    for (let j = 0; j < t; j++) acc += s[k + j]! * state[j]!
    for (let i = 1; i < t; i++) state[i] = (state[i]! + x0 * s[k + t + i - 1]!) % R
    state[0] = acc % R
  }

  const cf = cp + partialRounds
  for (let r = 0; r < half - 1; r++) {
    const k = cf + r * t
    for (let i = 0; i < t; i++) state[i] = pow5(state[i]!) + c[k + i]!
    mix(state, m, next)
    ;[state, next] = [next, state]
  }
  // Last round: no constants, and only the first output is needed.
  const col = m[0]!
  let out = 0n
  for (let j = 0; j < t; j++) out += col[j]! * pow5(state[j]!)
  return out % R
}
