// Byte-level building blocks of the canonical encoding (and of the wire messages in
// src/net): a writer, a bounds-checked reader that raises typed decode rejections,
// and small byte helpers.
import { FIELD_MODULUS, MAX_SAFE_U64 } from './constants.ts'
import type { DecodeReason, Field } from './types.ts'

/**
 * Internal signal of a decode rejection; top-level decoders (`decodeWith` in
 * codec.ts) catch it and return `{ ok: false, reason }`, so it never reaches a caller
 * of a `decodeX` function.
 */
export class DecodeError extends Error {
  override name = 'DecodeError'
  constructor(readonly reason: DecodeReason) {
    super(reason)
  }
}

/**
 * Appends big-endian integers and byte strings. Writing a value the reader would
 * reject throws a RangeError: encoding an invalid object is a bug of the caller.
 */
export class ByteWriter {
  private buf = new Uint8Array(256)
  private len = 0

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.len + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
  }

  u8(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`u8 out of range: ${v}`)
    this.ensure(1)
    this.buf[this.len++] = v
    return this
  }

  u16(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`u16 out of range: ${v}`)
    this.ensure(2)
    new DataView(this.buf.buffer).setUint16(this.len, v)
    this.len += 2
    return this
  }

  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`u32 out of range: ${v}`)
    this.ensure(4)
    new DataView(this.buf.buffer).setUint32(this.len, v)
    this.len += 4
    return this
  }

  u64(v: bigint): this {
    if (v < 0n || v >= 1n << 64n) throw new RangeError(`u64 out of range: ${v}`)
    this.ensure(8)
    new DataView(this.buf.buffer).setBigUint64(this.len, v)
    this.len += 8
    return this
  }

  /** A u64 on the wire that must be a safe JS integer in memory (heights, timestamps). */
  safeU64(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not a safe u64: ${v}`)
    return this.u64(BigInt(v))
  }

  /** A field element as 32 bytes big-endian. */
  field(v: bigint): this {
    if (v < 0n || v >= FIELD_MODULUS) throw new RangeError('field element out of range')
    return this.raw(fieldToBytes(v))
  }

  bytes32(b: Uint8Array): this {
    if (b.length !== 32) throw new RangeError(`expected 32 bytes, got ${b.length}`)
    return this.raw(b)
  }

  /** A canonical boolean: exactly 0 or 1. */
  bool(v: boolean): this {
    return this.u8(v ? 1 : 0)
  }

  /** `u8 0` for absent, `u8 1 ‖ item` for present (spec: `account | null`). */
  optional<T>(item: T | null, write: (w: ByteWriter, item: T) => void): this {
    if (item === null) return this.u8(0)
    this.u8(1)
    write(this, item)
    return this
  }

  /** u32 length ‖ bytes. */
  varBytes(b: Uint8Array, max: number): this {
    if (b.length > max) throw new RangeError(`byte string of ${b.length} exceeds ${max}`)
    return this.u32(b.length).raw(b)
  }

  /** u16 count ‖ items. */
  list<T>(items: readonly T[], max: number, write: (w: ByteWriter, item: T) => void): this {
    if (items.length > max) throw new RangeError(`list of ${items.length} exceeds ${max}`)
    this.u16(items.length)
    for (const item of items) write(this, item)
    return this
  }

  raw(b: Uint8Array): this {
    this.ensure(b.length)
    this.buf.set(b, this.len)
    this.len += b.length
    return this
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len)
  }
}

/** Reads what ByteWriter writes; every read is bounds-checked and throws DecodeError. */
export class ByteReader {
  private pos = 0
  private readonly view: DataView

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }

  get remaining(): number {
    return this.buf.length - this.pos
  }

  get offset(): number {
    return this.pos
  }

  private take(n: number): number {
    if (this.pos + n > this.buf.length) throw new DecodeError('truncated')
    const at = this.pos
    this.pos += n
    return at
  }

  u8(): number {
    return this.view.getUint8(this.take(1))
  }

  u16(): number {
    return this.view.getUint16(this.take(2))
  }

  u32(): number {
    return this.view.getUint32(this.take(4))
  }

  u64(): bigint {
    return this.view.getBigUint64(this.take(8))
  }

  safeU64(): number {
    const v = this.u64()
    if (v > MAX_SAFE_U64) throw new DecodeError('out-of-range')
    return Number(v)
  }

  field(): Field {
    return bytesToField(this.raw(32))
  }

  bytes32(): Uint8Array {
    return this.raw(32)
  }

  varBytes(max: number): Uint8Array {
    const n = this.u32()
    if (n > max) throw new DecodeError('too-long')
    return this.raw(n)
  }

  /** A 0/1 byte; anything else is not canonical. */
  bool(): boolean {
    const b = this.u8()
    if (b > 1) throw new DecodeError('not-canonical')
    return b === 1
  }

  optional<T>(read: (r: ByteReader) => T): T | null {
    return this.bool() ? read(this) : null
  }

  /** u16 count ‖ items; the count is checked against `max` before any item is read. */
  list<T>(max: number, read: (r: ByteReader) => T): T[] {
    const n = this.u16()
    if (n > max) throw new DecodeError('too-long')
    const out: T[] = []
    for (let i = 0; i < n; i++) out.push(read(this))
    return out
  }

  raw(n: number): Uint8Array {
    const at = this.take(n)
    return this.buf.slice(at, at + n)
  }

  /** Rejects bytes left over after a complete object. */
  end(): void {
    if (this.pos !== this.buf.length) throw new DecodeError('trailing-bytes')
  }
}

export function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n
  for (const x of b) v = (v << 8n) | BigInt(x)
  return v
}

/**
 * 32 big-endian bytes to a field element. Throws DecodeError (`out-of-range` for a
 * value >= p, `truncated`/`trailing-bytes` for a wrong length), so it can be used
 * inside a reader callback.
 */
export function bytesToField(b: Uint8Array): Field {
  if (b.length !== 32) throw new DecodeError(b.length < 32 ? 'truncated' : 'trailing-bytes')
  const v = bytesToBigInt(b)
  if (v >= FIELD_MODULUS) throw new DecodeError('out-of-range')
  return v
}

/** 32 big-endian bytes of an integer in [0, 2^256); it does not check `< p` (proof coordinates use it too). */
export function fieldToBytes(v: bigint): Uint8Array {
  if (v < 0n || v >= 1n << 256n) throw new RangeError('value does not fit in 32 bytes')
  const out = new Uint8Array(32)
  let x = v
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn)
    x >>= 8n
  }
  return out
}

export function bytesToHex(b: Uint8Array): string {
  let s = ''
  for (const x of b) s += x.toString(16).padStart(2, '0')
  return s
}

export function hexToBytes(hex: string): Uint8Array {
  const h = hex.startsWith('0x') ? hex.slice(2) : hex
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new RangeError('not a hex string')
  const out = new Uint8Array(h.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
