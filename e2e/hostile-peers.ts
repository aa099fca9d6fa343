// Peers a browser can reach over WebSockets that it must not trust: a proxy in front of a
// real node that flips a bit of every proof it forwards (a lying zklight peer), and a
// libp2p host that speaks no zklight protocol at all.
import '../src/polyfill.ts'
import { decodeProofsResponse, encodeProofsResponse } from '../src/net/messages.ts'
import { ALL_PROTOCOLS, PROOFS } from '../src/net/protocols.ts'
import { dialWithRetry, parseMultiaddr } from '../src/net/dial.ts'
import { createNodeHost, type NodeHost } from '../src/net/host.ts'
import { handle, request } from '../src/net/rpc.ts'
import { MAX_PROOFS_RESPONSE_BYTES } from '../src/net/constants.ts'

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
  for (const spec of ALL_PROTOCOLS) {
    await handle(
      host,
      spec.id,
      async (req, ctx) => {
        const answer = await request(host, conn.remotePeer, spec.id, req, { maxResponseBytes: spec.maxResponseBytes, timeoutMs: spec.timeoutMs, signal: ctx.signal })
        if (spec.id !== PROOFS.id) return answer
        const d = decodeProofsResponse(answer)
        if (!d.ok || d.value.kind !== 'proofs') return answer
        const entries = d.value.entries.map((e) => {
          if (!e.proof) return e
          tampered++
          const proof = e.proof.slice()
          proof[31] = (proof[31] as number) ^ 1
          return { ...e, proof }
        })
        return encodeProofsResponse({ entries }, MAX_PROOFS_RESPONSE_BYTES)
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
