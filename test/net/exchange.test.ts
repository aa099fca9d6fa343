// Protocol handlers over in-memory stream pairs: a typed status exchange, range
// checks, oversized / malformed / silent requests, and client timeouts.
import { describe, expect, it } from 'vitest'
import { encodeFrame, readFrame } from '../../src/net/framing.ts'
import { clientExchange, serverExchange, timeoutSignal, type BytesHandler } from '../../src/net/exchange.ts'
import { memoryDuplexPair } from '../../src/net/memory-duplex.ts'
import { decodeAnswer, HEADERS, STATUS, toBytesHandler } from '../../src/net/protocols.ts'
import type { StatusResponse } from '../../src/net/messages.ts'
import { header, qc } from './fixtures.ts'

const status: StatusResponse = {
  kind: 'status',
  chainId: 7,
  genesisHash: new Uint8Array(32).fill(3),
  headHeight: 42,
  headHeader: header(42),
  headQc: qc(3),
}

async function exchange(handler: BytesHandler, request: Uint8Array, opts: { timeoutMs?: number; serverTimeoutMs?: number; maxRequestBytes?: number } = {}) {
  const [client, server] = memoryDuplexPair()
  const served = serverExchange(server, handler, { maxRequestBytes: opts.maxRequestBytes ?? 64, timeoutMs: opts.serverTimeoutMs ?? 2000 })
  const { signal, clear } = timeoutSignal(opts.timeoutMs ?? 2000)
  const answer = clientExchange(client, request, 64 * 1024, signal).finally(clear)
  const [a, s] = await Promise.allSettled([answer, served])
  return { answer: a, outcome: s.status === 'fulfilled' ? s.value : undefined, client, server }
}

const statusHandler = (signalSeen?: (s: AbortSignal) => void) => {
  const typed = toBytesHandler(STATUS, async (_q, ctx) => {
    signalSeen?.(ctx.signal)
    return status
  })
  return (req: Uint8Array, signal: AbortSignal) => typed(req, { peer: 'test-peer', signal })
}

describe('request/response over an in-memory pair', () => {
  it('answers a status request', async () => {
    const { answer, outcome } = await exchange(statusHandler(), STATUS.encodeRequest({}))
    expect(outcome).toEqual({ kind: 'answered' })
    if (answer.status !== 'fulfilled') throw answer.reason
    expect(decodeAnswer(STATUS, answer.value)).toEqual(status)
  })

  it('answers range-too-long and bad-request without calling the handler', async () => {
    let called = 0
    const typed = toBytesHandler(HEADERS, () => {
      called++
      return { kind: 'headers' as const, headers: [] }
    })
    const handler: BytesHandler = (req, signal) => typed(req, { peer: 'p', signal })
    for (const [count, code] of [
      [513, 'range-too-long'],
      [0, 'bad-request'],
    ] as const) {
      const { answer } = await exchange(handler, HEADERS.encodeRequest({ from: 1, count }))
      if (answer.status !== 'fulfilled') throw answer.reason
      expect(decodeAnswer(HEADERS, answer.value)).toMatchObject({ kind: 'error', code })
    }
    expect(called).toBe(0)
  })

  it('answers unavailable when the handler throws, without its message', async () => {
    const typed = toBytesHandler(STATUS, () => {
      throw new Error('disk on fire at /secret/path')
    })
    const { answer, outcome } = await exchange((req, signal) => typed(req, { peer: 'p', signal }), STATUS.encodeRequest({}))
    expect(outcome).toEqual({ kind: 'answered' })
    if (answer.status !== 'fulfilled') throw answer.reason
    expect(decodeAnswer(STATUS, answer.value)).toEqual({ kind: 'error', code: 'unavailable', message: 'internal error' })
  })

  it('refuses an oversized request from its prefix and resets the stream', async () => {
    const { answer, outcome, server } = await exchange(statusHandler(), new Uint8Array(65))
    expect(outcome?.kind).toBe('oversized')
    expect(answer.status).toBe('rejected')
    expect(server.aborted).toBe(true)
  })

  it('blames the peer for a request that does not decode', async () => {
    const { outcome, answer } = await exchange(statusHandler(), Uint8Array.of(0x12, 1, 0, 0))
    expect(outcome).toMatchObject({ kind: 'malformed', error: { name: 'BadMessage', reason: 'bad-tag' } })
    expect(answer.status).toBe('rejected')
  })

  it('calls a request stream that never sends a whole frame silent', async () => {
    const [client, server] = memoryDuplexPair()
    const served = serverExchange(server, statusHandler(), { maxRequestBytes: 64, timeoutMs: 50 })
    await client.write(encodeFrame(STATUS.encodeRequest({})).subarray(0, 2))
    expect((await served).kind).toBe('silent')
  })

  it('resets an empty stream (closed before any byte) without an answer or blame', async () => {
    const [client, server] = memoryDuplexPair()
    const served = serverExchange(server, statusHandler(), { maxRequestBytes: 64, timeoutMs: 2000 })
    await client.closeWrite()
    expect(await served).toMatchObject({ kind: 'closed', error: { name: 'StreamClosed' } })
    expect(server.aborted).toBe(true)
    await expect(readFrame(client.source, 1024)).rejects.toMatchObject({ name: 'StreamClosed' })
  })

  it('times the client out on a slow handler, and the handler sees its deadline', async () => {
    let handlerSignal: AbortSignal | undefined
    const slow: BytesHandler = async (req, signal) => {
      handlerSignal = signal
      await new Promise((r) => setTimeout(r, 400))
      return statusHandler()(req, signal)
    }
    const started = Date.now()
    const { answer, outcome, client } = await exchange(slow, STATUS.encodeRequest({}), { timeoutMs: 60, serverTimeoutMs: 150 })
    expect(answer.status).toBe('rejected')
    if (answer.status === 'rejected') expect((answer.reason as Error).name).toBe('RequestTimeout')
    expect(client.aborted).toBe(true)
    // The server gives up at its own deadline, blaming nobody.
    expect(outcome?.kind).toBe('slow-handler')
    expect(handlerSignal?.aborted).toBe(true)
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('throws BadMessage for an answer that does not decode', async () => {
    const { answer } = await exchange(async () => Uint8Array.of(0x11, 1, 0), STATUS.encodeRequest({}))
    if (answer.status !== 'fulfilled') throw answer.reason
    expect(() => decodeAnswer(STATUS, answer.value)).toThrow(expect.objectContaining({ name: 'BadMessage', reason: 'truncated' }))
  })
})
