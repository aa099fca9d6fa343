// The light client: keeps a verified view of the chain from a trusted checkpoint
// (catch-up sync, then gossiped heads), answers balances with Merkle proofs against
// verified roots, and halts rather than guess when validators equivocate.
import { bytesToHex } from '../core/bytes.ts'
import { errorText, type Logger } from '../core/logger.ts'
import type { Clock, RandomBytes } from '../core/platform.ts'
import type { AsyncSignatureCheck } from '../core/quorum.ts'
import type { QuorumCertificate, Transfer } from '../core/types.ts'
import type { Fault, Offence } from '../net/peer-judgement.ts'
import type { ProofVerifier } from '../zk/proof-verifier.ts'
import { fetchVerifiedBalance, type VerifiedBalance } from './balance.ts'
import { CheckpointSaver, type CheckpointStoreLike } from './checkpoints.ts'
import { sleep } from './deps.ts'
import { Emitter } from './emitter.ts'
import { ClientHalted, ClientStopped, StaleView } from './errors.ts'
import { considerHead, pollPeer, recordCertificate, type IntakeContext } from './head-intake.ts'
import { HeadTracker } from './head-tracker.ts'
import type { ClientNetwork, NetworkEvent } from './network.ts'
import type { ClientEvents, Health, StalledEvent, InspectedBlock, PeerView, TransferProgress, Tuning } from './options.ts'
import { PeerManager } from './peer-manager.ts'
import { fetchAnchor, syncRound, type SyncContext } from './range-sync.ts'
import { CertificateBook, type Equivocation } from './rules/certificate-book.ts'
import { judgeFreshness } from './rules/freshness.ts'
import { liveStatus, type StatusEvent } from './rules/live-status.ts'
import type { CheckedEntry } from './rules/range.ts'
import type { StartPoint } from './rules/start-point.ts'
import { createServeHandlers, createServeSource } from './serve-source.ts'
import { submitAndWait, TransferWatch, type Inclusion } from './transfer-watch.ts'
import { VerifiedChain } from './verified-chain.ts'

export interface ClientDeps {
  network: ClientNetwork
  verifier: ProofVerifier
  store: CheckpointStoreLike | undefined
  clock: Clock
  random: RandomBytes
  logger: Logger
  chain: VerifiedChain
  startPoint: StartPoint
  /** Closed on stop() (the verifier the client built itself). */
  owned: { close(): Promise<void> }[]
  /** Checks the signatures of the certificates on synced ranges (WebCrypto, src/client/signature-check.ts); absent: the pure-JS check. */
  checkSignature?: AsyncSignatureCheck
}

export class LightClient {
  private readonly events: Emitter<ClientEvents>
  private readonly peerManager: PeerManager
  private readonly book: CertificateBook
  private readonly tracker: HeadTracker
  private readonly saver: CheckpointSaver
  private readonly txs: TransferWatch
  private readonly sync: SyncContext
  private readonly intake: IntakeContext
  private readonly chain: VerifiedChain
  private statusState: StatusEvent = { status: 'syncing' }
  private halt: { reason: string; evidence?: Equivocation } | undefined
  private running: AbortController | undefined
  private loops: Promise<void>[] = []
  private wake: (() => void) | undefined
  /** The stall last reported (StalledEvent), until a round adopts something. */
  private stall: { height: number; reason: StalledEvent['reason'] } | undefined
  /** Peers whose status is being asked for right now. */
  private readonly polling = new Set<string>()
  private startedAt = 0
  private stopped = false

  constructor(
    private readonly deps: ClientDeps,
    private readonly t: Tuning,
  ) {
    const { clock, random, chain } = deps
    this.events = new Emitter<ClientEvents>(deps.logger.child('events'))
    this.chain = chain
    this.peerManager = new PeerManager({ clock, random, banMs: t.banMs })
    this.book = new CertificateBook(chain.validatorSet, chain.genesisHash)
    this.tracker = new HeadTracker(clock, () => ({ height: this.chain.height, timestamp: this.chain.tip?.header.timestamp }), {
      pending: (p) => this.events.emit('pending', p),
      dropped: (d) => this.events.emit('dropped', d),
    })
    this.saver = new CheckpointSaver(deps.store, clock, t.saveIntervalMs, (err) => deps.logger.warn('checkpoint save failed', err), deps.startPoint.problem !== undefined)
    this.txs = new TransferWatch(chain.chainTag, clock)
    this.intake = {
      chain,
      book: this.book,
      peers: this.peerManager,
      tracker: this.tracker,
      wire: deps.network,
      requestTimeoutMs: t.requestTimeoutMs,
      halted: () => this.halt !== undefined,
      punish: (peer, o, detail) => this.punish(peer, o, detail),
      fault: (peer, f) => this.fault(peer, f),
      halt: (reason, evidence) => this.stopForSafety(reason, evidence),
      changed: () => this.updateStatus(),
      servesState: (peer) => deps.network.servesState?.(peer),
    }
    this.sync = {
      wire: deps.network,
      ...(deps.network.supports ? { supports: (peer: string, protocol: string) => deps.network.supports?.(peer, protocol) } : {}),
      noHeaderProofs: new Set(),
      ...(deps.checkSignature ? { checkSignature: deps.checkSignature } : {}),
      peers: this.peerManager,
      verifier: deps.verifier,
      chain,
      clock,
      options: {
        chunk: t.chunk,
        parallel: t.parallel,
        requestTimeoutMs: t.requestTimeoutMs,
        verifyTimeoutMs: t.verifyTimeoutMs,
        // A transfer this client waits for may be anywhere: then check every body.
        bodiesFrom: (target) => (this.txs.pending() > 0 ? 0 : target - t.bodyWindow + 1),
        bodiesFree: t.bodiesFree,
        pipeline: t.pipeline,
      },
      hooks: {
        offence: (peer, o, detail) => this.punish(peer, o, detail),
        fault: (peer, f) => this.fault(peer, f),
        certified: (header, qc) => recordCertificate(this.intake, header, qc),
        rejected: (header, peer, reason) => this.tracker.rejected(header, peer, reason, this.peerManager.usable({ minHeight: header.height }).length > 0),
        adopted: (entries, qc, peer, stats) => this.adopt(entries, qc, peer, stats),
        checked: (entries) => this.txs.checked(entries),
        halted: () => this.halt !== undefined,
      },
    }
  }

  /** Where this client started: the stored checkpoint, or the pinned one and why a stored one was ignored. */
  get startPoint(): StartPoint {
    return this.deps.startPoint
  }

  on<K extends keyof ClientEvents>(event: K, fn: (arg: ClientEvents[K]) => void): () => void {
    return this.events.on(event, fn)
  }

  off<K extends keyof ClientEvents>(event: K, fn: (arg: ClientEvents[K]) => void): void {
    this.events.off(event, fn)
  }

  async start(): Promise<void> {
    if (this.running) return
    if (this.stopped) throw new ClientStopped('a stopped client cannot restart: create a new one (it resumes from the store)')
    const running = (this.running = new AbortController())
    this.startedAt = this.deps.clock.now()
    this.events.emit('checkpoint', this.deps.startPoint)
    const net = this.deps.network
    net.on((ev) => this.onNetwork(ev))
    net.serve(createServeHandlers(createServeSource(this.chain)))
    await net.start()
    for (const p of net.peers()) this.onNetwork({ type: 'connect', peer: p })
    this.loops = [this.followLoop(running.signal), this.pollLoop(running.signal)]
  }

  async stop(): Promise<void> {
    const running = this.running
    if (!running) return
    this.stopped = true
    running.abort()
    this.wake?.()
    await Promise.allSettled(this.loops)
    this.txs.failAll(new ClientStopped())
    await this.saver.flush()
    await this.deps.network.stop()
    await Promise.allSettled(this.deps.owned.map((o) => o.close()))
    this.running = undefined
  }

  /** Where other light clients can reach this one (empty when its network has no listen address). */
  addresses(): string[] {
    return this.deps.network.addresses?.() ?? []
  }

  /** The connected zklight peers: how each is reached (its transport), its score and advertised height. */
  peers(): PeerView[] {
    const now = this.deps.clock.now()
    return this.deps.network.peers().map((id) => {
      const info = this.peerManager.info(id)
      const view: PeerView = { id, transport: this.deps.network.transportOf?.(id) ?? 'other', score: info?.score ?? 0, height: info?.height ?? -1 }
      if (info && info.bannedUntil > now) view.bannedUntil = info.bannedUntil
      if (info?.lastOffence) view.lastOffence = info.lastOffence
      return view
    })
  }

  health(): Health {
    const { lagBlocks, lagMs } = this.tracker.lag()
    const h: Health = {
      verifiedHeight: this.chain.height,
      bestSeenHeight: this.tracker.bestSeenHeight,
      lagBlocks,
      lagMs,
      status: this.statusState.status,
      peers: this.peerManager.count(),
    }
    if (this.statusState.reason) h.reason = this.statusState.reason
    return h
  }

  /**
   * Throws `ClientHalted`, or `StaleView` unless the verified state is at most `maxLagMs`
   * old (now − the verified head's timestamp) and at most `maxLagBlocks` (default: any)
   * behind the best certified head seen. Certified heads whose proofs have not arrived
   * count as lag: a view is fresh only when it is proven.
   */
  async requireFresh(opts: { maxLagMs: number; maxLagBlocks?: number }): Promise<Health> {
    this.ensureUsable()
    this.updateStatus()
    const h = this.health()
    if (!judgeFreshness(h, opts).ok) throw new StaleView(h.lagMs, h.lagBlocks)
    return h
  }

  /** Resolves the first time the client is synced (verified up to the best head peers advertise). */
  whenSynced(signal?: AbortSignal): Promise<Health> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.halt) reject(new ClientHalted(this.halt.reason))
        else if (signal?.aborted || !this.running) reject(new ClientStopped())
        else if (this.statusState.status === 'synced') resolve(this.health())
        else return false
        off()
        signal?.removeEventListener('abort', onAbort)
        return true
      }
      const onAbort = () => check()
      const off = this.events.on('status', () => void check())
      signal?.addEventListener('abort', onAbort, { once: true })
      check()
    })
  }

  /**
   * The balance of `address`, verified by a Merkle proof against the verified state root
   * at the client's verified tip when called (or at `minHeight`, if higher) or later: a
   * peer answering from an older state is a fault, and the query goes to another.
   */
  async getBalance(address: string, opts: { signal?: AbortSignal; minHeight?: number } = {}): Promise<VerifiedBalance> {
    this.ensureUsable()
    await this.awaitStatePeer(opts.signal)
    const minHeight = Math.max(this.chain.height, opts.minHeight ?? 0)
    if (minHeight > this.chain.height) {
      await this.chain.waitFor(minHeight, this.deps.clock, this.t.balanceWaitMs)
      if (minHeight > this.chain.height) {
        const { lagMs, lagBlocks } = this.tracker.lag()
        throw new StaleView(lagMs, lagBlocks, `no verified state at height ${minHeight} yet (verified ${this.chain.height})`)
      }
    }
    return fetchVerifiedBalance(
      {
        wire: this.deps.network,
        depth: this.chain.context.depth,
        peers: () => this.statePeers(),
        minHeight,
        tip: () => ({ height: this.chain.height, stateRoot: this.chain.stateRoot }),
        verifiedHeader: (h) => this.verifiedRootAt(h),
        announced: (peer, header, qc) => {
          considerHead(this.intake, peer, header, qc, 'announcement')
          this.poll(peer)
        },
        offence: (peer, o, d) => this.punish(peer, o, d),
        fault: (peer, f) => this.fault(peer, f),
        requestTimeoutMs: this.t.requestTimeoutMs,
        attempts: 4,
      },
      address,
      opts.signal,
    )
  }

  /**
   * Sends a signed transfer; resolves once it is in a verified block. `onProgress` hears
   * 'accepted' (a peer took it into its mempool), 'certified' (found in a block whose body
   * matched its header, under a verified certificate; its proof is being verified) and
   * 'verified' (in a verified block: the promise resolves next). Nodes serve blocks only
   * once proven, so 'certified' comes shortly before 'verified'; the wait for the proof
   * shows as certified heads above the verified one (`pending` events, health().lagBlocks).
   */
  async submitTransfer(signed: Transfer | Uint8Array, opts: { timeoutMs?: number; onProgress?: (p: TransferProgress) => void } = {}): Promise<Inclusion> {
    this.ensureUsable()
    return submitAndWait(
      {
        wire: this.deps.network,
        watch: this.txs,
        peers: this.statePeers().slice(0, 4),
        requestTimeoutMs: this.t.requestTimeoutMs,
        timeoutMs: opts.timeoutMs ?? this.t.transferTimeoutMs,
        reports: { offence: (peer, o, d) => this.punish(peer, o, d), fault: (peer, f) => this.fault(peer, f) },
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      },
      signed,
    )
  }

  /**
   * What this client verified about the block at `height`, if it still holds it (the
   * checkpoint's header, or one of the last `cacheBlocks` verified blocks): the header,
   * the certificate covering it and the block's proof. Undefined otherwise.
   */
  inspect(height: number): InspectedBlock | undefined {
    const header = this.chain.headerAt(height)
    const hash = this.chain.hashHex(height) ?? (header && height === this.chain.checkpoint.height ? bytesToHex(this.chain.checkpoint.headerHash) : undefined)
    if (!header || !hash) return undefined
    const block = this.chain.block(height)
    const out: InspectedBlock = {
      height,
      hash,
      header,
      source: block ? 'synced' : 'checkpoint',
      proof: block?.proof ?? null,
      transfers: block?.block.transfers.length ?? 0,
      bodyVerified: block?.bodyVerified ?? false,
    }
    const cert = this.chain.certificateCovering(height)
    if (cert) {
      out.certificate = {
        height: cert.height,
        headerHash: bytesToHex(cert.qc.headerHash),
        signers: cert.qc.signatures.map((v) => v.validator),
        validators: this.chain.validatorSet.length,
      }
    }
    return out
  }

  // --- loops ---

  private async followLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !this.halt) {
      try {
        if (!this.chain.tip) {
          if (this.peerManager.count() === 0 || !(await fetchAnchor(this.sync, signal))) await this.idle(this.t.retryMs, signal)
          else this.advanced()
          continue
        }
        const target = this.peerManager.bestHeight()
        if (target > this.chain.height) {
          const outcome = await syncRound(this.sync, target, signal)
          if (outcome === 'stalled') {
            this.stalled(target, 'no-answer', this.sync.missed)
            await this.idle(this.t.retryMs, signal)
          } else if (outcome !== 'aborted') this.stall = undefined
          continue
        }
        this.stall = undefined
        this.updateStatus()
        await this.idle(this.t.statusIntervalMs, signal)
      } catch (err) {
        // The verifier or a bug, not a peer: report, back off, keep the verified view.
        this.deps.logger.warn('sync round failed', err)
        if (!signal.aborted) this.stalled(this.peerManager.bestHeight(), 'error', errorText(err))
        await this.idle(this.t.retryMs, signal)
      }
    }
  }

  private async pollLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !this.halt) {
      await this.deps.network.ensurePeers(this.t.wantPeers).catch(() => {})
      await Promise.all(this.peerManager.usable().map((p) => pollPeer(this.intake, p, signal)))
      this.updateStatus()
      await sleep(this.deps.clock, this.t.statusIntervalMs, signal)
    }
  }

  /** Peers that can answer account proofs and take transfers (nodes; other light clients cannot). */
  private statePeers(): string[] {
    return this.peerManager.usable().filter((p) => this.deps.network.servesState?.(p) !== false)
  }

  /** Right after start() no node may be connected yet: wait (up to one request timeout) for one to ask. */
  private async awaitStatePeer(signal?: AbortSignal): Promise<void> {
    const running = this.running?.signal
    const deadline = this.deps.clock.now() + this.t.requestTimeoutMs
    while (this.statePeers().length === 0 && this.deps.clock.now() < deadline && running && !running.aborted && !signal?.aborted) {
      await sleep(this.deps.clock, 50, signal ?? running).catch(() => {})
    }
  }

  /** Reports a stuck catch-up once per height and reason (StalledEvent). */
  private stalled(target: number, reason: StalledEvent['reason'], detail?: string): void {
    const height = this.chain.height + 1
    if (this.stall?.height === height && this.stall.reason === reason) return
    this.stall = { height, reason }
    const peers = this.peerManager.usable({ minHeight: height }).length
    this.deps.logger.warn(`catch-up stalled at height ${height} (target ${target}, ${peers} peers claim it): ${reason}${detail ? ` (${detail})` : ''}`)
    this.events.emit('stalled', { height, target, reason, ...(detail ? { detail } : {}), peers })
  }

  private idle(ms: number, signal: AbortSignal): Promise<void> {
    const woken = new Promise<void>((resolve) => (this.wake = resolve))
    return Promise.race([sleep(this.deps.clock, ms, signal), woken]).finally(() => (this.wake = undefined))
  }

  // --- what peers tell us ---

  private onNetwork(ev: NetworkEvent): void {
    if (ev.type === 'connect') {
      if (!this.peerManager.add(ev.peer)) return void this.deps.network.ban(ev.peer, this.peerManager.info(ev.peer)?.bannedUntil ?? 0)
      this.poll(ev.peer)
    } else if (ev.type === 'disconnect') {
      this.peerManager.remove(ev.peer)
      this.sync.noHeaderProofs.delete(ev.peer) // it may come back upgraded
    } else if (ev.type === 'unreachable') {
      const { type: _type, ...rest } = ev
      this.events.emit('unreachable', rest)
    } else if (!ev.head) this.punish(ev.peer, 'malformed', `gossip: ${ev.reason ?? 'undecodable'}`)
    else {
      considerHead(this.intake, ev.peer, ev.head.header, ev.head.qc, 'announcement')
      // A certified head may still lack its proof: ask the peer what it can serve now. Only a
      // zklight peer of ours: gossip also arrives through connections that are not (a relay,
      // a node left out by onlyPeers), and asking those fails on our side, not theirs.
      const info = this.peerManager.info(ev.peer)
      if (info?.connected && ev.head.header.height > info.height) this.poll(ev.peer)
    }
  }

  /** Polls one peer's status now (at most one poll in flight per peer) and wakes the sync loop. */
  private poll(peer: string): void {
    const running = this.running
    if (!running || this.polling.has(peer)) return
    this.polling.add(peer)
    void pollPeer(this.intake, peer, running.signal)
      .finally(() => this.polling.delete(peer))
      .then(() => this.wake?.())
  }

  private punish(peer: string, offence: Offence, detail: string): void {
    this.peerManager.punish(peer, offence)
    void this.deps.network.ban(peer, this.deps.clock.now() + this.t.banMs).catch(() => {})
    this.events.emit('banned', { peer, kind: 'offence', why: offence, detail })
  }

  private fault(peer: string, fault: Fault): void {
    if (!this.peerManager.fault(peer, fault)) return
    // Replaced, not accused: hang up for a while and dial someone else.
    void this.deps.network.ban(peer, this.peerManager.info(peer)?.bannedUntil ?? 0).catch(() => {})
    this.events.emit('banned', { peer, kind: 'fault', why: fault, detail: 'score too low' })
  }

  // --- the verified view moves ---

  private adopt(entries: CheckedEntry[], qc: QuorumCertificate, peer: string, stats?: { proofs: number; verifyMs: number }): void {
    const from = this.chain.height + 1
    const blocks = this.chain.extend(entries, qc, this.deps.clock.now())
    // Certificates already verified for these blocks (gossiped heads, status answers, while
    // their proofs were pending) go with them: a client serving others ends a range on any
    // certified block, so a range of blocks it adopted at once is not cut back to its tail.
    for (const b of blocks) {
      if (b.qc) continue
      const known = this.book.certificateFor(b.block.header.height, b.hash)
      if (known) this.chain.markCertified(b.block.header.height, known)
    }
    this.advanced()
    const tip = this.chain.tip
    if (tip) {
      this.events.emit('batch', { from, to: tip.header.height, proofs: stats?.proofs ?? 0, verifyMs: stats?.verifyMs ?? 0, peer, target: this.tracker.bestSeenHeight })
      this.events.emit('head', { height: tip.header.height, hash: bytesToHex(tip.hash), header: tip.header, stateRoot: tip.header.stateRoot, verified: true })
    }
    const record = this.chain.currentRecord()
    if (record) this.saver.offer(record)
    this.txs.verified(blocks)
  }

  private advanced(): void {
    this.tracker.advanced((h) => this.chain.hashHex(h))
    this.updateStatus()
  }

  private async verifiedRootAt(height: number): Promise<{ height: number; stateRoot: bigint } | undefined> {
    await this.chain.waitFor(height, this.deps.clock, this.t.balanceWaitMs)
    return this.chain.rootAt(height)
  }

  private stopForSafety(reason: string, evidence?: Equivocation): void {
    if (this.halt) return
    this.halt = evidence ? { reason, evidence } : { reason }
    this.saver.freeze()
    this.tracker.clear()
    this.txs.failAll(new ClientHalted(reason))
    this.wake?.()
    this.updateStatus()
  }

  private updateStatus(): void {
    let next: StatusEvent
    if (this.halt) next = { status: 'halted', reason: this.halt.reason, ...(this.halt.evidence ? { evidence: this.halt.evidence } : {}) }
    else {
      const lag = this.tracker.lag()
      next = liveStatus({
        ...lag,
        anchored: this.chain.tip !== undefined,
        heard: this.tracker.heardFromPeers,
        sinceStart: this.deps.clock.now() - this.startedAt,
        staleAfterMs: this.t.staleAfterMs,
        peers: this.peerManager.count(),
      })
    }
    if (next.status === this.statusState.status && next.reason === this.statusState.reason) return
    this.statusState = next
    this.events.emit('status', next)
  }

  private ensureUsable(): void {
    if (this.halt) throw new ClientHalted(this.halt.reason)
    if (!this.running) throw new ClientStopped()
  }
}
