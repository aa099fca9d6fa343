// The node's side of the snapshot protocol (docs/protocol.md#snapshot): chunks of the
// state tree at its served head, or at a recent height rebuilt from its undo lists.
// Caps, timeouts and penalties for malformed or oversized requests come from src/net.
import { snapshotChunkOf, snapshotLayout } from '../core/snapshot.ts'
import { serve, type PeerPenalties, type RpcHost } from '../net/rpc.ts'
import { SNAPSHOT, type SnapshotResponse } from '../net/snapshot-messages.ts'
import type { ErrorResponse } from '../net/messages.ts'
import type { ChainState } from './chain.ts'

export interface SnapshotServiceDeps {
  chain: ChainState
  penalties: PeerPenalties
}

/** Chunk `chunk` of the state after block `height`, as the wire answers it. */
export async function answerSnapshot(chain: ChainState, height: number, chunk: number): Promise<SnapshotResponse | ErrorResponse> {
  const { chunkCount } = snapshotLayout(chain.spec.profile.depth)
  if (chunk >= chunkCount) return { kind: 'error', code: 'bad-request', message: `chunks are 0..${chunkCount - 1}` }
  // Only states the node keeps: its served head and ACCOUNT_HISTORY_BLOCKS below it, never below its base.
  const answer = await chain.readState(height, (s) => ({ kind: 'snapshot' as const, height: s.header.height, chunk, ...snapshotChunkOf(s.ledger, chunk) }))
  return answer ?? { kind: 'error', code: 'not-found', message: `no state kept at height ${height}` }
}

export async function serveSnapshot(host: RpcHost, deps: SnapshotServiceDeps): Promise<void> {
  await serve(host, SNAPSHOT, ({ height, chunk }) => answerSnapshot(deps.chain, height, chunk), { penalties: deps.penalties })
}
