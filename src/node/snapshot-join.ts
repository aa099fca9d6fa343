// Joining by snapshot (docs/node.md, "Joining by snapshot"): a node with an empty store
// takes a recent certified head H of its peers, proves H's state root from its trust
// anchor the light-client way (src/node/snapshot-head.ts), keeping the blocks it checked
// on the way (so it serves headers, proofs and blocks from the anchor like a replaying
// node), fetches the state at H in verified chunks (src/node/snapshot-chunks.ts) and
// starts its store there; the follower then re-executes only the blocks after H.
// Start-up cost follows the state's size and the number of blocks fetched.
import { silentLogger, type Logger } from '../core/logger.ts'
import type { Clock } from '../core/platform.ts'
import type { Header } from '../core/types.ts'
import { sleep, systemClock } from '../client/deps.ts'
import type { CheckedEntry } from '../client/rules/range.ts'
import { createNodeHost } from '../net/host.ts'
import type { Offence } from '../net/peer-judgement.ts'
import type { RpcHost } from '../net/rpc.ts'
import { BlockStore, type HistoryEntry } from '../store/block-store.ts'
import { createNodeVerifierPool } from '../zk/node-verifier.ts'
import type { ProofVerifier } from '../zk/proof-verifier.ts'
import { chainIdentity, type ChainSpec } from './chain-spec.ts'
import { ACCOUNT_HISTORY_BLOCKS, FOLLOW_POLL_MS, SNAPSHOT_HISTORY_BATCH_BLOCKS, SNAPSHOT_JOIN_TIMEOUT_MS } from './constants.ts'
import { SnapshotJoinFailed } from './errors.ts'
import { fetchChunks } from './snapshot-chunks.ts'
import { chooseHead, proveHead } from './snapshot-head.ts'
import { JoinPeers, type PeerBan } from './snapshot-peers.ts'

export interface SnapshotJoinDeps {
  host: RpcHost
  /** An empty store; on success it holds the snapshot and the blocks below it from the anchor (BlockStore.initFromSnapshot). */
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
  /** The blocks kept below H (anchor + 1 … H − 1, in `batches` store batches), and the lowest height the node serves blocks from (BlockStore.historyHeight). */
  history: { blocks: number; batches: number; from: number }
  refetched: number
  servedBy: Record<string, number>
  bans: PeerBan[]
  /** Ban end times by multiaddr, for the follower to honour. */
  banList: Map<string, number>
  /**
   * head: from the start to a proven H (failed rounds included), of which verifyWait awaited
   * proof verdicts after the last range and history wrote the blocks below H to the store.
   */
  ms: { head: number; verifyWait: number; history: number; chunks: number; store: number; total: number }
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
  // What an earlier round kept belongs to another H, perhaps to blocks it banned a peer for.
  await deps.store.clearStaged()
  const { target, heads } = await chooseHead(ctx, anchor.height)
  if (!target) {
    logger.info(`no peer is past height ${anchor.height}: nothing to fetch, starting from genesis`)
    return undefined
  }
  const H = target.header.height
  logger.info(`joining by snapshot at height ${H} (${heads.size} peer(s) answered); checking ${H - anchor.height} block(s) from height ${anchor.height}`)
  const history = new HistoryWriter(deps.store, H, clock)
  const proven = await proveHead(ctx, anchor, target, heads, clock, (entries) => history.add(entries))
  await history.flush()
  const t1 = clock.now()
  // Peers at H or not far above it still keep the state at H (ACCOUNT_HISTORY_BLOCKS).
  const holders = peers.usable().filter((p) => {
    const h = heads.get(p)
    return h !== undefined && h >= H && h - H <= ACCOUNT_HISTORY_BLOCKS
  })
  const state = await fetchChunks({ peers, depth: spec.profile.depth, logger }, target.header, holders)
  const t2 = clock.now()
  // The batch that makes the history (written above, unread until now) and the state one store.
  await deps.store.initFromSnapshot({ genesis: identity.genesis, block: proven.entry.block, qc: target.qc, proof: proven.entry.proof, accounts: state.accounts, anchor })
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
    history: { blocks: history.blocks, batches: history.batches, from: deps.store.historyHeight() },
    refetched: state.refetched,
    servedBy: state.servedBy,
    bans: [...peers.bans],
    banList: peers.banList(),
    ms: { head: t1 - t0, verifyWait: proven.verifyWaitMs, history: history.ms, chunks: t2 - t1, store: t3 - t2, total: t3 - t0 },
  }
  logger.info(
    `snapshot at ${H}: ${proven.blocks} block(s) and ${proven.proofs} proof(s) checked (${proven.bytes} B, ${report.ms.head} ms, ${report.ms.verifyWait} of them waiting on the verifier, ` +
      `${report.ms.history} writing ${history.blocks} block(s) below ${H}), ` +
      `${state.chunks} chunk(s) (${state.accounts.size} accounts, ${state.bytes} B, ${report.ms.chunks} ms); ${report.ms.total} ms in all`,
  )
  return report
}

/**
 * Buffers the checked blocks below H and writes them in batches of about
 * SNAPSHOT_HISTORY_BATCH_BLOCKS (BlockStore.putHistory). They are unread until the last
 * batch, initFromSnapshot, so blocks whose proofs are still being verified may go in: a
 * round that fails clears them.
 */
class HistoryWriter {
  blocks = 0
  batches = 0
  ms = 0
  private buffer: HistoryEntry[] = []

  constructor(
    private readonly store: BlockStore,
    private readonly height: number,
    private readonly clock: Clock,
  ) {}

  async add(entries: readonly CheckedEntry[]): Promise<void> {
    for (const e of entries) {
      // proveHead checked a certificate on every block; H itself goes in the last batch.
      if (e.block.header.height < this.height && e.qc) this.buffer.push({ block: e.block, qc: e.qc, proof: e.proof })
    }
    if (this.buffer.length >= SNAPSHOT_HISTORY_BATCH_BLOCKS) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return
    const t = this.clock.now()
    const batch = this.buffer
    this.buffer = []
    await this.store.putHistory(batch)
    this.blocks += batch.length
    this.batches++
    this.ms += this.clock.now() - t
  }
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
