// Length-prefixed framing as pure functions over byte chunks: one frame =
// unsigned LEB128 varint length ‖ payload (docs/protocol.md#framing).
import { BadMessage, MessageTooLarge, StreamClosed } from './errors.ts'

/** Five varint bytes carry 35 bits: more than any cap, so a longer prefix is malformed. */
const MAX_VARINT_BYTES = 5

export function encodeVarint(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0 || n >= 2 ** 35) throw new RangeError(`varint out of range: ${n}`)
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return Uint8Array.from(out)
}

export function encodeFrame(payload: Uint8Array): Uint8Array {
  const prefix = encodeVarint(payload.length)
  const out = new Uint8Array(prefix.length + payload.length)
  out.set(prefix)
  out.set(payload, prefix.length)
  return out
}

/**
 * Incremental decoder of exactly one frame. `push` returns the payload once it
 * is complete and throws `MessageTooLarge` as soon as the prefix announces more
 * than `maxBytes` (before any of the body is buffered), or `BadMessage` for a
 * malformed prefix or bytes after the frame.
 */
export class FrameDecoder {
  private length = -1
  private prefixBytes = 0
  private prefixValue = 0
  private body: Uint8Array | undefined
  private filled = 0
  private done = false
  /** Bytes seen so far (prefix and body). */
  received = 0

  constructor(readonly maxBytes: number) {}

  push(chunk: Uint8Array): Uint8Array | undefined {
    let at = 0
    this.received += chunk.length
    if (this.done) {
      if (chunk.length > 0) throw new BadMessage('trailing-bytes')
      return undefined
    }
    while (this.length < 0 && at < chunk.length) {
      const byte = chunk[at++] as number
      this.prefixValue += (byte & 0x7f) * 2 ** (7 * this.prefixBytes)
      this.prefixBytes++
      if (byte & 0x80) {
        if (this.prefixBytes >= MAX_VARINT_BYTES) throw new BadMessage('bad-varint')
        continue
      }
      // Minimal encoding only: a final 0x00 after other bytes is a second spelling of the same length.
      if (byte === 0 && this.prefixBytes > 1) throw new BadMessage('bad-varint')
      if (this.prefixValue > this.maxBytes) throw new MessageTooLarge(this.prefixValue, this.maxBytes)
      this.length = this.prefixValue
      this.body = new Uint8Array(this.length)
    }
    if (this.length < 0 || this.body === undefined) return undefined
    const take = Math.min(this.length - this.filled, chunk.length - at)
    this.body.set(chunk.subarray(at, at + take), this.filled)
    this.filled += take
    at += take
    if (this.filled < this.length) return undefined
    if (at < chunk.length) throw new BadMessage('trailing-bytes')
    this.done = true
    return this.body
  }

  /** Call at end of input: a partial frame is `truncated`; no byte at all means the peer just closed. */
  end(): never {
    if (this.received === 0) throw new StreamClosed('stream ended before any byte of the frame')
    throw new BadMessage('truncated')
  }
}

/** Splits `bytes` into chunks of the given sizes (the last chunk takes the rest): a test and fuzz helper. */
export function splitChunks(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = []
  let at = 0
  for (const size of sizes) {
    if (at >= bytes.length) break
    out.push(bytes.subarray(at, at + size))
    at += size
  }
  if (at < bytes.length) out.push(bytes.subarray(at))
  return out
}

/**
 * Reads one frame from an async chunk source. Stops reading at the end of the
 * frame: bytes after it in the same chunk are `trailing-bytes`, later chunks are
 * not awaited. `signal` aborting rejects with `signal.reason`.
 */
export async function readFrame(source: AsyncIterable<Uint8Array>, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
  const decoder = new FrameDecoder(maxBytes)
  const it = source[Symbol.asyncIterator]()
  try {
    for (;;) {
      const next = await raceAbort(it.next(), signal)
      if (next.done) return decoder.end()
      const frame = decoder.push(next.value)
      if (frame) return frame
    }
  } finally {
    // Do not wait on return(): a source blocked on the network may never settle it.
    void it.return?.()?.catch(() => undefined)
  }
}

/** Resolves like `p`, or rejects with `signal.reason` once `signal` aborts. */
export function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p
  if (signal.aborted) {
    p.catch(() => undefined)
    return Promise.reject(signal.reason)
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}
