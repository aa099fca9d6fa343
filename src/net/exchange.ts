// One request/response exchange over any byte stream: the client sends one
// frame and reads one; the server reads one and answers one. Transport-neutral
// so tests run it over in-memory pairs; rpc.ts adapts libp2p streams to it.
import { BadMessage, MessageTooLarge, RequestTimeout, StreamClosed } from './errors.ts'
import { encodeFrame, raceAbort, readFrame } from './framing.ts'

/** The four things an exchange needs from a stream. */
export interface ByteDuplex {
  /** Incoming bytes; ends when the remote closes its writing side, throws when the stream is reset. */
  readonly source: AsyncIterable<Uint8Array>
  /** Queues bytes for sending; resolves when the stream can take more. */
  write(bytes: Uint8Array): Promise<void>
  /** Closes the writing side once queued bytes are sent; the reading side stays open. */
  closeWrite(): Promise<void>
  /** Tears the stream down at once, both directions, discarding anything queued. */
  abort(err: Error): void
}

/** A signal that aborts with `RequestTimeout` after `timeoutMs`, or when `outer` aborts. */
export function timeoutSignal(timeoutMs: number, outer?: AbortSignal): { signal: AbortSignal; clear: () => void } {
  const ac = new AbortController()
  const timer = setTimeout(() => ac.abort(new RequestTimeout(timeoutMs)), timeoutMs)
  const onOuter = () => ac.abort(outer?.reason)
  if (outer?.aborted) onOuter()
  else outer?.addEventListener('abort', onOuter, { once: true })
  return {
    signal: ac.signal,
    clear: () => {
      clearTimeout(timer)
      outer?.removeEventListener('abort', onOuter)
    },
  }
}

/**
 * Client side: sends `request` as one frame, closes its writing side, reads one
 * response frame. Throws MessageTooLarge / BadMessage (peer misbehaved),
 * RequestTimeout, StreamClosed, or the caller's abort reason. The stream is
 * aborted on every failure. `signal` must already include the timeout.
 */
export async function clientExchange(duplex: ByteDuplex, request: Uint8Array, maxResponseBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  try {
    await raceAbort(duplex.write(encodeFrame(request)), signal)
    // Not awaited: some transports (WebRTC) wait for the peer's FIN_ACK; the answer need not.
    duplex.closeWrite().catch(() => undefined)
    return await readFrame(duplex.source, maxResponseBytes, signal)
  } catch (err) {
    duplex.abort(err instanceof Error ? err : new StreamClosed())
    throw normaliseStreamError(err)
  }
}

/** What happened to one served exchange; rpc.ts turns the peer's share into penalties. */
export type ServeOutcome = { kind: 'answered' } | { kind: 'oversized' | 'malformed' | 'silent'; error: Error } | { kind: 'closed' | 'handler-failed' | 'slow-handler'; error: Error }

export interface ServerExchangeOptions {
  maxRequestBytes: number
  timeoutMs: number
}

/** Answers one request; the handler sees a signal that aborts at the exchange's deadline. */
export type BytesHandler = (request: Uint8Array, signal: AbortSignal) => Promise<Uint8Array>

/**
 * Server side: reads one request frame, runs `handler`, writes its answer as one
 * frame and closes. Never throws: failures abort the stream and come back as
 * an outcome, with the blame on the peer only for oversized, malformed or
 * silent requests. A handler that throws `BadMessage` blames the peer too
 * (its request frame did not decode).
 */
export async function serverExchange(duplex: ByteDuplex, handler: BytesHandler, opts: ServerExchangeOptions): Promise<ServeOutcome> {
  const { signal, clear } = timeoutSignal(opts.timeoutMs)
  let request: Uint8Array
  try {
    request = await readFrame(duplex.source, opts.maxRequestBytes, signal)
  } catch (err) {
    clear()
    const e = normaliseStreamError(err)
    duplex.abort(e)
    if (e instanceof MessageTooLarge) return { kind: 'oversized', error: e }
    if (e instanceof BadMessage) return { kind: 'malformed', error: e }
    if (e instanceof RequestTimeout) return { kind: 'silent', error: e }
    return { kind: 'closed', error: e }
  }
  try {
    const response = await raceAbort(handler(request, signal), signal)
    await raceAbort(duplex.write(encodeFrame(response)), signal)
    await raceAbort(duplex.closeWrite(), signal)
    return { kind: 'answered' }
  } catch (err) {
    const e = normaliseStreamError(err)
    duplex.abort(e)
    if (e instanceof BadMessage) return { kind: 'malformed', error: e }
    if (e instanceof RequestTimeout) return { kind: 'slow-handler', error: e }
    if (e instanceof StreamClosed) return { kind: 'closed', error: e }
    return { kind: 'handler-failed', error: e }
  } finally {
    clear()
  }
}

/** Our named errors pass through; a transport's reset or close error becomes StreamClosed. */
function normaliseStreamError(err: unknown): Error {
  if (err instanceof MessageTooLarge || err instanceof BadMessage || err instanceof RequestTimeout || err instanceof StreamClosed) return err
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return err
  if (err instanceof Error && /Stream|Reset|Closed|Abort|Mux|Connection/i.test(err.name)) {
    const closed = new StreamClosed(`${err.name}: ${err.message}`)
    closed.cause = err
    return closed
  }
  return err instanceof Error ? err : new Error(String(err))
}
