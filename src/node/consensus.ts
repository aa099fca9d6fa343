// One validator's side of the voting protocol (docs/protocol.md#consensus). Per height,
// rounds 0, 1, 2, … each have one proposer (proposerOf). Round 0's proposer proposes a
// fresh block after the block interval; when a round times out, the next round's proposer
// first gathers a quorum of signed promises (each states the promiser's vote at this
// height) and proposes the highest-round voted header again, or a fresh block when none
// was voted. A validator votes at most once per height, fsyncs the vote before it
// answers, and never votes below a round it promised. The proposer that gathers a quorum
// of votes commits the block with its certificate and sends it to every validator; a
// validator that missed blocks fetches them (with their certificates) from a peer.
import { verifyBlock } from '../core/block.ts'
import { bytesToHex, equalBytes } from '../core/bytes.ts'
import {
  checkJustification,
  checkPromise,
  chooseReproposal,
  mayVote,
  prepareMessage,
  promiseMessage,
  proposalMessage,
  proposerOf,
  signConsensusMessage,
  type SignedPromise,
} from '../core/consensus.ts'
import { hashHeader } from '../core/header.ts'
import { applyBlockTransfers, cloneLedger, type TransferStep } from '../core/ledger.ts'
import type { Logger } from '../core/logger.ts'
import { makeQuorumCertificate, qcMessage, quorumSize, verifyQuorumCertificate, verifySignature } from '../core/quorum.ts'
import { computeTxRoot } from '../core/tx-root.ts'
import type { Block, Header, QuorumCertificate, Transfer, Vote } from '../core/types.ts'
import type { CertifiedBlock, PrepareResponse, ProposeRequest, ProposeResponse } from '../net/consensus-messages.ts'
import { BLOCKS, COMMIT, EVIDENCE, PREPARE, PROPOSE } from '../net/consensus-protocols.ts'
import { MAX_BLOCKS_PER_REQUEST } from '../net/constants.ts'
import { parseMultiaddr, parsePeerId, peerIdStringOf } from '../net/dial.ts'
import type { ErrorResponse } from '../net/messages.ts'
import { SUBMIT } from '../net/protocols.ts'
import { call, serve, type DialTarget, type PeerPenalties, type RpcHost } from '../net/rpc.ts'
import type { VoteLog } from '../store/vote-log.ts'
import type { ChainState } from './chain.ts'
import { MAX_ROUND_TIMEOUT_MS, MAX_UNPROVEN_BLOCKS, MIN_ROUND_STEP_MS } from './constants.ts'
import type { EvidenceBook } from './evidence.ts'
import type { Mempool } from './mempool.ts'
import { Validator } from './validator.ts'

export interface ConsensusDeps {
  chain: ChainState
  host: RpcHost
  /** This validator's index in the chain spec's set, and its Ed25519 secret key. */
  index: number
  secretKey: Uint8Array
  /** The other validators' multiaddrs, each ending in /p2p/<peer id>. */
  peers: string[]
  votes: VoteLog
  evidence: EvidenceBook
  mempool: Mempool
  blockTimeMs: number
  /** Blocks still waiting for a proof: at MAX_UNPROVEN_BLOCKS this validator proposes empty blocks. */
  unproven: () => number
  /** Called after each committed block (whoever proposed it) with the steps its transfers made. */
  onBlock: (block: Block, steps: TransferStep[], parentRoot: bigint) => void
  penalties: PeerPenalties
  logger: Logger
  now?: () => number
  /**
   * Fault injection for tests: as proposer, send the proposal to this many peers, wait
   * for their answers, then SIGKILL this process (a proposer crashing mid-round).
   */
  crashAfterProposals?: number
}

const err = (code: ErrorResponse['code'], message: string): ErrorResponse => ({ kind: 'error', code, message })

export class ConsensusEngine {
  private readonly validator: Validator
  private readonly n: number
  private readonly genesisHash: Uint8Array
  private running = false
  /** The height being decided: the head's plus one. */
  private height = 0
  private round = 0
  /** The highest round promised at `height`: proposals of lower rounds are refused. */
  private promised = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private proposeTimer: ReturnType<typeof setTimeout> | undefined
  private proposing: AbortController | undefined
  private lock: Promise<unknown> = Promise.resolve()
  private catchingUp: Promise<void> | undefined
  private readonly now: () => number

  constructor(private readonly deps: ConsensusDeps) {
    const { chain } = deps
    const { chainId, chainTag, genesisHash } = chain.identity
    this.n = chain.spec.validators.length
    this.genesisHash = genesisHash
    this.validator = new Validator(deps.index, deps.secretKey, { chainId, chainTag, genesisHash, batch: chain.spec.profile.batch, validatorCount: this.n })
    this.now = deps.now ?? Date.now
  }

  /** Serves the voting protocols and starts deciding the height above the head. */
  async start(): Promise<void> {
    const { host, penalties } = this.deps
    await serve(host, PREPARE, (q, ctx) => this.onPrepare(q, ctx.peer), { penalties })
    await serve(host, PROPOSE, (q, ctx) => this.onPropose(q, ctx.peer), { penalties })
    await serve(host, COMMIT, (q, ctx) => this.onCommit(q, ctx.peer), { penalties })
    this.running = true
    this.enterHeight(this.deps.chain.head.height + 1)
    void this.catchUpFromAny()
  }

  async stop(): Promise<void> {
    this.running = false
    clearTimeout(this.timer)
    clearTimeout(this.proposeTimer)
    this.proposing?.abort(new Error('stopping'))
    await this.lock
    for (const p of [PREPARE, PROPOSE, COMMIT]) await this.deps.host.unhandle(p.id).catch(() => undefined)
  }

  /** Queues a transfer and relays it to the other validators, so whoever proposes next has it. */
  async submit(t: Transfer): Promise<{ ok: true } | { ok: false; reason: string }> {
    const v = this.deps.mempool.add(t)
    if (!v.ok) return v
    for (const addr of this.deps.peers) void call(this.deps.host, parseMultiaddr(addr), SUBMIT, { transfer: t }).catch(() => undefined)
    return { ok: true }
  }

  /** The height being decided and its current round (for logs and tests). */
  get position(): { height: number; round: number } {
    return { height: this.height, round: this.round }
  }

  // --- rounds and timers ---

  private enterHeight(height: number): void {
    this.height = height
    this.promised = 0
    this.startRound(0)
  }

  /** A round's length grows with the round, so validators whose clocks or starts differ end up in one round. */
  private roundTimeout(round: number): number {
    const step = Math.max(MIN_ROUND_STEP_MS, 2 * this.deps.blockTimeMs)
    return Math.min(MAX_ROUND_TIMEOUT_MS, (round === 0 ? this.deps.blockTimeMs : 0) + step * (round + 1))
  }

  private startRound(round: number): void {
    if (!this.running) return
    this.round = round
    clearTimeout(this.timer)
    clearTimeout(this.proposeTimer)
    this.proposing?.abort(new Error('round over'))
    this.proposing = undefined
    const { height } = this
    this.timer = setTimeout(() => this.onTimeout(height, round), this.roundTimeout(round))
    if (proposerOf(height, round, this.n) !== this.deps.index) return
    const ac = new AbortController()
    this.proposing = ac
    const go = () => {
      this.propose(height, round, ac.signal).catch((e: unknown) => {
        if (!ac.signal.aborted) this.deps.logger.warn(`proposing height ${height} round ${round} failed`, e)
      })
    }
    // Round 0 waits out the block interval; a later round has already waited its timeout.
    if (round === 0) this.proposeTimer = setTimeout(go, this.deps.blockTimeMs)
    else go()
  }

  private onTimeout(height: number, round: number): void {
    if (!this.running || this.height !== height || this.round !== round) return
    this.deps.logger.info(`height ${height}: round ${round} timed out; round ${round + 1} (proposer ${proposerOf(height, round + 1, this.n)})`)
    this.startRound(round + 1)
    // A commit may have been missed: ask the peers for blocks above the head.
    void this.catchUpFromAny()
  }

  /** Moves to a higher round a peer's prepare or proposal is in (keeps the validators' rounds together). */
  private adoptRound(round: number): void {
    if (round > this.round) this.startRound(round)
  }

  // --- the proposer's side ---

  private async propose(height: number, round: number, signal: AbortSignal): Promise<void> {
    const { chain, host, peers, logger } = this.deps
    let block: Block | undefined
    let promises: SignedPromise[] = []
    if (round > 0) {
      const gathered = await this.gatherPromises(height, round, signal)
      if (!gathered) return
      promises = gathered.promises
      const chosen = chooseReproposal(promises.flatMap((p) => (p.vote ? [p.vote] : [])))
      if (chosen) {
        block = gathered.blocks.find((b) => equalBytes(hashHeader(b.header), chosen))
        if (!block) throw new Error('a reported vote came without its block')
        logger.info(`height ${height} round ${round}: proposing again the header voted in an earlier round`)
      }
    }
    if (signal.aborted) return
    block ??= this.freshBlock(height)
    const headerHash = hashHeader(block.header)
    const request: ProposeRequest = {
      height,
      round,
      block,
      validator: this.deps.index,
      signature: signConsensusMessage(this.deps.secretKey, proposalMessage(this.genesisHash, height, round, headerHash)),
      promises,
    }
    const votes: Vote[] = []
    let done = false
    const tally = async (r: ProposeResponse | ErrorResponse, from: string): Promise<void> => {
      if (r.kind === 'error') return void logger.debug(`proposal ${height}/${round}: ${from} answered ${r.code}: ${r.message}`)
      if (r.status === 'refused') return void logger.warn(`proposal ${height}/${round}: validator ${r.validator} refused it: ${r.reason}`)
      const key = chain.spec.validators[r.validator]
      const hash = r.status === 'voted' ? headerHash : r.headerHash
      if (!key || !verifySignature(r.signature, qcMessage(this.genesisHash, hash), key)) return void logger.warn(`proposal ${height}/${round}: ${from} sent a vote that does not verify`)
      await this.deps.evidence.saw(height, r.validator, { headerHash: hash, signature: r.signature })
      if (r.status === 'locked') return void logger.info(`proposal ${height}/${round}: validator ${r.validator} already voted for another header`)
      if (votes.some((v) => v.validator === r.validator)) return
      votes.push({ validator: r.validator, signature: r.signature })
      if (!done && votes.length >= quorumSize(this.n)) {
        done = true
        await this.commitOwn(block as Block, makeQuorumCertificate(headerHash, votes))
      }
    }
    await tally(await this.exclusive(() => this.vote(request)), 'self')
    const ask = (addr: string) =>
      call(host, parseMultiaddr(addr), PROPOSE, request, { signal })
        .then((r) => tally(r, addr))
        .catch((e: unknown) => {
          if (!signal.aborted) logger.debug(`proposal ${height}/${round} to ${addr} failed: ${e instanceof Error ? e.message : String(e)}`)
        })
    const crashAfter = this.deps.crashAfterProposals
    if (crashAfter !== undefined) {
      for (const addr of peers.slice(0, crashAfter)) await ask(addr)
      logger.warn(
        `fault injection: proposal of height ${height} round ${round} header ${bytesToHex(headerHash)} reached ${crashAfter} validator(s), ${votes.filter((v) => v.validator !== this.deps.index).length} voted; stopping`,
      )
      process.kill(process.pid, 'SIGKILL')
    }
    await Promise.all(peers.map(ask))
  }

  /** Round r > 0: a quorum of promises (this validator's own included), with the blocks their votes name. */
  private async gatherPromises(height: number, round: number, signal: AbortSignal): Promise<{ promises: SignedPromise[]; blocks: Block[] } | undefined> {
    const { host, peers, chain, logger } = this.deps
    const request = { height, round, validator: this.deps.index, signature: signConsensusMessage(this.deps.secretKey, prepareMessage(this.genesisHash, height, round)) }
    const promises: SignedPromise[] = []
    const blocks: Block[] = []
    const accept = async (r: PrepareResponse | ErrorResponse): Promise<void> => {
      if (r.kind === 'error') return
      const p = r.promise
      const key = chain.spec.validators[p.validator]
      if (!key || promises.some((q) => q.validator === p.validator)) return
      // The check each receiving validator makes on it.
      const one = checkPromise({ genesisHash: this.genesisHash, validators: chain.spec.validators, height, round }, p)
      if (!one.ok) return void logger.warn(`promise from validator ${p.validator} at ${height}/${round}: ${one.reason}`)
      if (p.vote) {
        if (!r.block || !equalBytes(hashHeader(r.block.header), p.vote.headerHash)) return void logger.warn(`promise from validator ${p.validator} reports a vote without its block`)
        await this.deps.evidence.saw(height, p.validator, { headerHash: p.vote.headerHash, signature: p.vote.voteSignature })
        blocks.push(r.block)
      }
      promises.push(p)
    }
    await accept(await this.exclusive(() => this.promise(request)))
    const quorum = quorumSize(this.n)
    await new Promise<void>((resolve) => {
      let pending = peers.length
      const check = () => {
        if (promises.length >= quorum || pending === 0 || signal.aborted) resolve()
      }
      signal.addEventListener('abort', () => resolve(), { once: true })
      for (const addr of peers) {
        call(host, parseMultiaddr(addr), PREPARE, request, { signal })
          .then(accept)
          .catch(() => undefined)
          .finally(() => {
            pending--
            check()
          })
      }
      check()
    })
    if (signal.aborted) return undefined
    if (promises.length < quorum) {
      logger.info(`height ${height} round ${round}: ${promises.length} of ${quorum} promises; waiting for the next round`)
      return undefined
    }
    return { promises: promises.slice(0, quorum), blocks }
  }

  private freshBlock(height: number): Block {
    const { chain, mempool } = this.deps
    const parent = chain.head
    const transfers = this.deps.unproven() >= MAX_UNPROVEN_BLOCKS ? [] : mempool.peek(chain.spec.profile.batch)
    const scratch = cloneLedger(chain.ledger)
    applyBlockTransfers(scratch, transfers)
    const header: Header = {
      chainId: parent.chainId,
      height,
      parentHash: hashHeader(parent),
      stateRoot: scratch.tree.root,
      txRoot: computeTxRoot(chain.identity.chainTag, transfers),
      timestamp: Math.max(this.now(), parent.timestamp),
      validatorSetHash: parent.validatorSetHash,
      proposer: this.deps.index,
    }
    return { header, transfers }
  }

  /** Commits a block this validator certified, then tells every validator. */
  private async commitOwn(block: Block, qc: QuorumCertificate): Promise<void> {
    const committed = await this.exclusive(async () => {
      if (this.deps.chain.head.height + 1 !== block.header.height) return false
      await this.append(block, qc)
      return true
    })
    if (!committed) return
    this.deps.logger.debug(`block ${block.header.height} certified by ${qc.signatures.length} of ${this.n}`)
    for (const addr of this.deps.peers) void call(this.deps.host, parseMultiaddr(addr), COMMIT, { block, qc }).catch(() => undefined)
  }

  // --- the voter's side ---

  /** This validator's promise for (height, round); the caller holds the lock. */
  private promise(q: { height: number; round: number }): PrepareResponse | ErrorResponse {
    if (q.height < this.height) return err('not-found', `height ${q.height} is committed`)
    if (q.height > this.height) return err('unavailable', `at height ${this.height}, behind ${q.height}`)
    if (q.round < this.promised) return err('bad-request', `promised round ${this.promised}`)
    this.promised = q.round
    this.adoptRound(q.round)
    const v = this.deps.votes.at(q.height)
    const vote = v ? { round: v.round, headerHash: v.headerHash, voteSignature: v.signature, proposalSignature: v.proposalSignature } : null
    const signature = signConsensusMessage(this.deps.secretKey, promiseMessage(this.genesisHash, q.height, q.round, vote))
    return { kind: 'prepare', promise: { validator: this.deps.index, signature, vote }, block: v?.block ?? null }
  }

  /** This validator's answer to a proposal whose signature was checked; the caller holds the lock. */
  private async vote(q: ProposeRequest): Promise<ProposeResponse | ErrorResponse> {
    const { chain, votes, evidence } = this.deps
    const me = this.deps.index
    if (q.height < this.height) return err('not-found', `height ${q.height} is committed`)
    if (q.height > this.height) return err('unavailable', `at height ${this.height}, behind ${q.height}`)
    const refuse = (reason: string): ProposeResponse => ({ kind: 'propose', status: 'refused', validator: me, reason })
    const headerHash = hashHeader(q.block.header)
    const just = checkJustification({ genesisHash: this.genesisHash, validators: chain.spec.validators, height: q.height, round: q.round }, q.block.header, headerHash, q.promises)
    if (!just.ok) return refuse(just.reason)
    for (const p of q.promises) if (p.vote) await evidence.saw(q.height, p.validator, { headerHash: p.vote.headerHash, signature: p.vote.voteSignature })
    const previous = votes.at(q.height)
    const may = mayVote(previous, this.promised, q.height, q.round, headerHash)
    if (!may.ok) {
      if (may.reason === 'locked' && previous) return { kind: 'propose', status: 'locked', validator: me, headerHash: previous.headerHash, signature: previous.signature }
      return refuse(may.reason)
    }
    this.adoptRound(q.round)
    if (may.repeat && previous) return { kind: 'propose', status: 'voted', validator: me, signature: previous.signature }
    if (q.height < votes.highest) return refuse('below-voted-height')
    const review = this.validator.review(chain.head, chain.ledger, q.block, this.now(), { anyProposer: true })
    if (!review.ok) return refuse(review.transfer === undefined ? review.reason : `${review.reason} (transfer ${review.transfer})`)
    // Durable before it leaves: after a crash the log still refuses any other header here.
    await votes.record({ height: q.height, round: q.round, headerHash, signature: review.vote.signature, proposalSignature: q.signature, block: q.block })
    return { kind: 'propose', status: 'voted', validator: me, signature: review.vote.signature }
  }

  private async onPrepare(q: { height: number; round: number; validator: number; signature: Uint8Array }, peer: string): Promise<PrepareResponse | ErrorResponse> {
    const key = this.deps.chain.spec.validators[q.validator]
    if (q.validator !== proposerOf(q.height, q.round, this.n) || !key) return err('bad-request', `validator ${q.validator} does not propose round ${q.round} at ${q.height}`)
    if (!verifySignature(q.signature, prepareMessage(this.genesisHash, q.height, q.round), key)) return err('bad-request', 'prepare signature does not verify')
    await this.catchUpTo(q.height - 1, peer)
    return this.exclusive(async () => this.promise(q))
  }

  private async onPropose(q: ProposeRequest, peer: string): Promise<ProposeResponse | ErrorResponse> {
    const key = this.deps.chain.spec.validators[q.validator]
    if (q.validator !== proposerOf(q.height, q.round, this.n) || !key) return err('bad-request', `validator ${q.validator} does not propose round ${q.round} at ${q.height}`)
    if (q.block.header.height !== q.height) return err('bad-request', 'the block is not at the proposal height')
    if (!verifySignature(q.signature, proposalMessage(this.genesisHash, q.height, q.round, hashHeader(q.block.header)), key)) return err('bad-request', 'proposal signature does not verify')
    await this.catchUpTo(q.height - 1, peer)
    return this.exclusive(() => this.vote(q))
  }

  private async onCommit(q: CertifiedBlock, peer: string): Promise<{ kind: 'commit'; accepted: boolean } | ErrorResponse> {
    const { chain } = this.deps
    const h = q.block.header
    const v = verifyQuorumCertificate(h, q.qc, chain.spec.validators, this.genesisHash)
    if (!v.ok) return err('bad-request', `certificate: ${v.reason}`)
    await this.noteCertificate(h.height, q.qc)
    if (h.height > chain.head.height + 1) await this.catchUpTo(h.height - 1, peer)
    const accepted = await this.exclusive(() => this.applyCertified(q))
    return { kind: 'commit', accepted }
  }

  // --- committing and catching up ---

  /** Appends a certified block at head+1 after checking it as a full node must; the caller holds the lock. */
  private async applyCertified(c: CertifiedBlock): Promise<boolean> {
    const { chain, logger } = this.deps
    const h = c.block.header
    if (h.height <= chain.head.height) {
      const stored = await chain.store.getHeader(h.height)
      if (stored && !equalBytes(hashHeader(stored), c.qc.headerHash)) logger.error(`FORK: a certificate for another block at committed height ${h.height}`)
      return true
    }
    if (h.height !== chain.head.height + 1) return false
    const v = verifyBlock(chain.head, c.block, { chainTag: chain.identity.chainTag, validatorCount: this.n, maxTransfers: chain.spec.profile.batch, checkTxRoot: true, parentState: chain.ledger })
    if (!v.ok) {
      // A certificate on a block that does not follow the rules: more than a third of the set is faulty.
      logger.error(`certified block ${h.height} breaks the rules (${v.reason}); not applied`)
      return false
    }
    await this.append(c.block, c.qc)
    return true
  }

  /** Appends, updates the mempool, hands the block to the prover, and moves to the next height; the caller holds the lock. */
  private async append(block: Block, qc: QuorumCertificate): Promise<void> {
    const { chain, mempool } = this.deps
    const parentRoot = chain.head.stateRoot
    const steps = await chain.append(block, qc)
    mempool.committed(block.transfers, chain.ledger)
    this.deps.onBlock(block, steps, parentRoot)
    if (this.running) this.enterHeight(block.header.height + 1)
  }

  private async noteCertificate(height: number, qc: QuorumCertificate): Promise<void> {
    for (const s of qc.signatures) await this.deps.evidence.saw(height, s.validator, { headerHash: qc.headerHash, signature: s.signature })
  }

  /** Fetches certified blocks up to `height` from `peer` (the validator that asked us something above our head). */
  private async catchUpTo(height: number, peer: string): Promise<void> {
    if (height <= this.deps.chain.head.height) return
    const known = this.deps.peers.find((a) => peerIdStringOf(parseMultiaddr(a)) === peer)
    await this.catchUp(known ? parseMultiaddr(known) : parsePeerId(peer), height)
  }

  private async catchUpFromAny(): Promise<void> {
    for (const addr of this.deps.peers) {
      if (!this.running) return
      await this.catchUp(parseMultiaddr(addr), Number.MAX_SAFE_INTEGER).catch(() => undefined)
    }
  }

  /** One catch-up at a time; blocks are checked like a follower checks them (certificate, then every transfer). */
  private catchUp(target: DialTarget, upTo: number): Promise<void> {
    const run = (this.catchingUp ?? Promise.resolve()).then(() => this.fetchBlocks(target, upTo))
    this.catchingUp = run.catch(() => undefined)
    return run.catch((e: unknown) => this.deps.logger.debug(`catching up failed: ${e instanceof Error ? e.message : String(e)}`))
  }

  private async fetchBlocks(target: DialTarget, upTo: number): Promise<void> {
    const { chain, host, logger } = this.deps
    while (this.running && chain.head.height < upTo) {
      const from = chain.head.height + 1
      const res = await call(host, target, BLOCKS, { from, count: Math.min(MAX_BLOCKS_PER_REQUEST, upTo - from + 1) })
      if (res.kind === 'error' || res.blocks.length === 0) return
      for (const c of res.blocks) {
        const q = verifyQuorumCertificate(c.block.header, c.qc, chain.spec.validators, this.genesisHash)
        if (!q.ok) {
          logger.warn(`catch-up: a peer served block ${c.block.header.height} with a bad certificate (${q.reason})`)
          await host.hangUp(target as Parameters<RpcHost['hangUp']>[0]).catch(() => undefined)
          return
        }
        await this.noteCertificate(c.block.header.height, c.qc)
        if (!(await this.exclusive(() => this.applyCertified(c)))) return
      }
      logger.info(`caught up to height ${chain.head.height}`)
    }
  }

  private exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.lock.then(fn)
    this.lock = run.catch(() => {})
    return run
  }
}

/** Certified blocks by range (any node) and the evidence it holds: what catching-up validators and auditors ask for. */
export async function serveBlocksAndEvidence(host: RpcHost, chain: ChainState, evidence: EvidenceBook, penalties: PeerPenalties): Promise<void> {
  await serve(
    host,
    BLOCKS,
    async ({ from, count }, ctx) => {
      const last = Math.min(from + count - 1, chain.head.height)
      if (from > last) return { kind: 'blocks', blocks: [] }
      const blocks: CertifiedBlock[] = []
      for (let h = from; h <= last && !ctx.signal.aborted; h++) {
        const block = await chain.store.getBlock(h)
        const qc = await chain.store.getQc(h)
        if (!block || !qc) break
        blocks.push({ block, qc })
      }
      return { kind: 'blocks', blocks }
    },
    { penalties },
  )
  await serve(host, EVIDENCE, ({ from }) => ({ kind: 'evidence', evidence: evidence.since(from) }), { penalties })
}
