// A hostile libp2p peer in front of a real node: forwards every zklight request to the
// node and tampers with each proof in proofs-by-range and header-proofs answers. By default A is replaced by
// another point of G1 (every point check passes, only the pairing fails: proof-invalid);
// 'off-curve' flips a bit of A.x instead (refused before any pairing: proof-malformed).
import { HEADER_PROOFS } from '../../../src/net/header-proofs-messages.ts'
import { ALL_PROTOCOLS } from '../../../src/net/protocols.ts'
import { dialWithRetry, parseMultiaddr } from '../../../src/net/dial.ts'
import { createNodeHost, type NodeHost, type NodeHostOptions } from '../../../src/net/host.ts'
import { handle, request } from '../../../src/net/rpc.ts'
import { offCurveA, shiftedA } from '../../helpers/tamper.ts'
import { tamperAnswer } from '../../helpers/tamper-answer.ts'

/** `hostOptions` picks the proxy's transports (default: TCP only; the e2e peer listens on WebSockets). */
export async function startTamperingProxy(
  target: string,
  how: 'on-curve' | 'off-curve' = 'on-curve',
  hostOptions: NodeHostOptions = { wsPort: null, webrtcDirectPort: null, relayServer: false },
): Promise<{ host: NodeHost; addrs: string[]; tampered: () => number }> {
  const tamper = how === 'on-curve' ? shiftedA : offCurveA
  const host = await createNodeHost(hostOptions)
  const conn = await dialWithRetry(host, parseMultiaddr(target))
  let tampered = 0
  for (const spec of [...ALL_PROTOCOLS, HEADER_PROOFS]) {
    await handle(
      host,
      spec.id,
      async (req, ctx) => {
        const answer = await request(host, conn.remotePeer, spec.id, req, { maxResponseBytes: spec.maxResponseBytes, timeoutMs: spec.timeoutMs, signal: ctx.signal })
        const out = tamperAnswer(spec.id, answer, tamper)
        tampered += out.tampered
        return out.bytes
      },
      { maxRequestBytes: spec.maxRequestBytes, timeoutMs: spec.timeoutMs },
    )
  }
  return { host, addrs: host.getMultiaddrs().map(String), tampered: () => tampered }
}
