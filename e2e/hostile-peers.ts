// Peers a browser can reach over WebSockets that it must not trust: a proxy in front of a
// real node that replaces A of every proof it forwards (proofs-by-range and header-proofs)
// by another point of G1, so only the pairing can tell (a lying zklight peer), and a
// libp2p host that speaks no zklight protocol at all.
import '../src/polyfill.ts'
import { HEADER_PROOFS } from '../src/net/header-proofs-messages.ts'
import { ALL_PROTOCOLS } from '../src/net/protocols.ts'
import { dialWithRetry, parseMultiaddr } from '../src/net/dial.ts'
import { createNodeHost, type NodeHost } from '../src/net/host.ts'
import { handle, request } from '../src/net/rpc.ts'
import { shiftedA } from '../test/helpers/tamper.ts'
import { tamperAnswer } from '../test/helpers/tamper-answer.ts'

const wsOnly = { tcpPort: null, wsPort: 0, webrtcDirectPort: null, relayServer: false } as const
const wsAddr = (host: NodeHost): string => {
  const a = host
    .getMultiaddrs()
    .map(String)
    .find((m) => m.includes('/ws/'))
  if (!a) throw new Error('the host has no WebSockets address')
  return a
}

/** Forwards zklight requests to `target` (a node's TCP multiaddr), tampering with every proof. */
export async function startTamperingPeer(target: string): Promise<{ host: NodeHost; addr: string; tampered: () => number }> {
  const host = await createNodeHost(wsOnly)
  const conn = await dialWithRetry(host, parseMultiaddr(target))
  let tampered = 0
  for (const spec of [...ALL_PROTOCOLS, HEADER_PROOFS]) {
    await handle(
      host,
      spec.id,
      async (req, ctx) => {
        const answer = await request(host, conn.remotePeer, spec.id, req, { maxResponseBytes: spec.maxResponseBytes, timeoutMs: spec.timeoutMs, signal: ctx.signal })
        const out = tamperAnswer(spec.id, answer, shiftedA)
        tampered += out.tampered
        return out.bytes
      },
      { maxRequestBytes: spec.maxRequestBytes, timeoutMs: spec.timeoutMs },
    )
  }
  return { host, addr: wsAddr(host), tampered: () => tampered }
}

/** A libp2p host with identify and ping only. */
export async function startForeignPeer(): Promise<{ host: NodeHost; addr: string }> {
  const host = await createNodeHost(wsOnly)
  return { host, addr: wsAddr(host) }
}
