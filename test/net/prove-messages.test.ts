// Proving-protocol messages: round trips (a real witness input of each profile among
// them), one rejection per rule, and the lease cap against the largest profile's input.
import { describe, expect, it } from 'vitest'
import { FIELD_MODULUS } from '../../src/core/constants.ts'
import { ByteReader, ByteWriter } from '../../src/core/bytes.ts'
import * as C from '../../src/net/constants.ts'
import * as P from '../../src/net/prove-messages.ts'
import { PROVE_LEASE, PROVE_SUBMIT } from '../../src/net/prove-protocols.ts'
import { PROFILES } from '../../src/zk/profiles.ts'
import { buildWitnessInput } from '../../src/zk/witness.ts'
import { applyAll, makeAccounts, makeLedger, transfer } from '../helpers/fixture.ts'
import { proof } from './fixtures.ts'

const hash = (b: number) => new Uint8Array(32).fill(b)

/** A full block's witness input for a profile (every slot used). */
async function fullInput(name: 'test' | 'devnet') {
  const profile = PROFILES[name]
  const accounts = await makeAccounts(profile.batch + 1)
  const state = makeLedger(7n, profile.depth, accounts, accounts.length)
  const transfers = Array.from({ length: profile.batch }, (_, i) => transfer(7n, accounts[i]!, accounts[i + 1]!, 1n, 0))
  const { oldRoot, steps } = applyAll(state, transfers)
  return buildWitnessInput(steps, profile, oldRoot, 7n)
}

/** Decodes a witness input alone (the reader must consume every byte). */
function roundTripInput(input: P.WitnessInput): P.WitnessInput {
  const w = new ByteWriter()
  P.writeWitnessInput(w, input)
  const r = new ByteReader(w.finish())
  const out = P.readWitnessInput(r)
  r.end()
  return out
}

describe('round trips', () => {
  it('info, lease and submit', () => {
    const info = { chainId: 9, genesisHash: hash(1), profile: 'devnet', batch: 4, depth: 16, vkHash: hash(2), leaseMs: 64_000 }
    expect(P.decodeProveInfoResponse(P.encodeProveInfoResponse(info))).toEqual({ ok: true, value: { kind: 'prove-info', ...info } })
    expect(P.decodeProveInfoRequest(P.encodeProveInfoRequest())).toEqual({ ok: true, value: {} })

    const q = { workers: 2, vkHash: hash(3) }
    expect(P.decodeLeaseRequest(P.encodeLeaseRequest(q))).toEqual({ ok: true, value: q })
    const answers: P.LeaseResponse[] = [
      { kind: 'no-job', retryAfterMs: 1000 },
      { kind: 'lease-refused', reason: 'wrong-circuit' },
      { kind: 'job', height: 2 ** 40, leaseMs: 32_000, input: { a: '1', b: ['2', '3'], c: [['4'], ['5']], z: (FIELD_MODULUS - 1n).toString() } },
    ]
    for (const a of answers) expect(P.decodeLeaseResponse(P.encodeLeaseResponse(a))).toEqual({ ok: true, value: a })

    const s = { height: 12, proof: proof(), publicSignals: [1n, FIELD_MODULUS - 1n, 0n, 5n] }
    expect(P.decodeProofSubmitRequest(P.encodeProofSubmitRequest(s))).toEqual({ ok: true, value: s })
    for (const r of [{ accepted: true as const }, ...P.PROOF_REFUSALS.map((reason) => ({ accepted: false as const, reason }))]) {
      expect(P.decodeProofSubmitResponse(P.encodeProofSubmitResponse({ kind: 'proof-result', ...r }))).toEqual({ ok: true, value: { kind: 'proof-result', ...r } })
    }
  })

  it("a real block's witness input, within the lease cap at every profile", async () => {
    for (const name of ['test', 'devnet'] as const) {
      const input = await fullInput(name)
      expect(roundTripInput(input)).toEqual(input)
      const bytes = P.encodeLeaseResponse({ kind: 'job', height: 1, leaseMs: 1, input })
      const { batch: B, depth: D } = PROFILES[name]
      // 4 roots/tags, 16 values per slot, two sibling paths per slot: 32 bytes each, plus names.
      expect(bytes.length).toBeGreaterThan((4 + 16 * B + 2 * B * D) * 32)
      expect(bytes.length).toBeLessThan((4 + 16 * B + 2 * B * D) * 32 + 1024)
      if (name === 'devnet') console.log(`devnet-profile job: ${bytes.length} bytes (cap ${C.MAX_PROVE_LEASE_RESPONSE_BYTES})`)
    }
    // The largest profile the notes measured (B=8, D=20) fits with room.
    const big = (4 + 16 * 8 + 2 * 8 * 20) * 33 + 22 * 16
    expect(big).toBeLessThan(C.MAX_PROVE_LEASE_RESPONSE_BYTES / 2)
  })
})

describe('rejections', () => {
  const job = (input: P.WitnessInput) => P.encodeLeaseResponse({ kind: 'job', height: 1, leaseMs: 1, input })

  it('witness inputs that are not canonical', () => {
    const good = job({ a: '1', b: '2' })
    // Swap the two names: not ascending.
    const swapped = good.slice()
    const at = swapped.indexOf(0x61) // 'a'
    const bt = swapped.indexOf(0x62) // 'b'
    swapped[at] = 0x62
    swapped[bt] = 0x61
    expect(P.decodeLeaseResponse(swapped)).toEqual({ ok: false, reason: 'not-canonical' })
    // A value at the field modulus.
    const big = good.slice()
    big.set(new Uint8Array(32).fill(0xff), big.length - 32)
    expect(P.decodeLeaseResponse(big)).toEqual({ ok: false, reason: 'out-of-range' })
    // Rank 3, and an empty dimension.
    const rank = job({ a: ['1'] })
    rank[rank.indexOf(0x61) + 1] = 3
    expect(P.decodeLeaseResponse(rank)).toEqual({ ok: false, reason: 'out-of-range' })
    const empty = new ByteWriter().u8(C.PROVE_MSG.leaseResponse).u8(1).u8(1).safeU64(1).u32(1).u8(1).u8(1).u8(0x61).u8(1).u16(0).finish()
    expect(P.decodeLeaseResponse(empty)).toEqual({ ok: false, reason: 'not-canonical' })
    const tooLong = new ByteWriter()
      .u8(C.PROVE_MSG.leaseResponse)
      .u8(1)
      .u8(1)
      .safeU64(1)
      .u32(1)
      .u8(1)
      .u8(1)
      .u8(0x61)
      .u8(1)
      .u16(C.MAX_INPUT_DIMENSION + 1)
      .finish()
    expect(P.decodeLeaseResponse(tooLong)).toEqual({ ok: false, reason: 'too-long' })
    // Trailing bytes, and a truncated value.
    expect(P.decodeLeaseResponse(Uint8Array.of(...good, 0))).toEqual({ ok: false, reason: 'trailing-bytes' })
    expect(P.decodeLeaseResponse(good.subarray(0, good.length - 1))).toEqual({ ok: false, reason: 'truncated' })
    // A name that would reach the prototype is just a key.
    expect(Object.getPrototypeOf(roundTripInput(JSON.parse('{"__proto__":"5"}') as P.WitnessInput))).toBe(Object.prototype)
  })

  it('inputs the writer refuses to encode', () => {
    expect(() => job({ 'a-b': '1' })).toThrow(RangeError)
    expect(() => job({ a: [] })).toThrow(RangeError)
    expect(() => job({ a: [['1'], ['2', '3']] })).toThrow(RangeError)
    expect(() => job({ a: '-1' })).toThrow(RangeError)
    expect(() => job({ a: FIELD_MODULUS.toString() })).toThrow(RangeError)
  })

  it('unknown kinds and reasons, too many signals, the wrong message type', () => {
    expect(P.decodeLeaseResponse(Uint8Array.of(C.PROVE_MSG.leaseResponse, 1, 7))).toEqual({ ok: false, reason: 'out-of-range' })
    const refused = new ByteWriter().u8(C.PROVE_MSG.leaseResponse).u8(1).u8(2).u8(3).raw(new TextEncoder().encode('bad')).finish()
    expect(P.decodeLeaseResponse(refused)).toEqual({ ok: false, reason: 'out-of-range' })
    const result = new ByteWriter().u8(C.PROVE_MSG.submitResponse).u8(1).u8(0).u8(3).raw(new TextEncoder().encode('meh')).finish()
    expect(P.decodeProofSubmitResponse(result)).toEqual({ ok: false, reason: 'out-of-range' })
    const submit = P.encodeProofSubmitRequest({ height: 1, proof: proof(), publicSignals: [1n] })
    const many = submit.slice()
    many[many.length - 33] = C.MAX_PROVE_SIGNALS + 1
    expect(P.decodeProofSubmitRequest(many)).toEqual({ ok: false, reason: 'too-long' })
    expect(() => P.encodeProofSubmitRequest({ height: 1, proof: proof(), publicSignals: Array.from({ length: C.MAX_PROVE_SIGNALS + 1 }, () => 1n) })).toThrow(RangeError)
    expect(P.decodeLeaseRequest(P.encodeProveInfoRequest())).toEqual({ ok: false, reason: 'bad-tag' })
  })

  it('requests within their caps', () => {
    expect(P.encodeLeaseRequest({ workers: 255, vkHash: hash(1) }).length).toBeLessThanOrEqual(PROVE_LEASE.maxRequestBytes)
    const submit = P.encodeProofSubmitRequest({ height: 2 ** 53 - 1, proof: proof(), publicSignals: Array.from({ length: C.MAX_PROVE_SIGNALS }, () => FIELD_MODULUS - 1n) })
    expect(submit.length).toBeLessThanOrEqual(PROVE_SUBMIT.maxRequestBytes)
    expect(PROVE_LEASE.check({ workers: 0, vkHash: hash(1) })).toMatchObject({ kind: 'error', code: 'bad-request' })
  })
})
