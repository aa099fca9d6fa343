// A snapshot join's second step: the state at the proven height H, fetched chunk by chunk
// from several peers at once, each chunk checked against H's state root on arrival. A
// chunk that fails is an offence (the peer is banned) and is asked of another peer.
import type { Logger } from '../core/logger.ts'
import { snapshotLayout, verifySnapshotChunk } from '../core/snapshot.ts'
import type { Account, Header } from '../core/types.ts'
import { SNAPSHOT, type SnapshotResponse } from '../net/snapshot-messages.ts'
import { SNAPSHOT_CHUNKS_IN_FLIGHT, SNAPSHOT_CHUNKS_PER_PEER, SNAPSHOT_MAX_PEER_FAULTS } from './constants.ts'
import { SnapshotJoinFailed } from './errors.ts'
import type { Asked, JoinPeers } from './snapshot-peers.ts'

export interface FetchedState {
  /** Every account of the state after block H. */
  accounts: Map<number, Account>
  chunks: number
  bytes: number
  /** Chunks asked again after a bad answer or a fault. */
  refetched: number
  /** Verified chunks per peer. */
  servedBy: Record<string, number>
}

interface Done {
  id: number
  chunk: number
  peer: string
  r: Asked<SnapshotResponse>
}

/**
 * Fetches every chunk of the state after `target` from `holders` (peers whose head is at
 * or a little above H), SNAPSHOT_CHUNKS_PER_PEER per peer and SNAPSHOT_CHUNKS_IN_FLIGHT in
 * all, the least busy peer first so the first wave reaches every holder.
 */
export async function fetchChunks(ctx: { peers: JoinPeers; depth: number; logger: Logger }, target: Header, holders: readonly string[]): Promise<FetchedState> {
  const { peers } = ctx
  const layout = snapshotLayout(ctx.depth)
  const height = target.height
  const queue = Array.from({ length: layout.chunkCount }, (_, i) => i)
  const tried = new Map<number, Set<string>>()
  const faults = new Map<string, number>()
  const busy = new Map<string, number>()
  const active = new Map<number, Promise<Done>>()
  const out: FetchedState = { accounts: new Map(), chunks: 0, bytes: 0, refetched: 0, servedBy: {} }
  let nextId = 0

  const pick = (chunk: number): string | undefined => {
    const free = holders.filter((p) => !peers.isBanned(p) && (faults.get(p) ?? 0) < SNAPSHOT_MAX_PEER_FAULTS && (busy.get(p) ?? 0) < SNAPSHOT_CHUNKS_PER_PEER)
    const fresh = free.filter((p) => !tried.get(chunk)?.has(p))
    const pool = fresh.length > 0 ? fresh : free
    let best: string | undefined
    for (const p of pool) if (best === undefined || (busy.get(p) ?? 0) < (busy.get(best) ?? 0)) best = p
    return best
  }
  const fault = (peer: string, chunk: number, why: string) => {
    faults.set(peer, (faults.get(peer) ?? 0) + 1)
    ctx.logger.debug(`chunk ${chunk} at ${height} from ${peer}: ${why}`)
  }

  while (out.chunks < layout.chunkCount) {
    while (queue.length > 0 && active.size < SNAPSHOT_CHUNKS_IN_FLIGHT) {
      const chunk = queue[0] as number
      const peer = pick(chunk)
      if (peer === undefined) break
      queue.shift()
      const used = tried.get(chunk) ?? new Set<string>()
      tried.set(chunk, used.add(peer))
      busy.set(peer, (busy.get(peer) ?? 0) + 1)
      const id = nextId++
      active.set(
        id,
        peers.ask(peer, SNAPSHOT, { height, chunk }).then((r) => ({ id, chunk, peer, r })),
      )
    }
    if (active.size === 0) throw new SnapshotJoinFailed('no-chunk-source', `${queue.length} chunk(s) of the state at ${height} left and no peer to ask`)
    const { id, chunk, peer, r } = await Promise.race(active.values())
    active.delete(id)
    busy.set(peer, (busy.get(peer) ?? 1) - 1)
    if (peers.isBanned(peer)) {
      // Banned while this request was in flight (another of its chunks failed): its answers no longer count.
      queue.unshift(chunk)
      out.refetched++
      continue
    }
    if (!r.ok || r.answer.kind === 'error') {
      // Malformed answers were banned by ask(); a timeout, an error or `not-found` is a fault.
      fault(peer, chunk, r.ok && r.answer.kind === 'error' ? r.answer.code : 'request failed')
      queue.unshift(chunk)
      out.refetched++
      continue
    }
    const v = verifySnapshotChunk({ stateRoot: target.stateRoot, depth: ctx.depth, height, chunk }, r.answer)
    if (!v.ok) {
      peers.ban(peer, 'bad-snapshot-chunk', `chunk ${chunk} at ${height}: ${v.reason}`)
      queue.unshift(chunk)
      out.refetched++
      continue
    }
    for (const { index, account } of r.answer.accounts) out.accounts.set(index, account)
    out.chunks++
    out.bytes += r.bytes
    out.servedBy[peer] = (out.servedBy[peer] ?? 0) + 1
  }
  return out
}
