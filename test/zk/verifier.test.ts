// Groth16 verification (single, batch, worker pool) and the worker-thread prover,
// on real proofs of the test-profile state-transition circuit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import * as snarkjs from 'snarkjs'
import { FIELD_MODULUS, PUBLIC_SIGNAL_COUNT } from '../../src/core/constants.ts'
import { ensureCircuitArtifacts, type CircuitArtifacts } from '../../src/zk/artifacts.ts'
import { PROFILES } from '../../src/zk/profiles.ts'
import { buildWitnessInput } from '../../src/zk/witness.ts'
import { Prover, type ProveResult } from '../../src/zk/prover.ts'
import { BadVerificationKey, loadVerificationKey, verifyProof, type PreparedKey } from '../../src/zk/verifier.ts'
import { verifyBatch } from '../../src/zk/batch-verify.ts'
import { proofFromBytes, proofToBytes } from '../../src/zk/proof-codec.ts'
import { createNodeVerifierPool } from '../../src/zk/node-verifier.ts'
import { applyAll, makeAccounts, makeLedger, transfer, type TestAccount } from '../helpers/fixture.ts'
import { offCurveA, shiftedA } from '../helpers/tamper.ts'

const P = PROFILES.test
const random = (n: number) => new Uint8Array(randomBytes(n))
let art: CircuitArtifacts
let key: PreparedKey
let prover: Prover
const proofs: ProveResult[] = []
/** Wall time of the two proofs, and the longest the main thread's event loop went without a turn meanwhile. */
let provingMs = 0
let longestGapMs = 0

/** The network tag the proofs are for (a public input). */
const TAG = 4242n

beforeAll(async () => {
  art = await ensureCircuitArtifacts(P)
  key = await loadVerificationKey(art.vk)
  const accounts = await makeAccounts(4)
  const a = accounts as [TestAccount, TestAccount, TestAccount, TestAccount]
  const state = makeLedger(TAG, P.depth, accounts, 2)
  prover = new Prover(art)
  const inputs = [[transfer(TAG, a[0], a[2], 10n, 0)], [transfer(TAG, a[1], a[3], 7n, 0), transfer(TAG, a[0], a[1], 3n, 1)]].map((ts) => {
    const { oldRoot, steps } = applyAll(state, ts)
    return buildWitnessInput(steps, P, oldRoot, TAG)
  })
  const started = performance.now()
  let last = started
  const timer = setInterval(() => {
    const now = performance.now()
    longestGapMs = Math.max(longestGapMs, now - last)
    last = now
  }, 5)
  try {
    for (const input of inputs) proofs.push(await prover.prove(input))
  } finally {
    clearInterval(timer)
    const end = performance.now()
    longestGapMs = Math.max(longestGapMs, end - last)
    provingMs = end - started
  }
}, 600_000)

afterAll(async () => {
  await prover?.close()
})

const first = () => proofs[0] as ProveResult
const tamper = (p: Uint8Array, at: number) => {
  const c = p.slice()
  c[at] = (c[at] as number) ^ 1
  return c
}

describe('prover', () => {
  it('proves in a worker while the event loop keeps running', () => {
    expect(proofs).toHaveLength(2)
    expect(first().proof).toHaveLength(256)
    expect(first().publicSignals).toEqual([...first().publicSignals.slice(0, 3), TAG])
    expect(first().publicSignals).toHaveLength(PUBLIC_SIGNAL_COUNT)
    // On the main thread, proving would hold the event loop for most of a proof (a witness
    // calculation and multi-exponentiations without a turn); in the worker the loop never
    // waits for more than a small part of it, however slow the machine (measured: ~45% of
    // the time of two proofs on the main thread, under 1% in the worker).
    console.log(`proving: ${provingMs.toFixed(0)} ms for 2 proofs, longest event-loop gap ${longestGapMs.toFixed(0)} ms`)
    expect(longestGapMs).toBeLessThan(provingMs / 5)
  })
})

describe('verifyProof', () => {
  it('accepts a valid proof, as snarkjs does', async () => {
    const { proof, publicSignals } = first()
    expect(await verifyProof(key, proof, publicSignals)).toEqual({ ok: true })
    const json = proofFromBytes(proof)
    expect(json.ok).toBe(true)
    if (json.ok) expect(await snarkjs.groth16.verify(art.vk, publicSignals.map(String), json.value)).toBe(true)
    if (json.ok) expect(proofToBytes(json.value)).toEqual(proof)
  })
  it('rejects a proof whose A is moved off the curve, before any pairing', async () => {
    expect(await verifyProof(key, offCurveA(first().proof), first().publicSignals)).toEqual({ ok: false, reason: 'not-on-curve' })
  })
  it('rejects a proof whose A is replaced by another point of G1: the pairing fails', async () => {
    expect(await verifyProof(key, shiftedA(first().proof), first().publicSignals)).toEqual({ ok: false, reason: 'proof-invalid' })
  })
  it('rejects a valid proof of another block', async () => {
    expect(await verifyProof(key, (proofs[1] as ProveResult).proof, first().publicSignals)).toEqual({ ok: false, reason: 'proof-invalid' })
  })
  it('rejects swapped public inputs', async () => {
    const [a, b, c, tag] = first().publicSignals as [bigint, bigint, bigint, bigint]
    expect(await verifyProof(key, first().proof, [b, a, c, tag])).toEqual({ ok: false, reason: 'proof-invalid' })
  })
  it('rejects another block’s signals', async () => {
    expect(await verifyProof(key, first().proof, (proofs[1] as ProveResult).publicSignals)).toEqual({ ok: false, reason: 'proof-invalid' })
  })
  it("rejects the same proof under another network's tag", async () => {
    const s = [...first().publicSignals]
    s[3] = TAG + 1n
    expect(await verifyProof(key, first().proof, s)).toEqual({ ok: false, reason: 'proof-invalid' })
  })
  it('rejects truncated signals', async () => {
    expect(await verifyProof(key, first().proof, first().publicSignals.slice(0, PUBLIC_SIGNAL_COUNT - 1))).toEqual({ ok: false, reason: 'signal-count' })
  })
  it('rejects a signal equal to the field modulus', async () => {
    const s = [...first().publicSignals]
    s[2] = FIELD_MODULUS
    expect(await verifyProof(key, first().proof, s)).toEqual({ ok: false, reason: 'signal-range' })
    // The same value reduced mod p would be a different statement; it must not verify either.
    s[2] = (first().publicSignals[2] as bigint) + FIELD_MODULUS
    expect((await verifyProof(key, first().proof, s)).ok).toBe(false)
  })
  it('rejects a point not on the curve', async () => {
    const p = first().proof.slice()
    p[63] = (p[63] as number) ^ 1 // A.y
    expect(await verifyProof(key, p, first().publicSignals)).toEqual({ ok: false, reason: 'not-on-curve' })
  })
  it('rejects a wrong-length proof', async () => {
    expect(await verifyProof(key, first().proof.slice(0, 255), first().publicSignals)).toEqual({ ok: false, reason: 'bad-encoding' })
  })
  it('refuses a key without a phase-2 contribution', async () => {
    const vk = { ...art.vk, vk_delta_2: (art.vk as any).vk_gamma_2 }
    await expect(loadVerificationKey(vk)).rejects.toBeInstanceOf(BadVerificationKey)
  })
})

describe('verifyBatch', () => {
  const items = (n: number) => Array.from({ length: n }, (_, i) => ({ ...(proofs[i % 2] as ProveResult), signals: (proofs[i % 2] as ProveResult).publicSignals }))
  it('accepts 8 valid proofs', async () => {
    expect(await verifyBatch(key, items(8), random)).toEqual({ ok: true })
  })
  it('names the one bad proof and why', async () => {
    const batch = items(8)
    batch[5] = { ...(batch[5] as any), proof: tamper((batch[5] as any).proof, 100) } // B.x.c1: off the twist
    expect(await verifyBatch(key, batch, random)).toEqual({ ok: false, bad: [5], reasons: ['not-on-curve'] })
    batch[5] = { ...(batch[5] as any), proof: shiftedA((items(8)[5] as any).proof) }
    expect(await verifyBatch(key, batch, random)).toEqual({ ok: false, bad: [5], reasons: ['proof-invalid'] })
  })
  it('names two bad proofs, one caught before pairing', async () => {
    const batch = items(8)
    batch[1] = { ...(batch[1] as any), signals: [...(batch[1] as any).signals].reverse() }
    batch[6] = { ...(batch[6] as any), signals: (batch[6] as any).signals.slice(0, 2) }
    expect(await verifyBatch(key, batch, random)).toEqual({ ok: false, bad: [1, 6], reasons: ['proof-invalid', 'signal-count'] })
  })
  it('verifies through the worker pool and shuts down', async () => {
    const pool = createNodeVerifierPool(art.vk, 2)
    try {
      expect(await pool.verifyBatch(items(6))).toEqual({ ok: true })
      const batch = items(6)
      batch[1] = { ...(batch[1] as any), proof: shiftedA((batch[1] as any).proof) }
      batch[4] = { ...(batch[4] as any), proof: tamper((batch[4] as any).proof, 200) } // C.x: off the curve
      // Each worker checks half the batch; the verdicts come back merged, reasons with them.
      expect(await pool.verifyBatch(batch)).toEqual({ ok: false, bad: [1, 4], reasons: ['proof-invalid', 'not-on-curve'] })
    } finally {
      await pool.close()
    }
  })
})
