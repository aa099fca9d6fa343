// A ledger node: chain state over the durable store, a libp2p host serving the wire
// protocol up to the proven head and gossiping each newly proven head, and either the
// block-producing side (mempool, proposer, validators, prover) or a follower of peers.
import type { Logger } from '../core/logger.ts'
import type { Clock } from '../core/platform.ts'
import type { Block, Header, QuorumCertificate, Transfer } from '../core/types.ts'
import { vkHashHex } from '../core/vk-hash.ts'
import { verifyQuorumCertificate } from '../core/quorum.ts'
import { BanList, refuseBanned } from '../net/ban-list.ts'
import type { Offence } from '../net/peer-judgement.ts'
import { parseMultiaddr, peerIdStringOf } from '../net/dial.ts'
import { publishHead, subscribeHeads } from '../net/gossip.ts'
import { createNodeHost, type NodeHost } from '../net/host.ts'
import { PeerPenalties } from '../net/rpc.ts'
import { createNodeVerifierPool } from '../zk/node-verifier.ts'
import type { ProofVerifier } from '../zk/proof-verifier.ts'
import { systemClock } from '../client/deps.ts'
import { ChainState } from './chain.ts'
import type { ChainSpec } from './chain-spec.ts'
import { backlogLimit, mempoolBusyAt } from './backlog-policy.ts'
import { BAN_MS } from './constants.ts'
import { ChainSpecError } from './errors.ts'
import { Follower } from './follower.ts'
import { loadOrCreateIdentity, loadPorts, nodePaths, portsOf, savePorts, type ListenPorts } from './identity.ts'
import { Mempool } from './mempool.ts'
import { BlockProducer } from './producer.ts'
import { ProvingPipeline, type ProverLike } from './prover-pipeline.ts'
import { serveProving } from './prove-service.ts'
import { Validator } from './validator.ts'
import { ConsensusEngine, serveBlocksAndEvidence } from './consensus.ts'
import { EvidenceBook } from './evidence.ts'
import { VoteLog } from '../store/vote-log.ts'
import { equalBytes, hexToBytes } from '../core/bytes.ts'
import type { TransferStep } from '../core/ledger.ts'
import { validatorPublicKey } from '../core/quorum.ts'
import { SubmitLimiter } from './submit-limiter.ts'
import { serveWire } from './wire-service.ts'
import { startFromSnapshot, type SnapshotJoinReport } from './snapshot-join.ts'
import { serveSnapshot } from './snapshot-service.ts'

export interface LedgerNodeOptions {
  /** The node's folder: blocks/, host.key, webrtc-direct.key, ports.json. */
  dir: string
  spec: ChainSpec
  /** Interface to listen on (default 127.0.0.1). */
  listenHost?: string
  /** Ports to listen on; 0 = any free one. Unset: the last run's ports, else any. */
  ports?: Partial<ListenPorts>
  announce?: string[]
  rtcConfiguration?: RTCConfiguration
  /** Run the block-producing side with these validator secret keys (index = position in the set). */
  producer?: {
    validatorKeys: Uint8Array[]
    blockTimeMs: number
    /** A prover per local worker (called again to replace a failed one), or one instance for all (tests). */
    prover: ProverLike | (() => ProverLike)
    /** Local prover workers (default 1; 0: only remote provers). */
    proveWorkers?: number
    /** Peer ids of the `zklight prover` processes this node hands jobs to. */
    proverPeers?: string[]
    /** How long a proving job is leased (default: leaseMsFor(profile)). */
    leaseMs?: number
    /** Checks every proof before it is stored (default: a worker-thread pool on the chain's key). */
    verifier?: ProofVerifier
  }
  /**
   * Run as one validator of the chain spec's set, voting with `secretKey` (docs/protocol.md#consensus)
   * together with the other validators at `peers`. With a prover it proves every block itself;
   * without, it fetches proofs from its peers.
   */
  validator?: {
    secretKey: Uint8Array
    peers: string[]
    blockTimeMs: number
    /** A prover (called again to replace a failed one), or one instance (tests). */
    prover?: ProverLike | (() => ProverLike)
    /** Checks every proof before it is stored (default: a worker-thread pool on the chain's key). */
    verifier?: ProofVerifier
    /** Local prover workers (default 1 with a prover; 0: only remote provers). */
    proveWorkers?: number
    /** Peer ids of `zklight prover` processes allowed to take this validator's proving jobs. */
    proverPeers?: string[]
    leaseMs?: number
    /** Fault injection for tests: see ConsensusDeps.crashAfterProposals. */
    crashAfterProposals?: number
  }
  /** Follow these upstream peers (multiaddrs). */
  peers?: string[]
  /**
   * How a follower with an empty store starts: 'replay' (default) re-executes every block
   * from genesis; 'snapshot' fetches the state at a recent proven height and replays only
   * the blocks after it (docs/node.md, "Joining by snapshot").
   */
  sync?: 'replay' | 'snapshot'
  /** A trusted header (a pinned checkpoint's) for a snapshot join to prove from instead of genesis. */
  snapshotAnchor?: Header
  /** A snapshot join that has not completed after this long fails (default SNAPSHOT_JOIN_TIMEOUT_MS). */
  snapshotTimeoutMs?: number
  /** Scopes below it: wire, prover, producer, follower. */
  logger: Logger
  /** A follower stopped using an upstream peer that proved an offence. */
  onPeerBanned?: (peer: string, offence: Offence, detail: string) => void
  /** Time for bans and rate limits (default: the system clock); tests pass one they move. */
  clock?: Clock
}

export interface LedgerNode {
  host: NodeHost
  chain: ChainState
  mempool?: Mempool
  producer?: BlockProducer
  consensus?: ConsensusEngine
  evidence: EvidenceBook
  /** How this start joined by snapshot; undefined when it opened an existing store or started from genesis. */
  snapshot?: SnapshotJoinReport
  /** The follower (follower nodes). */
  follower?: Follower
  /** Blocks waiting for their proof (producing nodes). */
  unproven(): number
  /** Prover workers proving for this node: local ones and remote ones active lately (producing nodes). */
  proverWorkers(): number
  /** The job board and local workers (producing nodes). */
  proving?: ProvingPipeline
  multiaddrs(): string[]
  submit(t: Transfer): Promise<{ ok: true } | { ok: false; reason: string }>
  stop(): Promise<void>
}

export async function startLedgerNode(opts: LedgerNodeOptions): Promise<LedgerNode> {
  const { spec, logger } = opts
  const paths = nodePaths(opts.dir)
  // Before the chain opens: it would write genesis into the empty store.
  const snapshot =
    opts.sync === 'snapshot' && !opts.producer && opts.peers && opts.peers.length > 0
      ? await startFromSnapshot({
          dir: paths.blocks,
          spec,
          peers: opts.peers,
          anchor: opts.snapshotAnchor,
          logger: logger.child('snapshot'),
          rtcConfiguration: opts.rtcConfiguration,
          onBan: opts.onPeerBanned,
          timeoutMs: opts.snapshotTimeoutMs,
        })
      : undefined
  const chain = await ChainState.open(paths.blocks, spec)
  const cleanup: (() => Promise<unknown>)[] = [() => chain.close()]
  const stopAll = async () => {
    for (const f of cleanup.reverse()) await f().catch((err: unknown) => logger.warn('shutdown step failed', err))
  }
  try {
    const host = await startHost(opts)
    cleanup.push(async () => host.stop())
    const clock = opts.clock ?? systemClock
    // Requesters that sent oversized or malformed bytes are refused for BAN_MS (src/net/rpc.ts decides who).
    const bans = new BanList({ clock, banMs: BAN_MS })
    refuseBanned(host, bans)
    const penalties = new PeerPenalties({
      bans,
      onMisbehaviour: (peer, kind, hangUp) => {
        const banned = bans.isBanned(peer)
        logger.child('wire').warn(`peer ${peer} sent a ${kind} request${banned ? `: disconnected and refused for ${BAN_MS / 60_000} min` : hangUp ? ': disconnected' : ''}`)
      },
    })

    // Neither producing nor following: there is nobody to hand a transfer to.
    let submit: LedgerNode['submit'] = async () => ({ ok: false, reason: 'no-upstream' })
    let mempool: Mempool | undefined
    let producer: BlockProducer | undefined
    let follower: Follower | undefined
    let consensus: ConsensusEngine | undefined
    let unproven = () => 0
    let proverWorkers = () => 0
    let proving: ProvingPipeline | undefined
    const evidence = await EvidenceBook.open(paths.evidence, chain.genesisHash, spec.validators, logger.child('evidence'))
    /** The job board with local workers and/or remote provers, its proving protocols served; every proof checked before it is stored. */
    const startProving = async (p: {
      prover?: ProverLike | (() => ProverLike)
      proveWorkers?: number
      proverPeers?: string[]
      leaseMs?: number
      verifier?: ProofVerifier
    }): Promise<ProvingPipeline> => {
      const { chainId, genesisHash } = chain.identity
      const verifier = p.verifier ?? createNodeVerifierPool(spec.vk, 1)
      if (!p.verifier) cleanup.push(() => verifier.close())
      const pipeline = new ProvingPipeline({
        chain,
        prover:
          p.prover ??
          (() => {
            throw new Error('no local prover: proving is left to remote provers')
          }),
        profile: spec.profile,
        verifier,
        workers: p.proveWorkers,
        leaseMs: p.leaseMs,
        logger: logger.child('prover'),
        onProof: (h, by, ms) => logger.child('prover').info(`block ${h} proven in ${(ms / 1000).toFixed(1)} s by ${by} (head ${chain.head.height}, proven ${chain.provenHeight})`),
      })
      cleanup.push(() => pipeline.stop())
      proving = pipeline
      unproven = () => pipeline.pending
      proverWorkers = () => pipeline.board.capacity()
      const recovered = await pipeline.recover()
      if (recovered > 0) logger.child('prover').info(`re-proving ${recovered} block(s) left unproven by the last run`)
      const vkHash = vkHashHex(spec.vk)
      if (vkHash === undefined) throw new ChainSpecError('the chain spec has a malformed verification key')
      await serveProving(host, {
        board: pipeline.board,
        info: { chainId, genesisHash, profile: spec.profile.name, batch: spec.profile.batch, depth: spec.profile.depth, vkHash: hexToBytes(vkHash), leaseMs: pipeline.board.leaseMs },
        allowed: new Set(p.proverPeers ?? []),
        penalties,
        // The ban itself is the penalties' (`bad-proof`), after the refusal is written.
        onOffence: (peer, reason, detail) => logger.child('prover').warn(`prover ${peer} returned a bad proof (${reason}, ${detail}): disconnected and refused for ${BAN_MS / 60_000} min`),
        logger: logger.child('prover'),
      })
      return pipeline
    }
    if (opts.validator) {
      const v = opts.validator
      const publicKey = validatorPublicKey(v.secretKey)
      const index = spec.validators.findIndex((k) => equalBytes(k, publicKey))
      if (index < 0) throw new ChainSpecError('the validator key is not in the chain spec’s validator set')
      const votes = await VoteLog.open(paths.votes)
      let onBlock: (block: Block, steps: TransferStep[], parentRoot: bigint) => void = () => {}
      const proves = v.prover !== undefined || (v.proverPeers ?? []).length > 0
      if (proves) {
        const pipeline = await startProving({ prover: v.prover, proveWorkers: v.prover === undefined ? 0 : v.proveWorkers, proverPeers: v.proverPeers, leaseMs: v.leaseMs, verifier: v.verifier })
        onBlock = (block, steps, parentRoot) => {
          if (block.transfers.length > 0) pipeline.enqueue(block.header.height, steps, parentRoot)
        }
      } else {
        const verifier = createNodeVerifierPool(spec.vk, 1)
        cleanup.push(() => verifier.close())
        follower = new Follower({ chain, host, peers: v.peers, verifier, clock, logger: logger.child('proofs'), onBan: opts.onPeerBanned, proofsOnly: true })
        cleanup.push(() => (follower as Follower).stop())
        unproven = () => chain.head.height - chain.provenHeight
      }
      mempool = new Mempool(chain.ledger)
      const engine = new ConsensusEngine({
        chain,
        host,
        index,
        secretKey: v.secretKey,
        peers: v.peers,
        votes,
        evidence,
        mempool,
        blockTimeMs: v.blockTimeMs,
        unproven: () => unproven(),
        onBlock,
        penalties,
        logger: logger.child(`validator-${index}`),
        crashAfterProposals: v.crashAfterProposals,
      })
      consensus = engine
      cleanup.push(() => engine.stop())
      submit = (t) => engine.submit(t)
    } else if (opts.producer) {
      const p = opts.producer
      const { chainId, chainTag, genesisHash } = chain.identity
      const rules = { chainId, chainTag, genesisHash, batch: spec.profile.batch, validatorCount: spec.validators.length }
      const validators = p.validatorKeys.map((k, i) => new Validator(i, k, rules))
      validators.forEach((v, i) => {
        const expected = spec.validators[i]
        if (!expected || expected.length !== v.publicKey.length || expected.some((b, j) => b !== v.publicKey[j])) {
          throw new ChainSpecError(`validator key ${i} is not validator ${i} of the chain spec`)
        }
      })
      const pipeline = await startProving(p)
      const pool = new Mempool(chain.ledger)
      mempool = pool
      producer = new BlockProducer({
        chain,
        mempool: pool,
        validators,
        blockTimeMs: p.blockTimeMs,
        unproven: () => pipeline.pending,
        backlogLimit: () => backlogLimit(pipeline.board.capacity()),
        onBlock: (block, steps, parentRoot) => {
          if (block.transfers.length > 0) logger.child('producer').info(`block ${block.header.height}: ${block.transfers.length} transfer(s), queued for proving`)
          pipeline.enqueue(block.header.height, steps, parentRoot)
        },
        logger: logger.child('producer'),
      })
      cleanup.push(() => (producer as BlockProducer).stop())
      // Bounded staleness (backlog-policy.ts): refuse what the provers cannot drain soon.
      submit = async (t) => (pool.size >= mempoolBusyAt(pipeline.board.capacity(), spec.profile.batch) ? { ok: false, reason: 'busy' } : pool.add(t))
    } else if (opts.peers && opts.peers.length > 0) {
      const verifier = createNodeVerifierPool(spec.vk, 1)
      cleanup.push(() => verifier.close())
      follower = new Follower({
        chain,
        host,
        peers: opts.peers,
        verifier,
        clock,
        logger: logger.child('follower'),
        onBan: opts.onPeerBanned,
        bannedUntil: snapshot?.banList,
      })
      cleanup.push(() => (follower as Follower).stop())
      submit = (t) => (follower as Follower).forward(t)
    }

    // Validators relay each transfer they accept to each other: those relays are not limited.
    const relays = new Set((opts.validator?.peers ?? []).map((a) => peerIdStringOf(parseMultiaddr(a))).filter((p): p is string => p !== undefined))
    await serveWire(host, { chain, submit, penalties, limiter: new SubmitLimiter(clock, undefined, relays) })
    await serveBlocksAndEvidence(host, chain, evidence, penalties)
    await serveSnapshot(host, { chain, penalties })
    const unsubscribe = subscribeHeads(
      host,
      (ev) => {
        if ('head' in ev && ev.head.header.height > chain.head.height) follower?.poke()
      },
      ({ header, qc }) => (header.chainId === chain.identity.chainId && verifyQuorumCertificate(header, qc, spec.validators, chain.genesisHash).ok ? 'accept' : 'reject'),
    )
    cleanup.push(async () => unsubscribe())
    // Certified heads are announced as soon as they are committed, before their proofs, so
    // light clients see how far the proven head is behind; proven heads again when they are
    // served, which tells clients (through a status poll) that they can fetch them.
    const announce = ({ header, qc }: { header: Header; qc: QuorumCertificate | null }) => {
      if (qc) publishHead(host, { header, qc }).catch(() => undefined)
    }
    chain.onCommitted(announce)
    chain.onServed(announce)
    producer?.start()
    follower?.start()
    await consensus?.start()

    return {
      host,
      chain,
      mempool,
      producer,
      consensus,
      evidence,
      snapshot,
      follower,
      unproven: () => unproven(),
      proverWorkers: () => proverWorkers(),
      proving,
      multiaddrs: () => host.getMultiaddrs().map(String),
      submit,
      stop: stopAll,
    }
  } catch (err) {
    await stopAll()
    throw err
  }
}

/** Starts the host on the requested (or last run's) ports; falls back to free ports when those are taken. */
async function startHost(opts: LedgerNodeOptions): Promise<NodeHost> {
  const identity = await loadOrCreateIdentity(opts.dir)
  const saved = await loadPorts(opts.dir)
  const want = { tcp: opts.ports?.tcp ?? saved?.tcp ?? 0, ws: opts.ports?.ws ?? saved?.ws ?? 0, webrtc: opts.ports?.webrtc ?? saved?.webrtc ?? 0 }
  const make = (p: ListenPorts) =>
    createNodeHost({
      privateKey: identity.hostKey,
      webrtcDirectCertificate: identity.certificate,
      listenHost: opts.listenHost,
      tcpPort: p.tcp,
      wsPort: p.ws,
      webrtcDirectPort: p.webrtc,
      announce: opts.announce,
      rtcConfiguration: opts.rtcConfiguration,
    })
  let host: NodeHost
  try {
    host = await make(want)
  } catch (err) {
    const explicit = opts.ports && Object.values(opts.ports).some((p) => p !== undefined && p !== 0)
    if (explicit || (want.tcp === 0 && want.ws === 0 && want.webrtc === 0)) throw err
    opts.logger.warn(`last run's ports are taken (${err instanceof Error ? err.message : String(err)}); listening on free ports`)
    host = await make({ tcp: 0, ws: 0, webrtc: 0 })
  }
  const got = portsOf(host.getMultiaddrs().map(String))
  if (got.tcp && got.ws && got.webrtc) await savePorts(opts.dir, got as ListenPorts)
  return host
}
