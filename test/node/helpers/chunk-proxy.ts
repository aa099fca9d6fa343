// A hostile peer in front of a real node for snapshot tests: forwards every zklight request
// (status, headers, proofs, account, submit, snapshot) to the node, and tampers with each
// snapshot chunk it serves: a balance changed (or an account invented in an empty chunk),
// or the first sibling changed.
import { dialWithRetry, parseMultiaddr } from '../../../src/net/dial.ts'
import { createNodeHost, type NodeHost } from '../../../src/net/host.ts'
import { ALL_PROTOCOLS } from '../../../src/net/protocols.ts'
import { handle, request } from '../../../src/net/rpc.ts'
import { SNAPSHOT, decodeSnapshotResponse, encodeSnapshotResponse } from '../../../src/net/snapshot-messages.ts'

export type ChunkTamper = 'balance' | 'siblings'

export async function startChunkTamperingProxy(target: string, tamper: ChunkTamper): Promise<{ host: NodeHost; addrs: string[]; tampered: () => number; stop: () => Promise<void> }> {
  const host = await createNodeHost({ wsPort: null, webrtcDirectPort: null, relayServer: false })
  const conn = await dialWithRetry(host, parseMultiaddr(target))
  let tampered = 0
  for (const spec of [...ALL_PROTOCOLS, SNAPSHOT]) {
    await handle(
      host,
      spec.id,
      async (req, ctx) => {
        const answer = await request(host, conn.remotePeer, spec.id, req, { maxResponseBytes: spec.maxResponseBytes, timeoutMs: spec.timeoutMs, signal: ctx.signal })
        if (spec.id !== SNAPSHOT.id) return answer
        const d = decodeSnapshotResponse(answer)
        if (!d.ok || d.value.kind !== 'snapshot') return answer
        const c = d.value
        tampered++
        if (tamper === 'siblings') return encodeSnapshotResponse({ ...c, siblings: c.siblings.map((s, i) => (i === 0 ? s ^ 1n : s)) })
        const [first, ...rest] = c.accounts
        const base = c.chunk * 16 // the test profile's chunks: 16 leaves
        const accounts = first
          ? [{ index: first.index, account: { ...first.account, balance: first.account.balance + 1_000_000n } }, ...rest]
          : [{ index: base, account: { pubKey: [1n, 2n] as const, balance: 1_000_000n, nonce: 0 } }]
        return encodeSnapshotResponse({ ...c, accounts })
      },
      { maxRequestBytes: spec.maxRequestBytes, timeoutMs: spec.timeoutMs },
    )
  }
  return { host, addrs: host.getMultiaddrs().map(String), tampered: () => tampered, stop: async () => host.stop() }
}
