// Differential test of the two verifier backends, mcl-wasm and the ffjavascript reference:
// the same verdicts (reasons equal), single and batched (bad lists and their reasons equal), on real test-profile
// proofs and on crafted bad ones; the same verdict on bad keys; any public-signal count.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { randomBytes } from 'node:crypto'
import { fieldToBytes } from '../../src/core/bytes.ts'
import type { Verdict } from '../../src/core/types.ts'
import { getMcl } from '../../src/zk/mcl.ts'
import { loadVerifier } from '../../src/zk/load-verifier.ts'
import { createNodeVerifierPool } from '../../src/zk/node-verifier.ts'
import { decodeProofPoints } from '../../src/zk/proof-codec.ts'
import type { ProofReason } from '../../src/zk/proof-input.ts'
import type { BatchItem } from '../../src/zk/proof-verifier.ts'
import { VERIFIER_BACKENDS, type Groth16Verifier, type VerifierBackend } from '../../src/zk/verifier-backend.ts'
import { createVerifyHandler } from '../../src/zk/verify-handler.ts'
import type { G2Affine } from '../../src/zk/verification-key.ts'
import { blockPublicInputs } from '../../src/core/block.ts'
import { buildTestChain } from '../client/helpers/test-chain.ts'
import { CHAIN_PLAN } from '../client/helpers/plan.ts'
import { Q, R, referenceCurve, twistPoints, TWIST_COFACTOR } from './helpers/curve-points.ts'
import { simulateSetup } from './helpers/simulated-groth16.ts'

const random = (n: number) => new Uint8Array(randomBytes(n))

interface Case {
  name: string
  proof: Uint8Array
  signals: bigint[]
  expected: Verdict<ProofReason>
}

/** The eight coordinates of the 256-byte form, in order. */
const SLOT = { ax: 0, ay: 1, bx0: 2, bx1: 3, by0: 4, by1: 5, cx: 6, cy: 7 } as const

function withCoords(proof: Uint8Array, patch: Partial<Record<keyof typeof SLOT, bigint>>): Uint8Array {
  const out = proof.slice()
  for (const [k, v] of Object.entries(patch)) out.set(fieldToBytes(v), SLOT[k as keyof typeof SLOT] * 32)
  return out
}

const withB = (proof: Uint8Array, b: G2Affine) => withCoords(proof, { bx0: b[0][0], bx1: b[0][1], by0: b[1][0], by1: b[1][1] })

function points(proof: Uint8Array) {
  const d = decodeProofPoints(proof)
  if (!d.ok) throw new Error('test proof does not decode')
  return d.value
}

let items: BatchItem[]
let vk: unknown
let cases: Case[]
const verifiers = {} as Record<VerifierBackend, Groth16Verifier>

beforeAll(async () => {
  const chain = await buildTestChain(CHAIN_PLAN) // real proofs, cached on disk after the first run
  vk = chain.vk
  items = chain.entries.flatMap((e, h) => (e.proof ? [{ proof: e.proof, signals: blockPublicInputs((chain.entries[h - 1] as typeof e).block.header, e.block.header, chain.chainTag) }] : []))
  for (const b of VERIFIER_BACKENDS) verifiers[b] = await loadVerifier(vk, b)

  const { mcl } = await getMcl()
  const ref = await referenceCurve()
  const [off, off2] = (await twistPoints(mcl, 2)) as [G2Affine, G2Affine]
  const smallOrder = ref.g2ToAffine(ref.mulG2(off2, R * (TWIST_COFACTOR / 10069n)))
  const [p0, p1] = items as [BatchItem, BatchItem]
  const pt0 = points(p0.proof)
  const pt1 = points(p1.proof)
  const memberPlusOutside = ref.g2ToAffine(ref.curve.G2.add(ref.g2FromAffine(pt0.b), ref.g2FromAffine(off)))
  const otherG1 = ref.randomG1()
  const invalid: ProofReason = 'proof-invalid'
  const bad = (reason: ProofReason): Verdict<ProofReason> => ({ ok: false, reason })
  // Signal edits that work for any count ≥ 2 (the circuit's public signals are not fixed at 3).
  const s0 = p0.signals
  const edit = (i: number, v: bigint) => s0.map((s, j) => (j === i ? v : s))
  const last = s0.length - 1
  cases = [
    ...items.map((it, i) => ({ name: `valid proof of block ${i}`, proof: it.proof, signals: it.signals, expected: { ok: true } as const })),
    { name: 'A replaced by a random point of G1', proof: withCoords(p0.proof, { ax: otherG1[0], ay: otherG1[1] }), signals: s0, expected: bad(invalid) },
    { name: 'A replaced by another proof’s A', proof: withCoords(p0.proof, { ax: pt1.a[0], ay: pt1.a[1] }), signals: s0, expected: bad(invalid) },
    { name: 'A negated (still on the curve)', proof: withCoords(p0.proof, { ay: Q - pt0.a[1] }), signals: s0, expected: bad(invalid) },
    { name: 'B replaced by another proof’s B', proof: withB(p0.proof, pt1.b), signals: s0, expected: bad(invalid) },
    { name: 'C replaced by another proof’s C', proof: withCoords(p0.proof, { cx: pt1.c[0], cy: pt1.c[1] }), signals: s0, expected: bad(invalid) },
    { name: 'valid proof of another block', proof: p1.proof, signals: s0, expected: bad(invalid) },
    { name: 'signals swapped', proof: p0.proof, signals: [s0[1] as bigint, s0[0] as bigint, ...s0.slice(2)], expected: bad(invalid) },
    { name: 'a signal altered', proof: p0.proof, signals: edit(last, (s0[last] as bigint) + 1n), expected: bad(invalid) },
    { name: 'a signal equal to r', proof: p0.proof, signals: edit(last, R), expected: bad('signal-range') },
    { name: 'a signal plus r (same residue)', proof: p0.proof, signals: edit(0, (s0[0] as bigint) + R), expected: bad('signal-range') },
    { name: 'a negative signal', proof: p0.proof, signals: edit(1, -1n), expected: bad('signal-range') },
    { name: 'a signal dropped', proof: p0.proof, signals: s0.slice(0, -1), expected: bad('signal-count') },
    { name: 'a signal added', proof: p0.proof, signals: [...s0, 0n], expected: bad('signal-count') },
    { name: 'no signals', proof: p0.proof, signals: [], expected: bad('signal-count') },
    { name: 'A off the curve', proof: withCoords(p0.proof, { ay: (pt0.a[1] + 1n) % Q }), signals: s0, expected: bad('not-on-curve') },
    { name: 'C off the curve', proof: withCoords(p0.proof, { cx: (pt0.c[0] + 1n) % Q }), signals: s0, expected: bad('not-on-curve') },
    { name: 'B off the twist', proof: withCoords(p0.proof, { by1: (pt0.b[1][1] + 1n) % Q }), signals: s0, expected: bad('not-on-curve') },
    { name: 'A = (0, 0), no point at infinity in this encoding', proof: withCoords(p0.proof, { ax: 0n, ay: 0n }), signals: s0, expected: bad('not-on-curve') },
    { name: 'C = (0, 0)', proof: withCoords(p0.proof, { cx: 0n, cy: 0n }), signals: s0, expected: bad('not-on-curve') },
    {
      name: 'B = (0, 0)',
      proof: withB(p0.proof, [
        [0n, 0n],
        [0n, 0n],
      ]),
      signals: s0,
      expected: bad('not-on-curve'),
    },
    { name: 'B on the twist, outside G2', proof: withB(p0.proof, off), signals: s0, expected: bad('not-in-subgroup') },
    { name: 'B of order 10069', proof: withB(p0.proof, smallOrder), signals: s0, expected: bad('not-in-subgroup') },
    { name: 'B = the valid B plus a point outside G2', proof: withB(p0.proof, memberPlusOutside), signals: s0, expected: bad('not-in-subgroup') },
    { name: 'A off the curve and B outside G2: the curve check comes first', proof: withB(withCoords(p0.proof, { ay: (pt0.a[1] + 1n) % Q }), off), signals: s0, expected: bad('not-on-curve') },
    { name: 'B outside G2 and a signal dropped: signals come first', proof: withB(p0.proof, off), signals: s0.slice(0, -1), expected: bad('signal-count') },
    { name: 'A.x = q', proof: withCoords(p0.proof, { ax: Q }), signals: s0, expected: bad('bad-encoding') },
    { name: 'B.y.c1 = 2^256 − 1', proof: withCoords(p0.proof, { by1: (1n << 256n) - 1n }), signals: s0, expected: bad('bad-encoding') },
    { name: '255 bytes', proof: p0.proof.slice(0, 255), signals: s0, expected: bad('bad-encoding') },
    { name: '257 bytes', proof: Uint8Array.of(...p0.proof, 0), signals: s0, expected: bad('bad-encoding') },
  ]
  // A point with x = 0 exists when 3 is a square mod q (q ≡ 3 mod 4: √3 = 3^((q+1)/4)).
  const root3 = modPow(3n, (Q + 1n) / 4n, Q)
  if ((root3 * root3) % Q === 3n) cases.push({ name: 'A = (0, √3), a valid point', proof: withCoords(p0.proof, { ax: 0n, ay: root3 }), signals: s0, expected: bad(invalid) })
}, 900_000)

afterAll(async () => {
  const { terminateCurve } = await import('../../src/zk/curve.ts')
  await terminateCurve()
})

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n
  for (let x = b % m, k = e; k > 0n; k >>= 1n, x = (x * x) % m) if (k & 1n) r = (r * x) % m
  return r
}

describe('mcl and reference backends on the same inputs', () => {
  it('give the expected verdict, the same on both, for every single proof', async () => {
    const got = []
    for (const c of cases) got.push({ name: c.name, mcl: await verifiers.mcl.verifyProof(c.proof, c.signals), reference: await verifiers.reference.verifyProof(c.proof, c.signals) })
    expect(got).toEqual(cases.map((c) => ({ name: c.name, mcl: c.expected, reference: c.expected })))
  })

  it('reject a B outside G2 with the subgroup reason, before any pairing', async () => {
    const outside = cases.filter((c) => !c.expected.ok && c.expected.reason === 'not-in-subgroup')
    expect(outside.map((c) => c.name)).toEqual(['B on the twist, outside G2', 'B of order 10069', 'B = the valid B plus a point outside G2'])
    for (const c of outside) for (const b of VERIFIER_BACKENDS) expect(await verifiers[b].verifyProof(c.proof, c.signals)).toEqual({ ok: false, reason: 'not-in-subgroup' })
  })

  it('name the same bad proofs in one batch of every case', async () => {
    const batch = cases.map((c) => ({ proof: c.proof, signals: c.signals }))
    const expected = cases.flatMap((c, i) => (c.expected.ok ? [] : [i]))
    const reasons = cases.flatMap((c) => (c.expected.ok ? [] : [c.expected.reason]))
    for (const b of VERIFIER_BACKENDS) expect({ backend: b, result: await verifiers[b].verifyBatch(batch, random) }).toEqual({ backend: b, result: { ok: false, bad: expected, reasons } })
  })

  it('accept a batch of valid proofs and find a lone bad one among 16', async () => {
    const batch = Array.from({ length: 16 }, (_, i) => items[i % items.length] as BatchItem)
    for (const b of VERIFIER_BACKENDS) expect(await verifiers[b].verifyBatch(batch, random)).toEqual({ ok: true })
    const one = batch.map((it, i) => (i === 11 ? { ...it, signals: [...it.signals].reverse() } : it))
    for (const b of VERIFIER_BACKENDS) expect(await verifiers[b].verifyBatch(one, random)).toEqual({ ok: false, bad: [11], reasons: ['proof-invalid'] })
  })

  it('draw the weights from the random source: errors that cancel under equal weights are caught', async () => {
    // (A + D, B) and (A − D, B) with the same B, C and signals: e(A+D, B)·e(A−D, B) = e(A, B)², so with
    // equal weights the combined check passes though both proofs are bad; fresh random weights catch it.
    const { curve, g1ToAffine } = await referenceCurve()
    const { G1 } = curve
    const p0 = items[0] as BatchItem
    const pt = points(p0.proof)
    const a = G1.fromObject([pt.a[0], pt.a[1], 1n])
    const d = G1.timesScalar(G1.g, 12345n)
    const [plus, minus] = [g1ToAffine(G1.add(a, d)), g1ToAffine(G1.add(a, G1.neg(d)))] // (ffjavascript’s G1.sub is wrong for a point made by fromObject)
    const pair = [
      { proof: withCoords(p0.proof, { ax: plus[0], ay: plus[1] }), signals: p0.signals },
      { proof: withCoords(p0.proof, { ax: minus[0], ay: minus[1] }), signals: p0.signals },
    ]
    const constant = (n: number) => new Uint8Array(n).fill(7)
    for (const b of VERIFIER_BACKENDS) {
      expect(await verifiers[b].verifyBatch(pair, random)).toEqual({ ok: false, bad: [0, 1], reasons: ['proof-invalid', 'proof-invalid'] })
      expect(await verifiers[b].verifyBatch(pair, constant)).toEqual({ ok: true }) // why the source must be a CSPRNG
    }
  })

  it('refuse the same bad verification keys', async () => {
    const base = vk as Record<string, any>
    const [off] = await twistPoints((await getMcl()).mcl, 1)
    const g2Json = (p: G2Affine) => [p[0].map(String), p[1].map(String), ['1', '0']]
    const keys: [string, unknown][] = [
      ['the real key', base],
      ['not groth16', { ...base, protocol: 'plonk' }],
      ['another curve', { ...base, curve: 'bls12381' }],
      ['nPublic one more than IC allows', { ...base, nPublic: base.nPublic + 1 }],
      ['IC one short', { ...base, IC: base.IC.slice(1) }],
      ['delta = gamma', { ...base, vk_delta_2: base.vk_gamma_2 }],
      ['alpha off the curve', { ...base, vk_alpha_1: [base.vk_alpha_1[0], String(BigInt(base.vk_alpha_1[1]) + 1n), '1'] }],
      ['an IC point off the curve', { ...base, IC: [base.IC[0], [base.IC[1][0], String(BigInt(base.IC[1][1]) + 1n), '1'], ...base.IC.slice(2)] }],
      ['beta outside G2', { ...base, vk_beta_2: g2Json(off as G2Affine) }],
      [
        'gamma = (0, 0)',
        {
          ...base,
          vk_gamma_2: [
            ['0', '0'],
            ['0', '0'],
            ['1', '0'],
          ],
        },
      ],
      ['a coordinate = q', { ...base, vk_alpha_1: [String(Q), base.vk_alpha_1[1], '1'] }],
      ['not affine', { ...base, vk_alpha_1: [base.vk_alpha_1[0], base.vk_alpha_1[1], '2'] }],
      ['a coordinate in hex', { ...base, vk_alpha_1: ['0x' + BigInt(base.vk_alpha_1[0]).toString(16), base.vk_alpha_1[1], '1'] }],
      ['not an object', 'vk'],
    ]
    const outcome = async (b: VerifierBackend, k: unknown) =>
      loadVerifier(k, b).then(
        () => 'loaded',
        (e: Error) => e.name,
      )
    const got = []
    for (const [name, k] of keys) got.push({ name, mcl: await outcome('mcl', k), reference: await outcome('reference', k) })
    expect(got).toEqual(keys.map(([name]) => ({ name, mcl: name === 'the real key' ? 'loaded' : 'BadVerificationKey', reference: name === 'the real key' ? 'loaded' : 'BadVerificationKey' })))
  })
})

describe('any number of public signals (a simulated setup with a known trapdoor)', () => {
  for (const n of [0, 1, 4]) {
    it(`nPublic = ${n}: valid proofs verify, bad ones fail the same way on both backends`, async () => {
      const setup = await simulateSetup(n)
      const signals = () => Array.from({ length: n }, () => BigInt(`0x${Buffer.from(randomBytes(31)).toString('hex')}`))
      const good = Array.from({ length: 3 }, () => {
        const s = signals()
        return { proof: setup.prove(s), signals: s }
      })
      const [g0, g1] = good as [BatchItem, BatchItem]
      const list: Case[] = [
        ...good.map((g, i) => ({ name: `valid ${i}`, ...g, expected: { ok: true } as const })),
        { name: 'one signal too many', proof: g0.proof, signals: [...g0.signals, 1n], expected: { ok: false, reason: 'signal-count' } },
        { name: 'C of another proof', proof: withCoords(g0.proof, { cx: points(g1.proof).c[0], cy: points(g1.proof).c[1] }), signals: g0.signals, expected: { ok: false, reason: 'proof-invalid' } },
      ]
      if (n > 0) list.push({ name: 'last signal altered', proof: g0.proof, signals: [...g0.signals.slice(0, -1), 7n], expected: { ok: false, reason: 'proof-invalid' } })
      const vs = { mcl: await loadVerifier(setup.vk, 'mcl'), reference: await loadVerifier(setup.vk, 'reference') }
      const got = []
      for (const c of list) got.push({ name: c.name, mcl: await vs.mcl.verifyProof(c.proof, c.signals), reference: await vs.reference.verifyProof(c.proof, c.signals) })
      expect(got).toEqual(list.map((c) => ({ name: c.name, mcl: c.expected, reference: c.expected })))
      const expected = list.flatMap((c, i) => (c.expected.ok ? [] : [i]))
      const reasons = list.flatMap((c) => (c.expected.ok ? [] : [c.expected.reason]))
      for (const b of VERIFIER_BACKENDS) expect(await vs[b].verifyBatch(list, random)).toEqual({ ok: false, bad: expected, reasons })
    })
  }
})

describe('backend selection in the workers', () => {
  it('both backends verify through a 2-worker Node pool and name the same bad proof', async () => {
    const batch = Array.from({ length: 6 }, (_, i) => items[i % items.length] as BatchItem)
    batch[4] = { ...(batch[4] as BatchItem), signals: [...(batch[4] as BatchItem).signals].reverse() }
    for (const b of VERIFIER_BACKENDS) {
      const pool = createNodeVerifierPool(vk, 2, b)
      try {
        expect(pool.backend).toBe(b)
        expect(await pool.verifyBatch(batch)).toEqual({ ok: false, bad: [4], reasons: ['proof-invalid'] })
      } finally {
        await pool.close()
      }
    }
  })
  it('a handler loads the backend an init names, else its own default, and says which', async () => {
    const init = (backend?: VerifierBackend) => ({ type: 'init' as const, id: 1, vk, ...(backend ? { backend } : {}) })
    expect(await createVerifyHandler(random)(init('reference'))).toEqual({ id: 1, ok: true, backend: 'reference' })
    expect(await createVerifyHandler(random)(init())).toEqual({ id: 1, ok: true, backend: 'mcl' })
    expect(await createVerifyHandler(random, 'reference')(init())).toEqual({ id: 1, ok: true, backend: 'reference' })
  })
  it('a handler warms the mcl verifier up at init; the warm-up decides nothing', async () => {
    const warmUp = vi.spyOn(Object.getPrototypeOf(verifiers.mcl) as Required<Groth16Verifier>, 'warmUp')
    try {
      expect(await createVerifyHandler(random)({ type: 'init', id: 1, vk, backend: 'mcl' })).toEqual({ id: 1, ok: true, backend: 'mcl' })
      expect(warmUp).toHaveBeenCalledTimes(1)
    } finally {
      warmUp.mockRestore()
    }
    const v = verifiers.mcl as Required<Groth16Verifier>
    v.warmUp()
    const batch = items.slice(0, 6)
    expect(await v.verifyBatch(batch, random)).toEqual({ ok: true })
    const swapped = batch.map((it, i) => (i === 2 ? { ...it, signals: [...it.signals].reverse() } : it))
    expect(await v.verifyBatch(swapped, random)).toEqual({ ok: false, bad: [2], reasons: ['proof-invalid'] })
  })
  it('a handler refuses an unknown backend at init, as a response rather than a crash', async () => {
    const handle = createVerifyHandler(random)
    const res = await handle({ type: 'init', id: 1, vk, backend: 'snarkjs' as VerifierBackend })
    expect(res).toMatchObject({ id: 1, ok: false })
    expect((res as { error: string }).error).toMatch(/^RangeError/)
  })
})
