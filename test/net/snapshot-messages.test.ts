// Snapshot messages: round trips (request, chunk, error), the cap that holds the largest
// legal chunk, and malformed or over-long input refused with a typed reason, never a throw.
import { describe, expect, it } from 'vitest'
import { FIELD_MODULUS, MAX_TREE_DEPTH } from '../../src/core/constants.ts'
import { fieldToBytes } from '../../src/core/bytes.ts'
import * as C from '../../src/net/constants.ts'
import * as S from '../../src/net/snapshot-messages.ts'

const entry = (index: number) => ({ index, account: { pubKey: [FIELD_MODULUS - 1n - BigInt(index), 5n] as const, balance: (1n << 64n) - 1n - BigInt(index), nonce: 2 ** 32 - 1 } })
const chunk = (n: number, siblings = 4) => ({
  height: 412,
  chunk: 12,
  accounts: Array.from({ length: n }, (_, i) => entry(192 + i)),
  siblings: Array.from({ length: siblings }, (_, i) => BigInt(i) * 1_000_003n),
})

describe('round trips', () => {
  it('request, chunk, empty chunk and error', () => {
    for (const q of [
      { height: 412, chunk: 12 },
      { height: C.LATEST_HEIGHT, chunk: 2 ** 32 - 1 },
    ]) {
      expect(S.decodeSnapshotRequest(S.encodeSnapshotRequest(q))).toEqual({ ok: true, value: q })
    }
    for (const c of [chunk(3), chunk(0), chunk(0, 0)]) {
      expect(S.decodeSnapshotResponse(S.encodeSnapshotResponse(c))).toEqual({ ok: true, value: { kind: 'snapshot', ...c } })
    }
    const err = { kind: 'error' as const, code: 'not-found' as const, message: 'no state kept at height 3' }
    expect(S.decodeSnapshotResponse(S.SNAPSHOT.encodeResponse(err))).toEqual({ ok: true, value: err })
    expect(S.SNAPSHOT.decodeResponse(S.SNAPSHOT.encodeResponse({ kind: 'snapshot', ...chunk(1) }))).toEqual({ ok: true, value: { kind: 'snapshot', ...chunk(1) } })
  })

  it('sizes: an empty chunk is tiny, an account costs 82 bytes', () => {
    expect(S.encodeSnapshotRequest({ height: 1, chunk: 1 }).length).toBe(14)
    expect(S.encodeSnapshotResponse(chunk(0, 4)).length).toBe(2 + 8 + 4 + 2 + 2 + 4 * 32)
    expect(S.encodeSnapshotResponse(chunk(1, 4)).length - S.encodeSnapshotResponse(chunk(0, 4)).length).toBe(82)
  })
})

describe('caps', () => {
  it('fit the largest legal chunk and request', () => {
    const largest = S.encodeSnapshotResponse(chunk(S.MAX_SNAPSHOT_ACCOUNTS, MAX_TREE_DEPTH))
    expect(largest.length).toBeLessThanOrEqual(S.SNAPSHOT.maxResponseBytes)
    expect(S.encodeSnapshotRequest({ height: C.LATEST_HEIGHT, chunk: 2 ** 32 - 1 }).length).toBeLessThanOrEqual(S.SNAPSHOT.maxRequestBytes)
    expect(S.SNAPSHOT.id).toBe('/zklight/snapshot/1.0.0')
  })

  it('refuses to encode what the decoder would refuse', () => {
    expect(() => S.encodeSnapshotResponse(chunk(S.MAX_SNAPSHOT_ACCOUNTS + 1))).toThrow(RangeError)
    expect(() => S.encodeSnapshotResponse(chunk(1, MAX_TREE_DEPTH + 1))).toThrow(RangeError)
    expect(() => S.encodeSnapshotRequest({ height: 2 ** 53, chunk: 0 })).toThrow(RangeError)
  })
})

describe('rejections', () => {
  const good = S.encodeSnapshotResponse(chunk(2))
  const req = S.encodeSnapshotRequest({ height: 7, chunk: 3 })

  it('a wrong type, version, length', () => {
    expect(S.decodeSnapshotRequest(Uint8Array.from([C.MSG.headersRequest, ...req.subarray(1)]))).toEqual({ ok: false, reason: 'bad-tag' })
    expect(S.decodeSnapshotRequest(Uint8Array.from([req[0]!, 2, ...req.subarray(2)]))).toEqual({ ok: false, reason: 'bad-version' })
    expect(S.decodeSnapshotRequest(req.subarray(0, req.length - 1))).toEqual({ ok: false, reason: 'truncated' })
    expect(S.decodeSnapshotRequest(Uint8Array.from([...req, 0]))).toEqual({ ok: false, reason: 'trailing-bytes' })
    expect(S.decodeSnapshotResponse(Uint8Array.from([C.MSG.snapshotRequest, ...good.subarray(1)]))).toEqual({ ok: false, reason: 'bad-tag' })
    expect(S.decodeSnapshotResponse(good.subarray(0, good.length - 5))).toEqual({ ok: false, reason: 'truncated' })
    expect(S.decodeSnapshotResponse(Uint8Array.from([...good, 1]))).toEqual({ ok: false, reason: 'trailing-bytes' })
  })

  it('a height above 2^53-1, a field element at p, a bad nested account tag', () => {
    const high = req.slice()
    high.set([0x00, 0x20, 0, 0, 0, 0, 0, 0], 2)
    expect(S.decodeSnapshotRequest(high)).toEqual({ ok: false, reason: 'out-of-range' })
    const sibling = good.slice()
    sibling.set(fieldToBytes(FIELD_MODULUS), good.length - 32)
    expect(S.decodeSnapshotResponse(sibling)).toEqual({ ok: false, reason: 'out-of-range' })
    const tag = good.slice()
    tag[2 + 8 + 4 + 2 + 4] = 9 // the first account's tag (5) turned into a proof's
    expect(S.decodeSnapshotResponse(tag)).toEqual({ ok: false, reason: 'bad-tag' })
  })

  it('more accounts or siblings than the protocol allows, before reading them', () => {
    const head = good.subarray(0, 2 + 8 + 4)
    const n = S.MAX_SNAPSHOT_ACCOUNTS + 1
    expect(S.decodeSnapshotResponse(Uint8Array.from([...head, n >> 8, n & 0xff]))).toEqual({ ok: false, reason: 'too-long' })
    const empty = S.encodeSnapshotResponse(chunk(0, 0))
    const m = MAX_TREE_DEPTH + 1
    expect(S.decodeSnapshotResponse(Uint8Array.from([...empty.subarray(0, empty.length - 2), m >> 8, m & 0xff]))).toEqual({ ok: false, reason: 'too-long' })
  })

  it('any byte string decodes to a value, never a throw', () => {
    for (let n = 0; n < 300; n++) {
      const bytes = Uint8Array.from({ length: n % 97 }, (_, i) => (i * 131 + n * 17) & 0xff)
      bytes[0] = C.MSG.snapshotResponse
      if (bytes.length > 1) bytes[1] = 1
      expect(() => S.decodeSnapshotResponse(bytes)).not.toThrow()
      expect(() => S.decodeSnapshotRequest(bytes)).not.toThrow()
    }
  })
})
