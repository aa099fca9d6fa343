// Peers a browser can reach over WebSockets that it must not trust: a proxy in front of a
// real node that replaces A of every proof it forwards (proofs-by-range and header-proofs)
// by another point of G1, so only the pairing can tell (a lying zklight peer), and a
// libp2p host that speaks no zklight protocol at all.
import '../src/polyfill.ts'
import { createNodeHost, type NodeHost } from '../src/net/host.ts'
import { startTamperingProxy } from '../test/client/helpers/hostile-proxy.ts'

const wsOnly = { tcpPort: null, wsPort: 0, webrtcDirectPort: null, relayServer: false } as const
const wsAddr = (host: NodeHost): string => {
  const a = host
    .getMultiaddrs()
    .map(String)
    .find((m) => m.includes('/ws/'))
  if (!a) throw new Error('the host has no WebSockets address')
  return a
}

/** Forwards zklight requests to `target` (a node's TCP multiaddr) over WebSockets, tampering with every proof (A moved on the curve). */
export async function startTamperingPeer(target: string): Promise<{ host: NodeHost; addr: string; tampered: () => number }> {
  const proxy = await startTamperingProxy(target, 'on-curve', wsOnly)
  return { host: proxy.host, addr: wsAddr(proxy.host), tampered: proxy.tampered }
}

/** A libp2p host with identify and ping only. */
export async function startForeignPeer(): Promise<{ host: NodeHost; addr: string }> {
  const host = await createNodeHost(wsOnly)
  return { host, addr: wsAddr(host) }
}
