// An in-memory network for light-client tests: endpoints with byte-level request
// handlers, links between them, and gossip. Requests go through the same wire
// client (encode/decode, size caps, timeouts) as the libp2p network.
import { decodeHeadAnnouncement } from '../../../src/net/messages.ts'
import { MessageTooLarge, RequestTimeout, StreamClosed } from '../../../src/net/errors.ts'
import type { ClientNetwork, NetworkEvent, ServeHandler } from '../../../src/client/network.ts'
import { createWireClient } from '../../../src/client/wire-client.ts'
import { PROTOCOL } from '../../../src/net/constants.ts'

interface Endpoint {
  handlers: Map<string, ServeHandler>
  listeners: ((ev: NetworkEvent) => void)[]
}

export class MemoryHub {
  private readonly endpoints = new Map<string, Endpoint>()
  private readonly links = new Set<string>()
  /** Every request made, for tests that check who was asked what. */
  readonly log: { from: string; to: string; protocol: string }[] = []

  endpoint(id: string): Endpoint {
    let e = this.endpoints.get(id)
    if (!e) this.endpoints.set(id, (e = { handlers: new Map(), listeners: [] }))
    return e
  }

  setHandlers(id: string, handlers: ReadonlyMap<string, ServeHandler>): void {
    const e = this.endpoint(id)
    for (const [k, v] of handlers) e.handlers.set(k, v)
  }

  linked(a: string, b: string): boolean {
    return this.links.has(key(a, b))
  }

  peersOf(id: string): string[] {
    const out: string[] = []
    for (const k of this.links) {
      const [a, b] = k.split('|') as [string, string]
      if (a === id) out.push(b)
      else if (b === id) out.push(a)
    }
    return out
  }

  connect(a: string, b: string): void {
    if (this.linked(a, b)) return
    this.links.add(key(a, b))
    this.emit(a, { type: 'connect', peer: b })
    this.emit(b, { type: 'connect', peer: a })
  }

  disconnect(a: string, b: string): void {
    if (!this.links.delete(key(a, b))) return
    this.emit(a, { type: 'disconnect', peer: b })
    this.emit(b, { type: 'disconnect', peer: a })
  }

  /** Delivers gossip bytes from `from` to every linked endpoint. */
  publish(from: string, bytes: Uint8Array): void {
    for (const to of this.peersOf(from)) {
      const d = decodeHeadAnnouncement(bytes)
      this.emit(to, d.ok ? { type: 'head', peer: from, head: d.value } : { type: 'head', peer: from, reason: d.reason })
    }
  }

  async request(from: string, to: string, protocol: string, bytes: Uint8Array, opts: { maxResponseBytes: number; timeoutMs: number; signal?: AbortSignal }): Promise<Uint8Array> {
    if (!this.linked(from, to)) throw new StreamClosed('not connected')
    this.log.push({ from, to, protocol })
    const handler = this.endpoint(to).handlers.get(protocol)
    // What libp2p's multistream-select throws when the peer does not list the protocol.
    if (!handler) throw Object.assign(new Error(`protocol ${protocol} not supported`), { name: 'UnsupportedProtocolError' })
    const ac = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort()
        reject(new RequestTimeout(opts.timeoutMs))
      }, opts.timeoutMs)
    })
    let onAbort = () => {}
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))
      if (opts.signal?.aborted) onAbort()
      opts.signal?.addEventListener('abort', onAbort, { once: true })
    })
    try {
      const response = await Promise.race([handler(bytes.slice(), { peer: from, signal: ac.signal }), timeout, aborted])
      if (response.length > opts.maxResponseBytes) throw new MessageTooLarge(response.length, opts.maxResponseBytes)
      return response.slice()
    } finally {
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
    }
  }

  private emit(id: string, ev: NetworkEvent): void {
    for (const fn of this.endpoint(id).listeners) fn(ev)
  }
}

function key(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`
}

/**
 * A light client's view of the hub. `dialable` are the peers ensurePeers may (re)connect to.
 * With `identify`, the network tells which protocols a peer serves (as libp2p's identify
 * does); without it, whether a peer speaks a protocol is learnt by asking.
 */
export function createMemoryNetwork(hub: MemoryHub, id: string, dialable: string[] = [], opts: { identify?: boolean } = {}): ClientNetwork & { id: string; bans: Map<string, number> } {
  const bans = new Map<string, number>()
  const wire = createWireClient((peer, protocol, request, opts) => hub.request(id, peer, protocol, request, opts))
  let started = false
  return {
    ...wire,
    id,
    bans,
    async start() {
      started = true
      await this.ensurePeers(dialable.length)
    },
    async stop() {
      started = false
      for (const p of hub.peersOf(id)) hub.disconnect(id, p)
    },
    peers: () => hub.peersOf(id),
    ...(opts.identify
      ? {
          supports: (peer: string, protocol: string) => (hub.linked(id, peer) ? hub.endpoint(peer).handlers.has(protocol) : undefined),
          servesState: (peer: string) => (hub.linked(id, peer) ? hub.endpoint(peer).handlers.has(PROTOCOL.account) : undefined),
        }
      : {}),
    on(fn) {
      hub.endpoint(id).listeners.push((ev) => {
        if (started) fn(ev)
      })
    },
    async ban(peer, untilMs) {
      bans.set(peer, untilMs)
      hub.disconnect(id, peer)
    },
    async ensurePeers(want) {
      for (const p of dialable) {
        if (hub.peersOf(id).length >= want) break
        if ((bans.get(p) ?? 0) > Date.now()) continue
        hub.connect(id, p)
      }
    },
    serve(handlers) {
      hub.setHandlers(id, handlers)
    },
  }
}
