// Request/response over libp2p 3 streams: one stream per request, one frame
// each way. Adapts libp2p's event-based Stream to ByteDuplex and keeps the
// per-peer misbehaviour count that decides when to hang up.
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { BanList } from './ban-list.ts'
import { MAX_BAD_SIGNATURES, MAX_INBOUND_STREAMS, MAX_SILENT_REQUESTS, MAX_TRACKED_PEERS } from './constants.ts'
import { BadMessage, MessageTooLarge, RequestTimeout, StreamClosed } from './errors.ts'
import { clientExchange, serverExchange, timeoutSignal, type ByteDuplex } from './exchange.ts'
import { raceAbort } from './framing.ts'
import { ChunkQueue } from './memory-duplex.ts'
import { decodeAnswer, toBytesHandler, type ProtocolSpec, type ServeContext, type TypedHandler } from './protocols.ts'
import type { ErrorResponse } from './messages.ts'

/** The part of a libp2p node the RPC layer uses (Node and browser hosts both fit). */
export type RpcHost = Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol' | 'hangUp'>
export type DialTarget = PeerId | Multiaddr | Multiaddr[]

/**
 * Peer misbehaviour seen by a server: proven (oversized, malformed, a submitted transfer
 * whose signature fails, a submitted proof that does not check out) or suspicious
 * (silent). The exchange finds the first three; a handler reports a bad signature or a
 * bad proof (ServeContext.report).
 */
export type Misbehaviour = 'oversized' | 'malformed' | 'silent' | 'bad-signature' | 'bad-proof'

/** How many of each a peer may send before the server hangs up on it (docs/protocol.md#penalties). */
const TOLERATED: Record<Misbehaviour, number> = { oversized: 1, malformed: 1, silent: MAX_SILENT_REQUESTS, 'bad-signature': MAX_BAD_SIGNATURES, 'bad-proof': 1 }

/** Proven misbehaviour also bans the peer (refused on reconnect); silence may be a slow link, so it only costs the connection. */
const PROVEN: Record<Misbehaviour, boolean> = { oversized: true, malformed: true, silent: false, 'bad-signature': true, 'bad-proof': true }

const NONE: Record<Misbehaviour, number> = { oversized: 0, malformed: 0, silent: 0, 'bad-signature': 0, 'bad-proof': 0 }

export interface PeerPenaltiesOptions {
  /** Overrides MAX_SILENT_REQUESTS. */
  maxSilent?: number
  /** Where proven misbehaviour bans the peer; without it a server only hangs up. */
  bans?: BanList
  /** Told of every offence, and whether it cost the peer its connection. */
  onMisbehaviour?: (peer: string, kind: Misbehaviour, hangUp: boolean) => void
}

/**
 * Counts misbehaviour per peer and decides when to hang up: at once for oversized
 * or malformed requests (and then the peer is banned), after MAX_SILENT_REQUESTS
 * silent streams (and then its silence count starts again, since it may reconnect).
 * Share one instance across protocols so the count is per peer, not per protocol.
 */
export class PeerPenalties {
  private readonly counts = new Map<string, Record<Misbehaviour, number>>()

  constructor(private readonly opts: PeerPenaltiesOptions = {}) {}

  /** Records one offence; true means hang up on the peer. */
  record(peer: string, kind: Misbehaviour): boolean {
    let c = this.counts.get(peer)
    if (c) this.counts.delete(peer)
    else c = { ...NONE }
    c[kind]++
    this.counts.set(peer, c) // re-insert: Map order is the eviction order
    if (this.counts.size > MAX_TRACKED_PEERS) this.counts.delete(this.counts.keys().next().value as string)
    const limit = kind === 'silent' ? (this.opts.maxSilent ?? TOLERATED.silent) : TOLERATED[kind]
    const hangUp = c[kind] >= limit
    if (hangUp && PROVEN[kind]) this.opts.bans?.ban(peer)
    // A silent peer may reconnect at once, with its chances back.
    else if (hangUp) c[kind] = 0
    this.opts.onMisbehaviour?.(peer, kind, hangUp)
    return hangUp
  }

  /** Whether `peer` is serving a ban (its streams are reset unanswered). */
  isBanned(peer: string): boolean {
    return this.opts.bans?.isBanned(peer) ?? false
  }

  count(peer: string): Record<Misbehaviour, number> {
    return { ...(this.counts.get(peer) ?? NONE) }
  }
}

/**
 * ByteDuplex over a libp2p 3 Stream. Listeners attach when reading starts, so
 * bytes that arrived earlier wait in the stream's own buffer; the end of input
 * is taken from `readableEnded`/'end' (not 'remoteCloseWrite', which may have
 * fired before anyone listened).
 */
export function streamDuplex(stream: Stream): ByteDuplex {
  const source: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      const queue = new ChunkQueue()
      const onMessage = (evt: { data: Uint8Array | { subarray(): Uint8Array } }) => {
        const d = evt.data
        queue.push(d instanceof Uint8Array ? d : d.subarray())
      }
      const onEnd = () => queue.end()
      const onClose = (evt: Event) => {
        const error = (evt as Event & { error?: Error }).error
        if (error) queue.fail(error)
        else queue.end()
      }
      stream.addEventListener('message', onMessage)
      stream.addEventListener('end', onEnd)
      stream.addEventListener('close', onClose)
      if (stream.readableEnded) queue.end()
      else if (stream.status !== 'open') queue.fail(new StreamClosed(`stream is ${stream.status}`))
      const inner = queue[Symbol.asyncIterator]()
      return {
        next: () => inner.next(),
        return: async () => {
          stream.removeEventListener('message', onMessage)
          stream.removeEventListener('end', onEnd)
          stream.removeEventListener('close', onClose)
          return { done: true, value: undefined }
        },
      }
    },
  }
  return {
    source,
    write: async (bytes) => {
      if (!stream.send(bytes)) await stream.onDrain()
    },
    closeWrite: () => stream.close(),
    abort: (err) => stream.abort(err),
  }
}

export interface HandleOptions {
  maxRequestBytes: number
  timeoutMs: number
  penalties?: PeerPenalties
  maxInboundStreams?: number
}

/** Serves `protocol`: one request frame in, `handler`'s bytes out, per stream. */
export async function handle(host: RpcHost, protocol: string, handler: (request: Uint8Array, ctx: ServeContext) => Promise<Uint8Array>, opts: HandleOptions): Promise<void> {
  const penalties = opts.penalties ?? new PeerPenalties()
  await host.handle(
    protocol,
    async (stream, connection) => {
      const peer = connection.remotePeer.toString()
      // A stream may beat refuseBanned's hang-up to the handler: it gets nothing either.
      if (penalties.isBanned(peer)) return stream.abort(new StreamClosed('peer is banned'))
      const reported: Misbehaviour[] = []
      const outcome = await serverExchange(streamDuplex(stream), (req, signal) => handler(req, { peer, signal, report: (kind) => void reported.push(kind) }), opts)
      if (outcome.kind === 'oversized' || outcome.kind === 'malformed' || outcome.kind === 'silent') reported.push(outcome.kind)
      // Counted once the answer is written, so a peer hung up on for a bad signature still hears why.
      let hangUp = false
      for (const kind of reported) hangUp = penalties.record(peer, kind) || hangUp
      if (hangUp) await host.hangUp(connection.remotePeer).catch(() => undefined)
    },
    // Never on a limited (relayed) connection: it is for identify and the WebRTC SDP exchange
    // only (docs/protocol.md#transports-and-connection-setup). A stream beyond
    // maxInboundStreams is reset by libp2p once negotiated: no answer, no penalty.
    { maxInboundStreams: opts.maxInboundStreams ?? MAX_INBOUND_STREAMS, runOnLimitedConnection: false, force: true },
  )
}

export interface RequestOptions {
  maxResponseBytes: number
  timeoutMs: number
  signal?: AbortSignal
}

/**
 * Opens a stream to `peer`, sends `bytes`, returns the answer's bytes. The
 * timeout covers opening the stream too. Throws MessageTooLarge, BadMessage,
 * RequestTimeout, StreamClosed, the caller's abort reason, or a dial error.
 */
export async function request(host: RpcHost, peer: DialTarget, protocol: string, bytes: Uint8Array, opts: RequestOptions): Promise<Uint8Array> {
  const { signal, clear } = timeoutSignal(opts.timeoutMs, opts.signal)
  try {
    // Never over a limited (relayed) connection: the server would refuse the stream anyway.
    const stream = await raceAbort(host.dialProtocol(peer, protocol, { signal, runOnLimitedConnection: false }), signal)
    return await clientExchange(streamDuplex(stream), bytes, opts.maxResponseBytes, signal)
  } catch (err) {
    if (err instanceof MessageTooLarge || err instanceof BadMessage || err instanceof RequestTimeout) throw err
    // libp2p turns our abort into its own AbortError: report the reason we aborted with.
    if (signal.aborted) throw signal.reason
    throw err
  } finally {
    clear()
  }
}

/** Registers a typed handler for one of the protocols in protocols.ts. */
export function serve<Req, Res extends { kind: string }>(
  host: RpcHost,
  spec: ProtocolSpec<Req, Res>,
  handler: TypedHandler<Req, Res>,
  opts: { penalties?: PeerPenalties; timeoutMs?: number } = {},
): Promise<void> {
  return handle(host, spec.id, toBytesHandler(spec, handler), {
    maxRequestBytes: spec.maxRequestBytes,
    timeoutMs: opts.timeoutMs ?? spec.timeoutMs,
    penalties: opts.penalties,
  })
}

/** Sends a typed request; resolves to the answer or the peer's error answer. */
export async function call<Req, Res extends { kind: string }>(
  host: RpcHost,
  peer: DialTarget,
  spec: ProtocolSpec<Req, Res>,
  q: Req,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<Res | ErrorResponse> {
  const bytes = await request(host, peer, spec.id, spec.encodeRequest(q), {
    maxResponseBytes: spec.maxResponseBytes,
    timeoutMs: opts.timeoutMs ?? spec.timeoutMs,
    signal: opts.signal,
  })
  return decodeAnswer(spec, bytes)
}
