// Joining by snapshot (docs/node.md, "Joining by snapshot"): a node with an empty store
// takes a recent certified head H of its peers, proves H's state root from its trust
// anchor the light-client way (src/node/snapshot-head.ts), fetches the state at H in
// verified chunks (src/node/snapshot-chunks.ts) and starts its store there; the follower
// then re-executes only the blocks after H. Start-up cost follows the state's size.
import { silentLogger, type Logger } from '../core/logger.ts'
import type { Clock } from '../core/platform.ts'
import type { Header } from '../core/types.ts'
import { sleep, systemClock } from '../client/deps.ts'
import { createNodeHost } from '../net/host.ts'
import type { Offence } from '../net/peer-judgement.ts'
import type { RpcHost } from '../net/rpc.ts'
import { BlockStore } from '../store/block-store.ts'
import { createNodeVerifierPool } from '../zk/node-verifier.ts'
import type { ProofVerifier } from '../zk/proof-verifier.ts'
import { chainIdentity, type ChainSpec } from './chain-spec.ts'
import { ACCOUNT_HISTORY_BLOCKS, FOLLOW_POLL_MS, SNAPSHOT_JOIN_TIMEOUT_MS } from './constants.ts'
import { SnapshotJoinFailed } from './errors.ts'
import { fetchChunks } from './snapshot-chunks.ts'
import { chooseHead, proveHead } from './snapshot-head.ts'
import { JoinPeers, type PeerBan } from './snapshot-peers.ts'

export interface SnapshotJoinDeps {
  host: RpcHost
  /** An empty store; on success it holds the snapshot (BlockStore.initFromSnapshot). */
  store: BlockStore
  spec: ChainSpec
  /** Multiaddrs ending in /p2p/<id>. */
  peers: string[]
  verifier: ProofVerifier
  clock: Clock
  logger: Logger
  /** A trusted header to prove from instead of genesis (a pinned checkpoint's): the check then costs what the blocks after it cost. */
  anchor?: Header
  onBan?: (peer: string, offence: Offence, detail: string) => void
  timeoutMs?: number
  pollMs?: number
}

export interface SnapshotJoinReport {
  /** The snapshot height H and its state root. */
  height: number
  stateRoot: bigint
  anchorHeight: number
  /** Blocks whose links were checked, and proofs verified, from the anchor to H. */
  blocks: number
  proofs: number
  chunks: number
  accounts: number
  /** Bytes received: proofs-by-range answers, and verified chunk answers. */
  bytes: { ranges: number; chunks: number }
  refetched: number
  servedBy: Record<string, number>
  bans: PeerBan[]
  /** Ban end times by multiaddr, for the follower to honour. */
  banList: Map<string, number>
  /** head: from the start to a proven H (failed rounds included), of which verifyWait awaited proof verdicts after the last range. */
  ms: { head: number; verifyWait: number; chunks: number; store: number; total: number }
}

/**
 * Joins by snapshot into `deps.store`. Undefined when no peer is past the anchor (nothing
 * to fetch: the node starts from genesis as before). A failed round is retried until the
 * deadline, then its SnapshotJoinFailed is thrown; equivocation is never retried, and a
 * join whose every peer is banned fails at once ('no-peers').
 */
export async function joinBySnapshot(deps: SnapshotJoinDeps): Promise<SnapshotJoinReport | undefined> {
  const { clock, logger } = deps
  const t0 = clock.now()
  const deadline = t0 + (deps.timeoutMs ?? SNAPSHOT_JOIN_TIMEOUT_MS)
  const peers = new JoinPeers({ host: deps.host, peers: deps.peers, clock, logger, onBan: deps.onBan })
  for (;;) {
    try {
      return await joinRound(deps, peers, t0)
    } catch (err) {
      if (!(err instanceof SnapshotJoinFailed) || err.reason === 'equivocation') throw err
      // Bans last BAN_MS: waiting for them to run out is the operator's call, not a retry's.
      if (peers.usable().length === 0) throw new SnapshotJoinFailed('no-peers', `every peer is banned (last round: ${err.reason}: ${err.message})`)
      const wait = deps.pollMs ?? FOLLOW_POLL_MS
      if (clock.now() + wait > deadline) throw err
      logger.warn(`snapshot round failed (${err.reason}): ${err.message}; retrying`)
      await sleep(clock, wait)
    }
  }
}

async function joinRound(deps: SnapshotJoinDeps, peers: JoinPeers, t0: number): Promise<SnapshotJoinReport | undefined> {
  const { clock, logger, spec } = deps
  const identity = chainIdentity(spec)
  const anchor = deps.anchor ?? identity.genesis
  const ctx = { peers, spec, identity, verifier: deps.verifier, logger }
  const { target, heads } = await chooseHead(ctx, anchor.height)
  if (!target) {
    logger.info(`no peer is past height ${anchor.height}: nothing to fetch, starting from genesis`)
    return undefined
  }
  const H = target.header.height
  logger.info(`joining by snapshot at height ${H} (${heads.size} peer(s) answered); checking ${H - anchor.height} block(s) from height ${anchor.height}`)
  const proven = await proveHead(ctx, anchor, target, heads, clock)
  const t1 = clock.now()
  // Peers at H or not far above it still keep the state at H (ACCOUNT_HISTORY_BLOCKS).
  const holders = peers.usable().filter((p) => {
    const h = heads.get(p)
    return h !== undefined && h >= H && h - H <= ACCOUNT_HISTORY_BLOCKS
  })
  const state = await fetchChunks({ peers, depth: spec.profile.depth, logger }, target.header, holders)
  const t2 = clock.now()
  await deps.store.initFromSnapshot({ genesis: identity.genesis, block: proven.entry.block, qc: target.qc, proof: proven.entry.proof, accounts: state.accounts })
  const t3 = clock.now()
  const report: SnapshotJoinReport = {
    height: H,
    stateRoot: target.header.stateRoot,
    anchorHeight: anchor.height,
    blocks: proven.blocks,
    proofs: proven.proofs,
    chunks: state.chunks,
    accounts: state.accounts.size,
    bytes: { ranges: proven.bytes, chunks: state.bytes },
    refetched: state.refetched,
    servedBy: state.servedBy,
    bans: [...peers.bans],
    banList: peers.banList(),
    ms: { head: t1 - t0, verifyWait: proven.verifyWaitMs, chunks: t2 - t1, store: t3 - t2, total: t3 - t0 },
  }
  logger.info(
    `snapshot at ${H}: ${proven.blocks} block(s) and ${proven.proofs} proof(s) checked (${proven.bytes} B, ${report.ms.head} ms, ${report.ms.verifyWait} of them waiting on the verifier), ` +
      `${state.chunks} chunk(s) (${state.accounts.size} accounts, ${state.bytes} B, ${report.ms.chunks} ms); ${report.ms.total} ms in all`,
  )
  return report
}

/**
 * What a follower node runs before opening its chain: a store that already has blocks is
 * resumed as before (undefined); an empty one is joined by snapshot over a dial-only host
 * of its own and a verifier pool, both stopped before this returns.
 */
export async function startFromSnapshot(opts: {
  dir: string
  spec: ChainSpec
  peers: string[]
  logger?: Logger
  anchor?: Header
  rtcConfiguration?: RTCConfiguration
  onBan?: (peer: string, offence: Offence, detail: string) => void
  timeoutMs?: number
}): Promise<SnapshotJoinReport | undefined> {
  const store = await BlockStore.open(opts.dir)
  try {
    if (store.head() !== undefined) return undefined
    // The workers load and set up their curve (most of a short join's time) while the host starts.
    const verifier = createNodeVerifierPool(opts.spec.vk)
    const host = await createNodeHost({ tcpPort: null, wsPort: null, webrtcDirectPort: null, relayServer: false, rtcConfiguration: opts.rtcConfiguration }).catch(async (err: unknown) => {
      await verifier.close()
      throw err
    })
    try {
      return await joinBySnapshot({ ...opts, host, store, verifier, clock: systemClock, logger: opts.logger ?? silentLogger })
    } finally {
      await verifier.close()
      await host.stop()
    }
  } finally {
    await store.close()
  }
}
