// Header-proofs messages (the bodies-free range protocol): round trips, sizes against a
// proofs answer for the same blocks, the cap that holds the largest legal answer, the
// range precedence shared with headers and proofs, and malformed input refused with a
// typed reason, never a throw.
import { describe, expect, it } from 'vitest'
import { MAX_VALIDATORS } from '../../src/core/constants.ts'
import * as C from '../../src/net/constants.ts'
import * as H from '../../src/net/header-proofs-messages.ts'
import * as M from '../../src/net/messages.ts'
import { decodeAnswer, PROOFS, toBytesHandler } from '../../src/net/protocols.ts'
import { block, header, proof, qc } from './fixtures.ts'
import { rangeCases } from './range-cases.ts'

const answer = (n: number, signers = 3) => ({
  entries: Array.from({ length: n }, (_, i) => ({ header: header(10 + i), proof: i % 3 === 1 ? null : proof() })),
  qc: qc(signers),
})

describe('round trips', () => {
  it('request, answer and error', () => {
    for (const q of [
      { from: 1, count: 64 },
      { from: C.LATEST_HEIGHT, count: 1 },
    ]) {
      expect(H.decodeHeaderProofsRequest(H.encodeHeaderProofsRequest(q))).toEqual({ ok: true, value: q })
    }
    for (const a of [answer(1), answer(5), answer(64)]) {
      expect(H.decodeHeaderProofsResponse(H.encodeHeaderProofsResponse(a))).toEqual({ ok: true, value: { kind: 'header-proofs', ...a } })
    }
    const err = { kind: 'error' as const, code: 'not-found' as const, message: 'no proven block at 9' }
    expect(H.HEADER_PROOFS.decodeResponse(H.HEADER_PROOFS.encodeResponse(err))).toEqual({ ok: true, value: err })
  })

  it('type ids in 0x50..0x5f, and not interchangeable with a proofs request', () => {
    expect([C.MSG.headerProofsRequest, C.MSG.headerProofsResponse]).toEqual([0x50, 0x51])
    expect(new Set(Object.values(C.MSG)).size).toBe(Object.values(C.MSG).length)
    const q = { from: 7, count: 3 }
    expect(H.decodeHeaderProofsRequest(M.encodeProofsRequest(q))).toEqual({ ok: false, reason: 'bad-tag' })
    expect(M.decodeProofsRequest(H.encodeHeaderProofsRequest(q))).toEqual({ ok: false, reason: 'bad-tag' })
    expect(H.HEADER_PROOFS.id).toBe('/zklight/header-proofs/1.0.0')
  })

  it('sizes: 152 + 1 + 258 a proven block, 153 an empty one, one certificate per answer; a proofs answer of the same blocks is larger', () => {
    const q = qc(3)
    const certificate = 36 + 66 * 3
    expect(H.encodeHeaderProofsRequest({ from: 1, count: 1 }).length).toBe(12)
    expect(H.encodeHeaderProofsResponse({ entries: [{ header: header(1), proof: proof() }], qc: q }).length).toBe(4 + 152 + 1 + 258 + certificate)
    expect(H.encodeHeaderProofsResponse({ entries: [{ header: header(1), proof: null }], qc: q }).length).toBe(4 + 153 + certificate)
    // 64 blocks of 2 transfers, each with its certificate in a proofs answer.
    const entries = Array.from({ length: 64 }, (_, i) => ({ block: block(i + 1, 2), proof: proof(), qc: q }))
    const full = M.encodeProofsResponse({ entries }, C.MAX_PROOFS_RESPONSE_BYTES).length
    const lean = H.encodeHeaderProofsResponse({ entries: entries.map((e) => ({ header: e.block.header, proof: e.proof })), qc: q }).length
    expect(full).toBe(4 + 64 * (156 + 2 * 182 + 1 + 258 + 1 + certificate))
    expect(lean).toBe(4 + 64 * (152 + 1 + 258) + certificate)
    expect(lean / full).toBeLessThan(0.45)
  })
})

describe('caps', () => {
  it('fit the largest legal answer: 64 proven headers and a certificate of every validator', () => {
    const largest = H.encodeHeaderProofsResponse({ entries: answer(64).entries.map((e) => ({ ...e, proof: proof() })), qc: qc(MAX_VALIDATORS) })
    expect(largest.length).toBe(4 + 64 * 411 + 36 + 66 * MAX_VALIDATORS)
    expect(largest.length).toBeLessThanOrEqual(H.HEADER_PROOFS.maxResponseBytes)
    expect(H.encodeHeaderProofsRequest({ from: C.LATEST_HEIGHT, count: 0xffff }).length).toBeLessThanOrEqual(H.HEADER_PROOFS.maxRequestBytes)
  })

  it('refuses to encode what the decoder would refuse', () => {
    expect(() => H.encodeHeaderProofsResponse(answer(0))).toThrow(RangeError)
    expect(() => H.encodeHeaderProofsResponse(answer(65))).toThrow(RangeError)
    expect(() => H.encodeHeaderProofsRequest({ from: 2 ** 53, count: 1 })).toThrow(RangeError)
  })

  it('the range precedence of headers and proofs: bad-request > range-too-long > not-found', async () => {
    const ctx = { peer: 'asker', signal: new AbortController().signal }
    const handler = toBytesHandler(H.HEADER_PROOFS, () => ({ kind: 'error', code: 'not-found', message: 'above the head' }))
    expect(H.HEADER_PROOFS.check).not.toBe(PROOFS.check) // its own instance...
    for (const c of rangeCases(C.MAX_PROOFS_PER_REQUEST)) {
      // ...with the same verdicts as the proofs protocol's.
      expect(H.HEADER_PROOFS.check(c)?.code).toBe(PROOFS.check(c)?.code)
      const got = decodeAnswer(H.HEADER_PROOFS, await handler(H.HEADER_PROOFS.encodeRequest(c), ctx))
      expect({ what: c.what, got }).toMatchObject({ what: c.what, got: { kind: 'error', code: c.code } })
    }
  })
})

describe('rejections', () => {
  const good = H.encodeHeaderProofsResponse(answer(2))
  const req = H.encodeHeaderProofsRequest({ from: 7, count: 3 })

  it('a wrong type, version, length', () => {
    expect(H.decodeHeaderProofsRequest(Uint8Array.from([req[0]!, 2, ...req.subarray(2)]))).toEqual({ ok: false, reason: 'bad-version' })
    expect(H.decodeHeaderProofsRequest(req.subarray(0, req.length - 1))).toEqual({ ok: false, reason: 'truncated' })
    expect(H.decodeHeaderProofsRequest(Uint8Array.from([...req, 0]))).toEqual({ ok: false, reason: 'trailing-bytes' })
    expect(H.decodeHeaderProofsResponse(Uint8Array.from([C.MSG.headerProofsRequest, ...good.subarray(1)]))).toEqual({ ok: false, reason: 'bad-tag' })
    expect(H.decodeHeaderProofsResponse(Uint8Array.from([C.MSG.proofsResponse, ...good.subarray(1)]))).toEqual({ ok: false, reason: 'bad-tag' })
    expect(H.decodeHeaderProofsResponse(good.subarray(0, good.length - 1))).toEqual({ ok: false, reason: 'truncated' })
    expect(H.decodeHeaderProofsResponse(Uint8Array.from([...good, 1]))).toEqual({ ok: false, reason: 'trailing-bytes' })
  })

  it('no entry (no last header for the certificate), more than 64, a bad presence flag', () => {
    const none = Uint8Array.from([C.MSG.headerProofsResponse, 1, 0, 0, ...good.subarray(4 + 2 * (152 + 1) + 258)])
    expect(H.decodeHeaderProofsResponse(none)).toEqual({ ok: false, reason: 'out-of-range' })
    const many = good.slice()
    many.set([0, 65], 2)
    expect(H.decodeHeaderProofsResponse(many)).toEqual({ ok: false, reason: 'too-long' })
    const flag = good.slice()
    flag[4 + 152] = 2 // the first proof's presence byte
    expect(H.decodeHeaderProofsResponse(flag)).toEqual({ ok: false, reason: 'not-canonical' })
  })

  it('a missing certificate', () => {
    const entriesOnly = good.subarray(0, 4 + (152 + 1 + 258) + (152 + 1))
    expect(H.decodeHeaderProofsResponse(entriesOnly)).toEqual({ ok: false, reason: 'truncated' })
  })
})
