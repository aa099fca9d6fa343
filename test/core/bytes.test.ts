// ByteWriter/ByteReader and the byte helpers: bounds, typed rejections, canonical forms.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { FIELD_MODULUS } from '../../src/core/constants.ts'
import { ByteReader, ByteWriter, DecodeError, bytesToField, bytesToHex, concatBytes, equalBytes, fieldToBytes, hexToBytes } from '../../src/core/bytes.ts'
import { decodeWith } from '../../src/core/codec.ts'
import type { DecodeReason } from '../../src/core/types.ts'

function reasonOf(f: () => unknown): DecodeReason | undefined {
  try {
    f()
  } catch (err) {
    if (err instanceof DecodeError) return err.reason
    throw err
  }
  return undefined
}

describe('ByteWriter and ByteReader', () => {
  it('round-trip every primitive big-endian', () => {
    const w = new ByteWriter()
    w.u8(0xab)
      .u16(0x1234)
      .u32(0xdeadbeef)
      .u64(0x0102030405060708n)
      .safeU64(Number.MAX_SAFE_INTEGER)
      .field(FIELD_MODULUS - 1n)
    w.bytes32(new Uint8Array(32).fill(7))
      .bool(true)
      .bool(false)
      .varBytes(new Uint8Array([1, 2, 3]), 3)
    w.list([1, 2], 2, (ww, x) => ww.u8(x))
      .optional(null, (ww, x: number) => ww.u8(x))
      .optional(9, (ww, x) => ww.u8(x))
    const bytes = w.finish()
    expect(bytesToHex(bytes.subarray(0, 15))).toBe('ab1234deadbeef0102030405060708')
    const r = new ByteReader(bytes)
    expect([r.u8(), r.u16(), r.u32(), r.u64(), r.safeU64(), r.field()]).toEqual([0xab, 0x1234, 0xdeadbeef, 0x0102030405060708n, Number.MAX_SAFE_INTEGER, FIELD_MODULUS - 1n])
    expect(r.bytes32()).toEqual(new Uint8Array(32).fill(7))
    expect([r.bool(), r.bool()]).toEqual([true, false])
    expect(r.varBytes(3)).toEqual(new Uint8Array([1, 2, 3]))
    expect(r.list(2, (rr) => rr.u8())).toEqual([1, 2])
    expect(r.optional((rr) => rr.u8())).toBeNull()
    expect(r.optional((rr) => rr.u8())).toBe(9)
    expect(r.remaining).toBe(0)
    expect(r.offset).toBe(bytes.length)
    r.end()
  })

  it('grows past its initial buffer', () => {
    const big = new Uint8Array(5000).map((_, i) => i & 0xff)
    expect(new ByteWriter().u8(1).raw(big).finish()).toEqual(concatBytes(new Uint8Array([1]), big))
  })

  it('reads from a view with a non-zero byte offset', () => {
    const backing = new Uint8Array([9, 9, 0x12, 0x34, 9])
    expect(new ByteReader(backing.subarray(2, 4)).u16()).toBe(0x1234)
  })

  it('rejects writing values the reader would reject', () => {
    expect(() => new ByteWriter().u8(256)).toThrow(RangeError)
    expect(() => new ByteWriter().u16(-1)).toThrow(RangeError)
    expect(() => new ByteWriter().u32(2 ** 32)).toThrow(RangeError)
    expect(() => new ByteWriter().u64(1n << 64n)).toThrow(RangeError)
    expect(() => new ByteWriter().safeU64(2 ** 53)).toThrow(RangeError)
    expect(() => new ByteWriter().safeU64(1.5)).toThrow(RangeError)
    expect(() => new ByteWriter().field(FIELD_MODULUS)).toThrow(RangeError)
    expect(() => new ByteWriter().bytes32(new Uint8Array(31))).toThrow(RangeError)
    expect(() => new ByteWriter().varBytes(new Uint8Array(4), 3)).toThrow(RangeError)
    expect(() => new ByteWriter().list([1, 2, 3], 2, (w, x) => w.u8(x))).toThrow(RangeError)
  })

  it('raises a typed reason for each malformed read', () => {
    expect(reasonOf(() => new ByteReader(new Uint8Array(3)).u32())).toBe('truncated')
    expect(reasonOf(() => new ByteReader(new Uint8Array([0, 0, 0, 4, 1, 2, 3, 4])).varBytes(3))).toBe('too-long')
    expect(reasonOf(() => new ByteReader(new Uint8Array([0, 3, 1, 2, 3])).list(2, (r) => r.u8()))).toBe('too-long')
    expect(reasonOf(() => new ByteReader(new Uint8Array([2])).bool())).toBe('not-canonical')
    expect(reasonOf(() => new ByteReader(new Uint8Array([0x00, 0x20, 0, 0, 0, 0, 0, 0])).safeU64())).toBe('out-of-range')
    expect(reasonOf(() => new ByteReader(fieldToBytes(FIELD_MODULUS)).field())).toBe('out-of-range')
    expect(reasonOf(() => new ByteReader(new Uint8Array(1)).end())).toBe('trailing-bytes')
  })

  it('decodeWith turns DecodeError into a value and rethrows anything else', () => {
    expect(decodeWith(new Uint8Array([1]), (r) => r.u16())).toEqual({ ok: false, reason: 'truncated' })
    expect(decodeWith(new Uint8Array([1, 2]), (r) => r.u8())).toEqual({ ok: false, reason: 'trailing-bytes' })
    expect(decodeWith(new Uint8Array([1]), (r) => r.u8())).toEqual({ ok: true, value: 1 })
    expect(() =>
      decodeWith(new Uint8Array(), () => {
        throw new TypeError('bug')
      }),
    ).toThrow(TypeError)
  })

  it('returns copies, so decoded values never alias the input', () => {
    const input = new Uint8Array(32).fill(1)
    const out = new ByteReader(input).bytes32()
    input[0] = 9
    expect(out[0]).toBe(1)
  })
})

describe('byte helpers', () => {
  it('hex round-trips and rejects malformed hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(hexToBytes(bytesToHex(b))).toEqual(b)
      }),
    )
    expect(hexToBytes('0xABcd')).toEqual(new Uint8Array([0xab, 0xcd]))
    expect(() => hexToBytes('abc')).toThrow(RangeError)
    expect(() => hexToBytes('zz')).toThrow(RangeError)
  })

  it('compares and concatenates bytes', () => {
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true)
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false)
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false)
    expect(concatBytes(new Uint8Array([1]), new Uint8Array(), new Uint8Array([2, 3]))).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('maps field elements to 32 bytes and back, rejecting p and above', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: FIELD_MODULUS - 1n }), (v) => {
        expect(bytesToField(fieldToBytes(v))).toBe(v)
      }),
    )
    expect(bytesToHex(fieldToBytes(1n))).toBe(`${'00'.repeat(31)}01`)
    expect(reasonOf(() => bytesToField(fieldToBytes(FIELD_MODULUS)))).toBe('out-of-range')
    expect(reasonOf(() => bytesToField(new Uint8Array(32).fill(0xff)))).toBe('out-of-range')
    expect(reasonOf(() => bytesToField(new Uint8Array(31)))).toBe('truncated')
    expect(reasonOf(() => bytesToField(new Uint8Array(33)))).toBe('trailing-bytes')
    expect(() => fieldToBytes(1n << 256n)).toThrow(RangeError)
    expect(() => fieldToBytes(-1n)).toThrow(RangeError)
  })
})
