// Wire messages: round trips, one rejection per rule, caps that hold for the
// largest legal messages, list answers trimmed to the byte cap, and the object
// encodings a peer needs (list maximums, account proofs, the transfer layout).
import { describe, expect, it } from 'vitest'
import { bytesToBigInt, fieldToBytes } from '../../src/core/bytes.ts'
import { decodeAccountProof, decodeBlock, decodeQuorumCertificate, decodeValidatorSet, encodeAccountProof, encodeHeader, encodeTransfer } from '../../src/core/codec.ts'
import { BABYJUB_SUBORDER, MAX_BLOCK_TRANSFERS, MAX_TREE_DEPTH, MAX_VALIDATORS, TAG } from '../../src/core/constants.ts'
import { verifyAccountProof } from '../../src/core/smt.ts'
import * as C from '../../src/net/constants.ts'
import * as M from '../../src/net/messages.ts'
import { ACCOUNT, HEADERS, PROOFS, STATUS, SUBMIT, toBytesHandler } from '../../src/net/protocols.ts'
import { accountProof, block, header, proof, qc, transfer } from './fixtures.ts'

describe('round trips', () => {
  it('status', () => {
    const s = { chainId: 7, genesisHash: new Uint8Array(32).fill(1), headHeight: 9, headHeader: header(9), headQc: qc(4) }
    expect(M.decodeStatusResponse(M.encodeStatusResponse(s))).toEqual({ ok: true, value: { kind: 'status', ...s } })
    const genesis = { ...s, headHeight: 0, headHeader: header(0), headQc: null }
    expect(M.decodeStatusResponse(M.encodeStatusResponse(genesis))).toEqual({ ok: true, value: { kind: 'status', ...genesis } })
    expect(M.decodeStatusRequest(M.encodeStatusRequest())).toEqual({ ok: true, value: {} })
    expect(() => M.encodeStatusResponse({ ...s, headHeight: 8 })).toThrow(RangeError)
  })

  it('headers and proofs', () => {
    const q = { from: 2 ** 40, count: 512 }
    expect(M.decodeHeadersRequest(M.encodeHeadersRequest(q))).toEqual({ ok: true, value: q })
    expect(M.decodeProofsRequest(M.encodeProofsRequest(q))).toEqual({ ok: true, value: q })
    // The two request types are not interchangeable.
    expect(M.decodeProofsRequest(M.encodeHeadersRequest(q))).toEqual({ ok: false, reason: 'bad-tag' })

    const headers = [
      { header: header(1), qc: null },
      { header: header(2), qc: qc(3) },
    ]
    expect(M.decodeHeadersResponse(M.encodeHeadersResponse({ headers }, 1 << 20))).toEqual({ ok: true, value: { kind: 'headers', headers } })

    const entries = [
      { block: block(1, 0), proof: null, qc: null },
      { block: block(2, 3), proof: proof(), qc: qc(2) },
    ]
    expect(M.decodeProofsResponse(M.encodeProofsResponse({ entries }, 1 << 20))).toEqual({ ok: true, value: { kind: 'proofs', entries } })
  })

  it('account, submit, error and gossip', () => {
    const q = { index: 3, height: C.LATEST_HEIGHT }
    expect(M.decodeAccountRequest(M.encodeAccountRequest(q))).toEqual({ ok: true, value: q })
    const a = { height: 5, header: header(5), qc: qc(3), accountProof: accountProof() }
    expect(M.decodeAccountResponse(M.encodeAccountResponse(a))).toEqual({ ok: true, value: { kind: 'account', ...a } })

    expect(M.decodeSubmitRequest(M.encodeSubmitRequest({ transfer: transfer(4) }))).toEqual({ ok: true, value: { transfer: transfer(4) } })
    for (const s of [{ accepted: true as const }, { accepted: false as const, reason: 'bad-nonce' }]) {
      expect(M.decodeSubmitResponse(M.encodeSubmitResponse(s))).toEqual({ ok: true, value: { kind: 'submit', ...s } })
    }

    const err = { code: 'not-found' as const, message: 'no block at 99 — ünïcode' }
    for (const decode of [M.decodeStatusResponse, M.decodeHeadersResponse, M.decodeProofsResponse, M.decodeAccountResponse, M.decodeSubmitResponse]) {
      expect(decode(M.encodeError(err))).toEqual({ ok: true, value: { kind: 'error', ...err } })
    }
    const head = { header: header(12), qc: qc(5) }
    expect(M.decodeHeadAnnouncement(M.encodeHeadAnnouncement(head))).toEqual({ ok: true, value: head })
  })
})

describe('rejections', () => {
  const good = M.encodeHeadersRequest({ from: 1, count: 2 })

  it('rejects a wrong type, version, length or boolean', () => {
    expect(M.decodeHeadersRequest(Uint8Array.from([0x99, ...good.subarray(1)]))).toEqual({ ok: false, reason: 'bad-tag' })
    expect(M.decodeHeadersRequest(Uint8Array.from([good[0] as number, 2, ...good.subarray(2)]))).toEqual({ ok: false, reason: 'bad-version' })
    expect(M.decodeHeadersRequest(good.subarray(0, good.length - 1))).toEqual({ ok: false, reason: 'truncated' })
    expect(M.decodeHeadersRequest(Uint8Array.from([...good, 0]))).toEqual({ ok: false, reason: 'trailing-bytes' })
    const sub = M.encodeSubmitResponse({ accepted: true })
    expect(M.decodeSubmitResponse(Uint8Array.from([...sub.subarray(0, 2), 2]))).toEqual({ ok: false, reason: 'not-canonical' })
  })

  it('rejects a height above 2^53-1, an unknown error code and invalid UTF-8', () => {
    const q = M.encodeHeadersRequest({ from: 1, count: 1 })
    q.set([0x00, 0x20, 0, 0, 0, 0, 0, 0], 2) // from = 2^53
    expect(M.decodeHeadersRequest(q)).toEqual({ ok: false, reason: 'out-of-range' })
    expect(M.decodeStatusResponse(Uint8Array.of(C.MSG.error, 1, 9, 0))).toEqual({ ok: false, reason: 'out-of-range' })
    expect(M.decodeStatusResponse(Uint8Array.of(C.MSG.error, 1, 1, 2, 0xc3, 0x28))).toEqual({ ok: false, reason: 'not-canonical' })
  })

  it('rejects a list longer than the protocol allows', () => {
    const one = M.encodeHeadersResponse({ headers: [{ header: header(1), qc: null }] }, 1 << 20)
    const body = one.subarray(4)
    const n = C.MAX_HEADERS_PER_REQUEST + 1
    const w = Uint8Array.from([...one.subarray(0, 2), n >> 8, n & 0xff, ...Array.from({ length: n }, () => [...body]).flat()])
    expect(M.decodeHeadersResponse(w)).toEqual({ ok: false, reason: 'too-long' })
  })

  it('clamps long text to 255 UTF-8 bytes without splitting a character', () => {
    const long = 'é'.repeat(200) // 400 bytes
    const d = M.decodeSubmitResponse(M.encodeSubmitResponse({ accepted: false, reason: long }))
    expect(d.ok && d.value.kind === 'submit' && !d.value.accepted && d.value.reason).toBe('é'.repeat(127))
  })
})

describe('caps', () => {
  it('fit the largest legal messages', () => {
    const fullQc = qc(256)
    const status = M.encodeStatusResponse({ chainId: 1, genesisHash: new Uint8Array(32), headHeight: 1, headHeader: header(1), headQc: fullQc })
    expect(status.length).toBeLessThanOrEqual(STATUS.maxResponseBytes)
    const account = M.encodeAccountResponse({ height: 1, header: header(1), qc: fullQc, accountProof: accountProof(32) })
    expect(account.length).toBeLessThanOrEqual(ACCOUNT.maxResponseBytes)
    expect(M.encodeHeadAnnouncement({ header: header(1), qc: fullQc }).length).toBeLessThanOrEqual(C.MAX_HEAD_ANNOUNCEMENT_BYTES)
    expect(M.encodeSubmitRequest({ transfer: transfer() }).length).toBeLessThanOrEqual(SUBMIT.maxRequestBytes)
    expect(M.encodeSubmitResponse({ accepted: false, reason: 'x'.repeat(300) }).length).toBeLessThanOrEqual(SUBMIT.maxResponseBytes)
    expect(M.encodeError({ code: 'unavailable', message: 'x'.repeat(300) }).length).toBeLessThanOrEqual(C.MAX_SUBMIT_RESPONSE_BYTES)
    const fullBlock = { block: block(1, 1024), proof: proof(), qc: fullQc }
    const one = M.encodeProofsResponse({ entries: [fullBlock] }, PROOFS.maxResponseBytes)
    expect(M.decodeProofsResponse(one)).toMatchObject({ ok: true, value: { entries: [{ proof: proof() }] } })
    for (const q of [M.encodeHeadersRequest({ from: C.LATEST_HEIGHT, count: 65535 }), M.encodeAccountRequest({ index: 2 ** 32 - 1, height: C.LATEST_HEIGHT })]) {
      expect(q.length).toBeLessThanOrEqual(HEADERS.maxRequestBytes)
    }
  })

  it('trims a list answer to the longest prefix within the cap', () => {
    const entries = Array.from({ length: 64 }, (_, i) => ({ block: block(i + 1, 1024), proof: proof(), qc: qc(256) }))
    const bytes = PROOFS.encodeResponse({ kind: 'proofs', entries })
    expect(bytes.length).toBeLessThanOrEqual(PROOFS.maxResponseBytes)
    const d = M.decodeProofsResponse(bytes)
    if (!d.ok || d.value.kind !== 'proofs') throw new Error('did not decode')
    expect(d.value.entries.length).toBeGreaterThan(10)
    expect(d.value.entries.length).toBeLessThan(64)
    expect(d.value.entries.map((e) => e.block.header.height)).toEqual(entries.slice(0, d.value.entries.length).map((e) => e.block.header.height))
  })
})

describe('list maximums (spec.md#canonical-binary-encoding, docs/protocol.md#lists-and-their-maximums)', () => {
  // Each list's bytes up to and including its count: a count above the maximum is refused
  // before any item is read (too-long); the maximum itself passes the count check (the
  // missing items then make it truncated).
  const u16 = (n: number) => [n >> 8, n & 0xff]
  const lists: [string, number, (n: number) => Uint8Array, (b: Uint8Array) => { ok: boolean; reason?: string }][] = [
    ['transfers of a block', MAX_BLOCK_TRANSFERS, (n) => Uint8Array.from([TAG.block, 1, ...encodeHeader(header(1)), ...u16(n)]), decodeBlock],
    ['keys of a validator set', MAX_VALIDATORS, (n) => Uint8Array.from([TAG.validatorSet, 1, ...u16(n)]), decodeValidatorSet],
    ['signatures of a quorum certificate', MAX_VALIDATORS, (n) => Uint8Array.from([TAG.quorumCertificate, 1, ...new Uint8Array(32), ...u16(n)]), decodeQuorumCertificate],
    ['siblings of an account proof', MAX_TREE_DEPTH, (n) => Uint8Array.from([TAG.accountProof, 1, 0, 0, 0, 3, 0, ...u16(n)]), decodeAccountProof],
    ['entries of a headers-response', C.MAX_HEADERS_PER_REQUEST, (n) => Uint8Array.from([C.MSG.headersResponse, 1, ...u16(n)]), M.decodeHeadersResponse],
    ['entries of a proofs-response', C.MAX_PROOFS_PER_REQUEST, (n) => Uint8Array.from([C.MSG.proofsResponse, 1, ...u16(n)]), M.decodeProofsResponse],
  ]
  for (const [what, max, withCount, decode] of lists) {
    it(`${what}: at most ${max}`, () => {
      expect(decode(withCount(max + 1))).toEqual({ ok: false, reason: 'too-long' })
      expect(decode(withCount(max))).toEqual({ ok: false, reason: 'truncated' })
    })
  }

  it('account proof siblings are a counted list, level 0 first, and must number the chain depth', () => {
    const p = accountProof(8)
    const b = encodeAccountProof(p)
    const siblingsAt = 2 + 4 + 1 + 78
    expect(Array.from(b.subarray(siblingsAt, siblingsAt + 2))).toEqual([0, 8])
    expect(b.length).toBe(siblingsAt + 2 + 8 * 32)
    expect(bytesToBigInt(b.subarray(siblingsAt + 2, siblingsAt + 34))).toBe(p.siblings[0])
    // The codec takes any count up to 32; the verifier takes exactly D.
    const short = { ...p, siblings: p.siblings.slice(1) }
    expect(decodeAccountProof(encodeAccountProof(short))).toEqual({ ok: true, value: short })
    expect(verifyAccountProof(0n, short, 8)).toEqual({ ok: false, reason: 'bad-proof-length' })
  })
})

describe('transfers and their signature (spec.md#transfers, docs/protocol.md#transfers-and-their-signature)', () => {
  it('is laid out field by field, the signature as R8.x, R8.y, S', () => {
    const t = { from: 0x01020304, to: 0x05060708, toPubKey: [11n, 12n] as const, amount: 13n, nonce: 14, sig: { R8: [15n, 16n] as const, S: 17n } }
    const b = encodeTransfer(t)
    expect(b.length).toBe(182)
    const field = (at: number) => bytesToBigInt(b.subarray(at, at + 32))
    expect(Array.from(b.subarray(0, 10))).toEqual([TAG.transfer, 1, 1, 2, 3, 4, 5, 6, 7, 8])
    expect([field(10), field(42)]).toEqual([11n, 12n])
    expect(bytesToBigInt(b.subarray(74, 82))).toBe(13n)
    expect(bytesToBigInt(b.subarray(82, 86))).toBe(14n)
    expect([field(86), field(118), field(150)]).toEqual([15n, 16n, 17n])
  })

  it('S >= l is a decode failure, so a submit carrying it is a malformed request', async () => {
    const good = M.encodeSubmitRequest({ transfer: transfer() })
    const withS = (s: bigint) => {
      const b = good.slice()
      b.set(fieldToBytes(s), 2 + 150)
      return b
    }
    expect(M.decodeSubmitRequest(withS(BABYJUB_SUBORDER - 1n)).ok).toBe(true)
    expect(M.decodeSubmitRequest(withS(BABYJUB_SUBORDER))).toEqual({ ok: false, reason: 'out-of-range' })
    // Served: the server never reaches the ledger rules and blames the sender.
    let called = false
    const handler = toBytesHandler(SUBMIT, () => {
      called = true
      return { kind: 'submit' as const, accepted: true as const }
    })
    await expect(handler(withS(BABYJUB_SUBORDER), { peer: 'p', signal: new AbortController().signal })).rejects.toMatchObject({ name: 'BadMessage', reason: 'out-of-range' })
    expect(called).toBe(false)
  })
})
