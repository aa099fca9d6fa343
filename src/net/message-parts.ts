// Building blocks of the wire messages: type ‖ version prefix, length-prefixed
// text, error answers, and list answers trimmed to a byte cap.
import { ByteReader, ByteWriter, DecodeError } from '../core/bytes.ts'
import { decodeWith } from '../core/codec.ts'
import type { Decoded } from '../core/types.ts'
import { ERROR_CODE, MAX_TEXT_BYTES, MESSAGE_VERSION, MSG, PROVE_MSG } from './constants.ts'

export type MessageType = (typeof MSG)[keyof typeof MSG] | (typeof PROVE_MSG)[keyof typeof PROVE_MSG]
export type ErrorCode = keyof typeof ERROR_CODE

/** A peer's refusal to answer; a valid answer, not a protocol violation. */
export interface ErrorResponse {
  kind: 'error'
  code: ErrorCode
  message: string
}

export function begin(type: MessageType): ByteWriter {
  return new ByteWriter().u8(type).u8(MESSAGE_VERSION)
}

/** Reads type and version; returns the type, which must be one of `allowed`. */
export function readType(r: ByteReader, allowed: readonly MessageType[]): MessageType {
  const type = r.u8() as MessageType
  if (!allowed.includes(type)) throw new DecodeError('bad-tag')
  if (r.u8() !== MESSAGE_VERSION) throw new DecodeError('bad-version')
  return type
}

const utf8 = new TextEncoder()
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Cuts `s` to at most MAX_TEXT_BYTES of UTF-8 without splitting a character. */
export function clampText(s: string): string {
  if (utf8.encode(s).length <= MAX_TEXT_BYTES) return s
  let out = ''
  let size = 0
  for (const ch of s) {
    const n = utf8.encode(ch).length
    if (size + n > MAX_TEXT_BYTES) break
    out += ch
    size += n
  }
  return out
}

export function writeText(w: ByteWriter, s: string): void {
  const b = utf8.encode(clampText(s))
  w.u8(b.length).raw(b)
}

export function readText(r: ByteReader): string {
  const b = r.raw(r.u8())
  try {
    return strictUtf8.decode(b)
  } catch {
    throw new DecodeError('not-canonical')
  }
}

const CODE_NAMES = Object.fromEntries(Object.entries(ERROR_CODE).map(([k, v]) => [v, k])) as Record<number, ErrorCode>

function readErrorBody(r: ByteReader): ErrorResponse {
  const code = CODE_NAMES[r.u8()]
  if (code === undefined) throw new DecodeError('out-of-range')
  return { kind: 'error', code, message: readText(r) }
}

/** Decodes either the expected response (via `read`) or an error response. */
export function decodeReply<T>(bytes: Uint8Array, type: MessageType, read: (r: ByteReader) => T): Decoded<T | ErrorResponse> {
  return decodeWith(bytes, (r) => (readType(r, [type, MSG.error]) === MSG.error ? readErrorBody(r) : read(r)))
}

/**
 * Encodes a list response keeping the longest prefix of `items` whose message
 * fits in `maxBytes`: a server answers a long range in several round trips.
 */
export function encodeListWithin<T>(type: MessageType, items: readonly T[], maxItems: number, maxBytes: number, write: (w: ByteWriter, x: T) => void): Uint8Array {
  if (items.length > maxItems) throw new RangeError(`list of ${items.length} exceeds ${maxItems}`)
  const parts: Uint8Array[] = []
  let size = 4 // type, version, u16 count
  for (const item of items) {
    const w = new ByteWriter()
    write(w, item)
    const b = w.finish()
    if (size + b.length > maxBytes) break
    parts.push(b)
    size += b.length
  }
  const w = begin(type).u16(parts.length)
  for (const p of parts) w.raw(p)
  return w.finish()
}
