// Framing as pure functions: varints, frames split at every byte boundary,
// oversize caught from the prefix alone, truncation, trailing bytes, timeouts.
import { describe, expect, it } from 'vitest'
import { encodeFrame, encodeVarint, FrameDecoder, readFrame, splitChunks } from '../../src/net/framing.ts'
import { memoryDuplexPair } from '../../src/net/memory-duplex.ts'
import { timeoutSignal } from '../../src/net/exchange.ts'

async function* chunks(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p
}

async function errorOf(p: Promise<unknown>): Promise<Error & { reason?: string }> {
  try {
    await p
  } catch (err) {
    return err as Error & { reason?: string }
  }
  throw new Error('expected a rejection')
}

describe('varint', () => {
  it('encodes LEB128 minimally', () => {
    expect([...encodeVarint(0)]).toEqual([0])
    expect([...encodeVarint(127)]).toEqual([127])
    expect([...encodeVarint(128)]).toEqual([0x80, 0x01])
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02])
    expect([...encodeVarint(4 * 1024 * 1024)]).toEqual([0x80, 0x80, 0x80, 0x02])
    expect(() => encodeVarint(-1)).toThrow(RangeError)
  })
})

describe('FrameDecoder', () => {
  const payload = Uint8Array.from({ length: 300 }, (_, i) => i % 256)
  const frame = encodeFrame(payload)

  it('reassembles a frame split at every boundary', () => {
    for (let cut = 0; cut <= frame.length; cut++) {
      const d = new FrameDecoder(1000)
      const parts = splitChunks(frame, [cut])
      let out: Uint8Array | undefined
      for (const p of parts) out = d.push(p) ?? out
      expect(out).toEqual(payload)
    }
  })

  it('reassembles a frame fed one byte at a time', () => {
    const d = new FrameDecoder(1000)
    let out: Uint8Array | undefined
    for (const b of frame) out = d.push(Uint8Array.of(b)) ?? out
    expect(out).toEqual(payload)
  })

  it('accepts an empty frame', () => {
    expect(new FrameDecoder(10).push(Uint8Array.of(0))).toEqual(new Uint8Array(0))
  })

  it('refuses an oversized frame from its prefix, before any body byte', () => {
    const d = new FrameDecoder(299)
    const err = (() => {
      try {
        d.push(frame.subarray(0, 2))
      } catch (e) {
        return e as Error & { size: number }
      }
    })()
    expect(err?.name).toBe('MessageTooLarge')
    expect(err?.size).toBe(300)
  })

  it('refuses a frame exactly one byte over the cap and accepts one at the cap', () => {
    expect(new FrameDecoder(300).push(frame)).toEqual(payload)
    expect(() => new FrameDecoder(299).push(frame)).toThrow(expect.objectContaining({ name: 'MessageTooLarge' }))
  })

  it('refuses a varint longer than five bytes and a non-minimal one', () => {
    expect(() => new FrameDecoder(1 << 30).push(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01))).toThrow(expect.objectContaining({ name: 'BadMessage', reason: 'bad-varint' }))
    expect(() => new FrameDecoder(10).push(Uint8Array.of(0x81, 0x00, 0x01))).toThrow(expect.objectContaining({ reason: 'bad-varint' }))
  })

  it('refuses bytes after the frame', () => {
    const withExtra = Uint8Array.from([...frame, 9])
    expect(() => new FrameDecoder(1000).push(withExtra)).toThrow(expect.objectContaining({ name: 'BadMessage', reason: 'trailing-bytes' }))
    const d = new FrameDecoder(1000)
    d.push(frame)
    expect(() => d.push(Uint8Array.of(1))).toThrow(expect.objectContaining({ reason: 'trailing-bytes' }))
  })
})

describe('readFrame', () => {
  const payload = new TextEncoder().encode('hello, zklight')
  const frame = encodeFrame(payload)

  it('reads a frame from many small chunks', async () => {
    expect(await readFrame(chunks(splitChunks(frame, [1, 1, 3, 2])), 100)).toEqual(payload)
  })

  it('calls a partial frame at end of input truncated', async () => {
    const err = await errorOf(readFrame(chunks([frame.subarray(0, 5)]), 100))
    expect(err.name).toBe('BadMessage')
    expect(err.reason).toBe('truncated')
  })

  it('calls end of input before any byte a closed stream, not malformed', async () => {
    expect((await errorOf(readFrame(chunks([]), 100))).name).toBe('StreamClosed')
  })

  it('rejects with RequestTimeout when the peer goes quiet mid-frame (in-memory pair)', async () => {
    const [a, b] = memoryDuplexPair()
    await a.write(frame.subarray(0, 4)) // prefix and a little body, then silence
    const { signal, clear } = timeoutSignal(50)
    const started = Date.now()
    const err = await errorOf(readFrame(b.source, 100, signal))
    clear()
    expect(err.name).toBe('RequestTimeout')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('reads over an in-memory pair and ignores nothing before the frame ends', async () => {
    const [a, b] = memoryDuplexPair()
    for (const c of splitChunks(frame, [2, 2, 2])) await a.write(c)
    expect(await readFrame(b.source, 100)).toEqual(payload)
  })
})
