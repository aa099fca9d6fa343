// Which transport an address or connection uses, and the order a light client tries
// a peer's addresses in. Browsers reach nodes over WebRTC-Direct first: it needs no
// CA certificate (the address pins the node's certificate hash), while a page served
// over https may open neither ws:// nor a wss:// without a CA-signed certificate.
import type { Connection, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** `webrtc` is browser-to-browser (SDP through a relay); a relayed connection without it is `other`. */
export type TransportKind = 'webrtc-direct' | 'websockets' | 'webrtc' | 'tcp' | 'other'

/**
 * Order in which a browser tries one peer's addresses, one kind after the other:
 * WebSockets only once every WebRTC attempt failed. (libp2p's own sorter puts
 * WebSockets before WebRTC-Direct, so the addresses are not handed to it at once.)
 */
export const BROWSER_DIAL_ORDER: readonly TransportKind[] = ['webrtc-direct', 'webrtc', 'websockets', 'other']

/** The transport of an address, read from its protocol components. */
export function transportOfAddr(addr: Multiaddr): TransportKind {
  const names = addr.getComponents().map((c) => c.name)
  const circuit = names.lastIndexOf('p2p-circuit')
  // After a relay hop only what follows the hop says how the peer is reached.
  const own = circuit >= 0 ? names.slice(circuit + 1) : names
  if (own.includes('webrtc-direct')) return 'webrtc-direct'
  if (own.includes('webrtc')) return 'webrtc'
  if (circuit >= 0) return 'other'
  if (own.includes('ws') || own.includes('wss')) return 'websockets'
  if (own.includes('tcp')) return 'tcp'
  return 'other'
}

/**
 * The transport requests to `peer` travel over: its open, unlimited connection,
 * a direct one first — the one libp2p itself picks for a new stream. Undefined
 * when there is none.
 */
export function transportOfPeer(host: { getConnections(peer?: PeerId): Connection[] }, peer: PeerId): TransportKind | undefined {
  const usable = host.getConnections(peer).filter((c) => c.status === 'open' && c.limits == null)
  const conn = usable.find((c) => c.direct) ?? usable[0]
  return conn ? transportOfAddr(conn.remoteAddr) : undefined
}

/** Groups addresses by transport in `order`; kinds not in `order` are left out. */
export function groupByTransport(addrs: readonly Multiaddr[], order: readonly TransportKind[]): Multiaddr[][] {
  return order.map((kind) => addrs.filter((a) => transportOfAddr(a) === kind)).filter((g) => g.length > 0)
}
