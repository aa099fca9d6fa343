// ClientNetwork over a libp2p host (built with src/net: Node or browser flavour):
// dials the bootstrap peers (a browser: WebRTC-Direct first, WebSockets only when that
// fails), tracks peers that speak zklight and the transport each is reached over,
// receives gossiped heads, bans by hanging up, and serves the client's verified data.
import { PROTOCOL } from '../net/constants.ts'
import { dialInTurn, dialWithRetry, parseMultiaddr, peerIdStringOf } from '../net/dial.ts'
import { subscribeHeads } from '../net/gossip.ts'
import { HEADER_PROOFS } from '../net/header-proofs-messages.ts'
import { ALL_PROTOCOLS } from '../net/protocols.ts'
import { handle, PeerPenalties, request, type RpcHost } from '../net/rpc.ts'
import { BROWSER_DIAL_ORDER, groupByTransport, transportOfPeer } from '../net/transports.ts'
import type { Clock } from '../core/platform.ts'
import { isNode, mark } from './deps.ts'
import { createPlatformHost } from '#platform'
import type { ClientNetwork, NetworkEvent, ServeHandler } from './network.ts'
import { createWireClient } from './wire-client.ts'

/** The slice of a libp2p host this adapter uses (both src/net hosts fit). */
type Host = RpcHost &
  Parameters<typeof subscribeHeads>[0] &
  Parameters<typeof dialWithRetry>[0] & {
    addEventListener(type: 'peer:identify', fn: (evt: CustomEvent<{ peerId: PeerRef; protocols: string[] }>) => void): void
    addEventListener(type: 'peer:connect' | 'peer:disconnect', fn: (evt: CustomEvent<PeerRef>) => void): void
    stop(): Promise<void>
    getMultiaddrs(): { toString(): string }[]
  } & Parameters<typeof transportOfPeer>[0]
type PeerRef = Parameters<typeof transportOfPeer>[1]
type Addr = ReturnType<typeof parseMultiaddr>

export interface Libp2pNetworkOptions {
  bootstrap: string[]
  rtc: { iceServers: unknown[] }
  /** An existing host (not stopped by this network); one is created otherwise. */
  host?: unknown
  clock: Clock
  /** Browser only. WARNING: lets the tab dial loopback/private addresses (devnets). */
  allowPrivateAddresses?: boolean
  /** Use only these peers (ids) for zklight requests; other connections (a relay) carry nothing of ours. */
  onlyPeers?: string[]
  /** Per dial attempt; default src/net's DIAL_TIMEOUT_MS. */
  dialTimeoutMs?: number
}

/** A browser host, or a dial-only Node host: the `#platform` import picks one when bundled or loaded. */
async function createHost(opts: Libp2pNetworkOptions): Promise<Host> {
  const rtcConfiguration = { iceServers: opts.rtc.iceServers } as RTCConfiguration
  return (await createPlatformHost({ rtcConfiguration, allowPrivateAddresses: opts.allowPrivateAddresses === true })) as Host
}

/** Bootstrap addresses grouped by the peer they name; browsers skip raw TCP (no WebSockets on it), which they cannot dial. */
function groupByPeer(addrs: string[]): Map<string, Addr[]> {
  const out = new Map<string, Addr[]>()
  for (const s of addrs) {
    if (!isNode() && s.includes('/tcp/') && !/\/(ws|wss|tls)(\/|$)/.test(s)) continue
    let ma
    try {
      ma = parseMultiaddr(s)
    } catch {
      continue
    }
    const peer = peerIdStringOf(ma) ?? s
    out.set(peer, [...(out.get(peer) ?? []), ma])
  }
  return out
}

/** The protocols a light client may serve, with their request limits. */
export const SERVABLE_PROTOCOLS = [...ALL_PROTOCOLS, HEADER_PROOFS]

/** Dial attempts per address group: fresh attempts beat the WebRTC dial race (src/net/dial.ts). */
const ATTEMPTS = 2

/**
 * Dials one peer. Node: all its addresses at once (libp2p tries TCP first). Browser:
 * WebRTC-Direct, then browser-to-browser WebRTC, and WebSockets only when every
 * WebRTC attempt failed (docs/protocol.md#transports-and-connection-setup).
 */
function dialPeer(host: Host, addrs: Addr[], timeoutMs?: number): Promise<unknown> {
  const opts = { attempts: ATTEMPTS, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }
  if (isNode()) return dialWithRetry(host, addrs, opts)
  return dialInTurn(host, groupByTransport(addrs, BROWSER_DIAL_ORDER), opts)
}

export async function createLibp2pNetwork(opts: Libp2pNetworkOptions): Promise<ClientNetwork> {
  const ownsHost = opts.host === undefined
  const host = (opts.host as Host | undefined) ?? (await createHost(opts))
  const known = new Map<string, PeerRef>() // zklight peers currently connected
  const stateful = new Set<string>() // those that serve account proofs and transfers (nodes)
  const protocolsOf = new Map<string, Set<string>>() // what each identified peer said it speaks
  const bans = new Map<string, number>()
  const listeners: ((ev: NetworkEvent) => void)[] = []
  const bootstrap = groupByPeer(opts.bootstrap)
  const served: string[] = []
  let unsubscribe: (() => void) | undefined
  let dialing: Promise<void> | undefined
  let dialed = false
  let connected = false
  let running = false
  const emit = (ev: NetworkEvent) => {
    if (running) for (const fn of listeners) fn(ev)
  }
  const banned = (peer: string) => (bans.get(peer) ?? 0) > opts.clock.now()

  host.addEventListener('peer:identify', (evt) => {
    const id = evt.detail.peerId.toString()
    if (banned(id)) return void host.hangUp(evt.detail.peerId).catch(() => {})
    if (!evt.detail.protocols.includes(PROTOCOL.status)) {
      // A bootstrap address that leads to something else (another libp2p service): say so rather than wait.
      const addrs = bootstrap.get(id)
      if (addrs) emit({ type: 'unreachable', peer: id, addrs: addrs.map(String), reason: 'not-zklight', protocols: evt.detail.protocols })
      return
    }
    protocolsOf.set(id, new Set(evt.detail.protocols))
    if (known.has(id)) return
    if (opts.onlyPeers && !opts.onlyPeers.includes(id)) return
    known.set(id, evt.detail.peerId)
    if (evt.detail.protocols.includes(PROTOCOL.account)) stateful.add(id)
    if (!connected) mark('zklight:first-peer')
    connected = true
    emit({ type: 'connect', peer: id })
  })
  host.addEventListener('peer:connect', (evt) => {
    if (banned(evt.detail.toString())) void host.hangUp(evt.detail).catch(() => {})
  })
  host.addEventListener('peer:disconnect', (evt) => {
    const id = evt.detail.toString()
    stateful.delete(id)
    protocolsOf.delete(id)
    if (known.delete(id)) emit({ type: 'disconnect', peer: id })
  })

  const wire = createWireClient((peer, protocol, bytes, o) => {
    const ref = known.get(peer)
    if (!ref) return Promise.reject(Object.assign(new Error(`not connected to ${peer}`), { name: 'StreamClosed' }))
    return request(host, ref, protocol, bytes, o)
  })

  const network: ClientNetwork = {
    ...wire,
    async start() {
      running = true
      unsubscribe = subscribeHeads(host, (ev) => {
        if (banned(ev.peer)) return
        emit('head' in ev ? { type: 'head', peer: ev.peer, head: ev.head } : { type: 'head', peer: ev.peer, reason: ev.reason })
      })
      void network.ensurePeers(bootstrap.size)
    },
    async stop() {
      running = false
      unsubscribe?.()
      await Promise.allSettled(served.map((p) => host.unhandle(p)))
      if (ownsHost) await host.stop()
    },
    peers: () => [...known.keys()],
    addresses: () => host.getMultiaddrs().map(String),
    servesState: (peer) => (known.has(peer) ? stateful.has(peer) : undefined),
    supports: (peer, protocol) => (known.has(peer) ? protocolsOf.get(peer)?.has(protocol) : undefined),
    transportOf: (peer) => {
      const ref = known.get(peer)
      return ref ? transportOfPeer(host, ref) : undefined
    },
    on(fn) {
      listeners.push(fn)
    },
    async ban(peer, untilMs) {
      bans.set(peer, untilMs)
      const ref = known.get(peer)
      if (ref) await host.hangUp(ref).catch(() => {})
    },
    ensurePeers(want) {
      dialing ??= (async () => {
        const targets = [...bootstrap].filter(([peer]) => !known.has(peer) && !banned(peer))
        // Only nodes and bootstrap peers count toward `want`. Other light clients that
        // connected to this one (tabs syncing from it) may have nothing to serve: counting
        // them, a few such tabs would keep this client from ever redialling a node it lost.
        const sources = [...known.keys()].filter((p) => stateful.has(p) || bootstrap.has(p)).length
        const missing = Math.max(0, want - sources)
        if (!dialed && missing > 0 && targets.length > 0) {
          dialed = true
          mark('zklight:first-dial') // start-up timelines: navigation → first dial
        }
        await Promise.allSettled(
          targets
            .slice(0, missing)
            .map(([peer, addrs]) => dialPeer(host, addrs, opts.dialTimeoutMs).catch((error: unknown) => emit({ type: 'unreachable', peer, addrs: addrs.map(String), reason: 'dial-failed', error }))),
        )
      })().finally(() => (dialing = undefined))
      return dialing
    },
    serve(handlers: ReadonlyMap<string, ServeHandler>) {
      // One count per peer across protocols (docs/protocol.md#penalties), not one per protocol.
      const penalties = new PeerPenalties()
      for (const [id, h] of handlers) {
        const spec = SERVABLE_PROTOCOLS.find((p) => p.id === id)
        // A handler for a protocol this network has no limits for is a bug, not something to skip quietly.
        if (!spec) throw new Error(`no request limits known for ${id}`)
        served.push(id)
        void handle(host, id, h, { maxRequestBytes: spec.maxRequestBytes, timeoutMs: spec.timeoutMs, penalties })
      }
    },
  }
  return network
}
