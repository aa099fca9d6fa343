// EdDSA-Poseidon in plain BigInt against circomlibjs: the same keys and signatures byte for
// byte, and the same verdict on valid and hostile signatures except where the ledger is
// deliberately stricter (the circuit's rules), each such case named with its reason.
import { beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { BABYJUB_SUBORDER as L, FIELD_MODULUS as P } from '../../src/core/constants.ts'
import { derivePublicKey, isProvableS, signPoseidon, verifyPoseidon } from '../../src/core/eddsa.ts'
import { hashTransfer, signTransfer, verifyTransferSignature } from '../../src/core/transfer.ts'
import type { Point, Signature, Transfer } from '../../src/core/types.ts'
import { SMALL_ORDER, UNPROVABLE_S, secretScalar, timesBase8, verifyCases } from '../fixtures/eddsa-samples.ts'
import { seedBytes } from '../fixtures/core-samples.ts'
import { loadCircomlibjsEddsa, type ReferenceEddsa } from '../fixtures/circomlibjs-eddsa.ts'

let ref: ReferenceEddsa
beforeAll(async () => {
  ref = await loadCircomlibjsEddsa()
})
const circomlibjsVerify = (msg: bigint, sig: Signature, pubKey: Point): boolean => ref.verifyPoseidon(msg, sig, pubKey)

/** The verdict as the ledger reads it. */
const accepts = (msg: bigint, sig: Signature, pubKey: Point): boolean => verifyPoseidon(msg, sig, pubKey).ok

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 })
const message = fc.oneof(fc.constantFrom(0n, 1n, P - 1n), fc.bigInt({ min: 0n, max: P - 1n }))

describe('keys and signatures match circomlibjs', () => {
  it('derivePublicKey equals prv2pub', () => {
    fc.assert(
      fc.property(key32, (k) => {
        expect(derivePublicKey(k)).toEqual(ref.prv2pub(k))
      }),
      { numRuns: 40 },
    )
  })

  it('signPoseidon equals signPoseidon, and each side accepts the other', () => {
    fc.assert(
      fc.property(key32, message, (k, msg) => {
        const ours = signPoseidon(k, msg)
        expect(ours).toEqual(ref.signPoseidon(k, msg))
        const A = derivePublicKey(k)
        expect(verifyPoseidon(msg, ours, A)).toEqual({ ok: true })
        expect(circomlibjsVerify(msg, ours, A)).toBe(true)
        const other = (msg + 1n) % P
        expect(verifyPoseidon(other, ours, A)).toEqual({ ok: false, reason: 'equation-fails' })
        expect(circomlibjsVerify(other, ours, A)).toBe(false)
      }),
      { numRuns: 40 },
    )
  })

  it('refuses a private key that is not 32 bytes and a message that is not a field element', () => {
    expect(() => derivePublicKey(new Uint8Array(31))).toThrow(RangeError)
    expect(() => signPoseidon(new Uint8Array(33), 1n)).toThrow(RangeError)
    expect(() => signPoseidon(new Uint8Array(32), P)).toThrow(RangeError)
    expect(() => signPoseidon(new Uint8Array(32), -1n)).toThrow(RangeError)
  })

  it('derives s exactly as the fixture re-derives it: A = (s >> 3)·Base8', () => {
    const k = seedBytes('eddsa-key-0')
    expect(derivePublicKey(k)).toEqual(timesBase8(secretScalar(k) >> 3n))
  })
})

describe('verdicts on valid and hostile signatures', () => {
  const cases = verifyCases()
  for (const c of cases) {
    it(`${c.name} → ${c.expect}${c.why ? ' (circomlibjs accepts)' : ''}`, () => {
      expect(verifyPoseidon(c.msg, c.sig, c.pubKey)).toEqual(c.expect === 'ok' ? { ok: true } : { ok: false, reason: c.expect })
      // Where the ledger is stricter than circomlibjs, circomlibjs must really accept; elsewhere it must agree.
      expect(circomlibjsVerify(c.msg, c.sig, c.pubKey)).toBe(c.why !== undefined || c.expect === 'ok')
    })
  }

  it('covers accepted and rejected cases, and every small-order key', () => {
    expect(cases.filter((c) => c.expect === 'ok').length).toBeGreaterThanOrEqual(5)
    const reasons = new Set(cases.map((c) => c.expect))
    for (const r of ['not-field-element', 's-out-of-range', 's-unprovable', 'r8-off-curve', 'key-off-curve', 'key-small-order', 'equation-fails'] as const) expect(reasons).toContain(r)
    for (const T of SMALL_ORDER) expect(cases.some((c) => c.pubKey[0] === T[0] && c.pubKey[1] === T[1] && c.expect === 'key-small-order')).toBe(true)
  })

  it('random tampering of a valid signature agrees with circomlibjs', () => {
    const k = seedBytes('eddsa-key-0')
    const A = derivePublicKey(k)
    fc.assert(
      fc.property(message, fc.integer({ min: 0, max: 4 }), fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }), (msg, field, delta) => {
        const sig = signPoseidon(k, msg)
        const R8: [bigint, bigint] = [sig.R8[0], sig.R8[1]]
        const pub: [bigint, bigint] = [A[0], A[1]]
        let S = sig.S
        if (field === 0) S = (S + delta) % L
        else if (field === 1) R8[0] = (R8[0] + delta) % P
        else if (field === 2) R8[1] = (R8[1] + delta) % P
        else if (field === 3) pub[0] = (pub[0] + delta) % P
        else pub[1] = (pub[1] + delta) % P
        const tampered = { R8, S }
        expect(accepts(msg, tampered, pub)).toBe(circomlibjsVerify(msg, tampered, pub))
        expect(accepts(msg, tampered, pub)).toBe(false)
      }),
      { numRuns: 30 },
    )
  })

  it('returns false, without throwing, for values of the wrong type or shape', () => {
    const k = seedBytes('eddsa-key-0')
    const A = derivePublicKey(k)
    const sig = signPoseidon(k, 5n)
    const hostile: [unknown, unknown, unknown][] = [
      [5, sig, A],
      [5n, null, A],
      [5n, undefined, A],
      [5n, {}, A],
      [5n, { R8: sig.R8, S: Number(1) }, A],
      [5n, { R8: [sig.R8[0]], S: sig.S }, A],
      [5n, { R8: [...sig.R8, 0n], S: sig.S }, A],
      [5n, { R8: [String(sig.R8[0]), sig.R8[1]], S: sig.S }, A],
      [5n, { R8: 'R8', S: sig.S }, A],
      [5n, sig, undefined],
      [5n, sig, [A[0]]],
      [5n, sig, [Number(A[0]), A[1]]],
    ]
    for (const [msg, s, pub] of hostile) expect(verifyPoseidon(msg as bigint, s as Signature, pub as Point)).toEqual({ ok: false, reason: 'malformed' })
    expect(accepts(5n, sig, A)).toBe(true)
  })
})

describe('S values the circuit cannot prove', () => {
  // test/circuits/eddsa-verifier.test.ts shows the circuit has no witness for them.
  const [low] = UNPROVABLE_S as [bigint]

  it('are exactly three below l', () => {
    expect(UNPROVABLE_S.every((S) => S >= 0n && S < L)).toBe(true)
    expect(low + 3n * (1n << 249n)).toBeGreaterThan(L)
    for (const S of UNPROVABLE_S) expect(isProvableS(S)).toBe(false)
    for (const S of [0n, 1n, L - 1n, low - 1n, low + 1n, low + (1n << 248n), (1n << 249n) - 1n]) expect(isProvableS(S)).toBe(true)
  })

  it('are refused even where circomlibjs accepts (under the identity key)', () => {
    for (const S of UNPROVABLE_S) {
      const sig = { R8: timesBase8(S), S }
      expect(circomlibjsVerify(7n, sig, SMALL_ORDER[0]!)).toBe(true)
      expect(verifyPoseidon(7n, sig, SMALL_ORDER[0]!)).toEqual({ ok: false, reason: 's-unprovable' })
    }
  })
})

describe('transfer signatures', () => {
  const k = seedBytes('eddsa-key-0')
  const A = derivePublicKey(k)
  const t = signTransfer(k, 31337n, { from: 1, to: 2, toPubKey: A, amount: 10n, nonce: 0 })

  it('sign the transfer hash with circomlibjs signPoseidon', () => {
    expect(t.sig).toEqual(ref.signPoseidon(k, hashTransfer(31337n, t)))
    expect(verifyTransferSignature(31337n, t, A)).toBe(true)
    expect(verifyTransferSignature(31338n, t, A)).toBe(false)
  })

  it('returns false, without throwing, for a transfer outside the hash domain', () => {
    const bad: Transfer[] = [
      { ...t, amount: -1n },
      { ...t, amount: P },
      { ...t, from: 1.5 },
      { ...t, toPubKey: [P, 0n] },
      { ...t, sig: undefined as unknown as Signature },
      null as unknown as Transfer,
    ]
    for (const b of bad) expect(verifyTransferSignature(31337n, b, A)).toBe(false)
  })
})
