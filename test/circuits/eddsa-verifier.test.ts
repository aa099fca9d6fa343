// The ledger's EdDSA-Poseidon rule (src/core/eddsa.ts) against the circuit's, circomlib's
// EdDSAPoseidonVerifier: every sample the ledger accepts has a witness and every sample it
// refuses has none; the circuit cannot handle three S values; and one gap of the circuit
// (it never checks that the key is on the curve) is pinned here until the circuit closes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import * as snarkjs from 'snarkjs'
import { Field } from '@noble/curves/abstract/modular.js'
import { compileCircom, ROOT } from '../../src/zk/artifacts.ts'
import { inCurve } from '../../src/core/babyjub.ts'
import { BABYJUB_A as A, BABYJUB_D as D, BABYJUB_SUBORDER as L, FIELD_MODULUS as P } from '../../src/core/constants.ts'
import { isProvableS, verifyPoseidon } from '../../src/core/eddsa.ts'
import { poseidon } from '../../src/core/poseidon.ts'
import type { Point, Signature } from '../../src/core/types.ts'
import { UNPROVABLE_S, timesBase8, verifyCases } from '../fixtures/eddsa-samples.ts'

let dir: string
beforeAll(async () => {
  // circom2 cannot write above the project root, so the build goes under .cache/.
  mkdirSync(join(ROOT, '.cache'), { recursive: true })
  dir = mkdtempSync(join(ROOT, '.cache', 'eddsa-verifier-test-'))
  await compileCircom(join(ROOT, 'circuits', 'test', 'eddsa_poseidon_verifier_test.circom'), dir, () => {})
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
/** True when the circuit has a witness satisfying every constraint for these inputs. */
async function circuitAccepts(msg: bigint, sig: Signature, pubKey: Point, enabled = 1): Promise<boolean> {
  const input = { enabled, Ax: pubKey[0], Ay: pubKey[1], S: sig.S, R8x: sig.R8[0], R8y: sig.R8[1], M: msg }
  const file = join(dir, `w${n++}.wtns`)
  try {
    await snarkjs.wtns.calculate(Object.fromEntries(Object.entries(input).map(([k, v]) => [k, String(v)])), join(dir, 'eddsa_poseidon_verifier_test_js', 'eddsa_poseidon_verifier_test.wasm'), file)
  } catch {
    return false
  }
  return (await snarkjs.wtns.check(join(dir, 'eddsa_poseidon_verifier_test.r1cs'), file)) === true
}

const isSignal = (x: bigint) => x >= 0n && x < P

describe('EdDSAPoseidonVerifier against verifyPoseidon', () => {
  // A signal is a field element; samples with other values cannot even be given to the circuit.
  const cases = verifyCases().filter((c) => [c.msg, c.sig.S, ...c.sig.R8, ...c.pubKey].every(isSignal))

  for (const c of cases) {
    it(`${c.name}: the circuit ${c.expect === 'ok' ? 'accepts' : 'refuses'}`, async () => {
      expect(verifyPoseidon(c.msg, c.sig, c.pubKey).ok).toBe(c.expect === 'ok')
      expect(await circuitAccepts(c.msg, c.sig, c.pubKey)).toBe(c.expect === 'ok')
    })
  }

  it('has samples on both sides, including the small-order keys circomlibjs accepts', () => {
    expect(cases.filter((c) => c.expect === 'ok').length).toBeGreaterThanOrEqual(5)
    expect(cases.filter((c) => c.why !== undefined).length).toBeGreaterThanOrEqual(8)
  })

  it('has no witness, even in a disabled slot, for the three S that isProvableS refuses', async () => {
    const [low] = UNPROVABLE_S as [bigint]
    const sample = verifyCases()[0]!
    const at = (S: bigint) => circuitAccepts(sample.msg, { R8: sample.sig.R8, S }, sample.pubKey, 0)
    for (const S of UNPROVABLE_S) {
      expect(isProvableS(S)).toBe(false)
      expect(await at(S)).toBe(false)
    }
    for (const S of [low - 1n, low + 1n, low + (1n << 248n), 0n, L - 1n]) {
      expect(isProvableS(S)).toBe(true)
      expect(await at(S)).toBe(true)
    }
  })
})

// The circuit doubles A with BabyAdd's unified formula and never checks A is on the curve.
// Off the curve that formula is no group law: running it backwards from 2·Base8 three times
// gives points A' whose "8A'" is 2·Base8, so anyone can sign for A' with the scalar 2.
// A transfer can create an account with such a key (neither the circuit nor verifyTransfer
// checks toPubKey), so the circuit accepts spends from it that the ledger refuses.
describe('known gap: the circuit accepts signatures under an off-curve key', () => {
  const F = Field(P)
  const sqrt = (x: bigint): bigint | undefined => {
    try {
      return F.sqrt(F.create(x))
    } catch {
      return undefined
    }
  }
  /** Roots of a·u² + b·u + c. */
  const roots = (a: bigint, b: bigint, c: bigint): bigint[] => {
    const disc = sqrt(F.sub(F.sqr(b), F.mul(4n, F.mul(a, c))))
    if (disc === undefined) return []
    const inv = F.inv(F.mul(2n, F.create(a)))
    return [F.mul(F.sub(disc, b), inv), F.mul(F.sub(F.neg(disc), b), inv)]
  }
  /** BabyDbl: x' = 2xy / (1 + d·x²y²), y' = (y² − a·x²) / (1 − d·x²y²). */
  const babyDbl = ([x, y]: Point): Point => {
    const t = F.mul(D, F.sqr(F.mul(x, y)))
    return [F.div(F.mul(2n, F.mul(x, y)), F.add(1n, t)), F.div(F.sub(F.sqr(y), F.mul(A, F.sqr(x))), F.sub(1n, t))]
  }
  /** Every (x, y) with babyDbl(x, y) = (x3, y3): w = xy solves d·x3·w² − 2w + x3 = 0, then u = x² solves a·u² + k·u − w² = 0. */
  const halve = ([x3, y3]: Point): Point[] =>
    roots(F.mul(D, x3), F.neg(2n), x3).flatMap((w) =>
      roots(A, F.mul(y3, F.sub(1n, F.mul(D, F.sqr(w)))), F.neg(F.sqr(w))).flatMap((u) => {
        const x = sqrt(u)
        if (x === undefined || x === 0n) return []
        return [x, F.neg(x)].map((xx): Point => [xx, F.div(w, xx)]).filter((p) => babyDbl(p).every((v, i) => v === [x3, y3][i]))
      }),
    )

  it('has a witness for a signature under A′ with 8A′ = 2·Base8 by BabyDbl; verifyPoseidon refuses it', async () => {
    const offCurve = [timesBase8(2n)]
      .flatMap(halve)
      .flatMap(halve)
      .flatMap(halve)
      .filter((p) => !inCurve(p))
    expect(offCurve.length).toBeGreaterThan(0)
    const key = offCurve[0]!
    const msg = 4242n
    const r = 987654321n
    const R8 = timesBase8(r)
    const sig = { R8, S: (r + 2n * poseidon([R8[0], R8[1], key[0], key[1], msg])) % L }
    expect(await circuitAccepts(msg, sig, key)).toBe(true)
    expect(verifyPoseidon(msg, sig, key)).toEqual({ ok: false, reason: 'key-off-curve' })
  })
})
