// A hostile peer in front of a real node for snapshot-join tests: forwards every zklight
// request (status, headers, proofs, account, submit, snapshot) to the node and lies in one
// way: a chunk's balance changed (or an account invented in an empty chunk), a chunk's first
// sibling changed, its status head's certificate broken, or the last header of each
// proofs-by-range answer changed (still linked to its parent, so only its certificate shows it).
import { decodeStatusResponse, encodeProofsResponse, encodeStatusResponse, decodeProofsResponse } from '../../../src/net/messages.ts'
import { dialWithRetry, parseMultiaddr } from '../../../src/net/dial.ts'
import { createNodeHost, type NodeHost } from '../../../src/net/host.ts'
import { MAX_PROOFS_RESPONSE_BYTES } from '../../../src/net/constants.ts'
import { ALL_PROTOCOLS, PROOFS, STATUS } from '../../../src/net/protocols.ts'
import { handle, request } from '../../../src/net/rpc.ts'
import { SNAPSHOT, decodeSnapshotResponse, encodeSnapshotResponse } from '../../../src/net/snapshot-messages.ts'

export type Lie = 'chunk-balance' | 'chunk-siblings' | 'head-certificate' | 'range-tail'

export interface HostileProxy {
  host: NodeHost
  addrs: string[]
  /** Answers it has changed so far. */
  lies: () => number
  stop: () => Promise<void>
}

function lie(kind: Lie, protocol: string, answer: Uint8Array): Uint8Array | undefined {
  if (protocol === SNAPSHOT.id && kind.startsWith('chunk-')) {
    const d = decodeSnapshotResponse(answer)
    if (!d.ok || d.value.kind !== 'snapshot') return undefined
    const c = d.value
    if (kind === 'chunk-siblings') return encodeSnapshotResponse({ ...c, siblings: c.siblings.map((s, i) => (i === 0 ? s ^ 1n : s)) })
    const [first, ...rest] = c.accounts
    const base = c.chunk * 16 // the test profile's chunks: 16 leaves
    const accounts = first
      ? [{ index: first.index, account: { ...first.account, balance: first.account.balance + 1_000_000n } }, ...rest]
      : [{ index: base, account: { pubKey: [1n, 2n] as const, balance: 1_000_000n, nonce: 0 } }]
    return encodeSnapshotResponse({ ...c, accounts })
  }
  if (protocol === STATUS.id && kind === 'head-certificate') {
    const d = decodeStatusResponse(answer)
    if (!d.ok || d.value.kind !== 'status' || !d.value.headQc) return undefined
    const [first, ...rest] = d.value.headQc.signatures
    if (!first) return undefined
    const signature = first.signature.slice()
    signature[0] = (signature[0] as number) ^ 1
    return encodeStatusResponse({ ...d.value, headQc: { ...d.value.headQc, signatures: [{ ...first, signature }, ...rest] } })
  }
  if (protocol === PROOFS.id && kind === 'range-tail') {
    const d = decodeProofsResponse(answer)
    if (!d.ok || d.value.kind !== 'proofs') return undefined
    const entries = d.value.entries.slice()
    const tail = entries.at(-1)
    if (!tail || tail.block.transfers.length > 0) return undefined // an empty block: no proof gives it away
    entries[entries.length - 1] = { ...tail, block: { ...tail.block, header: { ...tail.block.header, timestamp: tail.block.header.timestamp + 1 } } }
    return encodeProofsResponse({ entries }, MAX_PROOFS_RESPONSE_BYTES)
  }
  return undefined
}

export async function startHostileProxy(target: string, kind: Lie): Promise<HostileProxy> {
  const host = await createNodeHost({ wsPort: null, webrtcDirectPort: null, relayServer: false })
  const conn = await dialWithRetry(host, parseMultiaddr(target))
  let lies = 0
  for (const spec of [...ALL_PROTOCOLS, SNAPSHOT]) {
    await handle(
      host,
      spec.id,
      async (req, ctx) => {
        const answer = await request(host, conn.remotePeer, spec.id, req, { maxResponseBytes: spec.maxResponseBytes, timeoutMs: spec.timeoutMs, signal: ctx.signal })
        const changed = lie(kind, spec.id, answer)
        if (changed === undefined) return answer
        lies++
        return changed
      },
      { maxRequestBytes: spec.maxRequestBytes, timeoutMs: spec.timeoutMs },
    )
  }
  return { host, addrs: host.getMultiaddrs().map(String), lies: () => lies, stop: async () => host.stop() }
}
