// Follower mode: pulls proven blocks from upstream peers over the proofs protocol,
// checks each one as a full node must (the core block rule with every transfer
// re-executed, a certificate on every block, and the Groth16 proof), then stores it.
// A peer that serves an invalid block is hung up on and ignored for BAN_MS, with the
// offence named. Transfers are forwarded upstream.
import { blockPublicInputs, verifyBlock } from '../core/block.ts'
import { equalBytes } from '../core/bytes.ts'
import { hashHeader, isLinkReason } from '../core/header.ts'
import { verifyTransfer, type LedgerState } from '../core/ledger.ts'
import type { Logger } from '../core/logger.ts'
import type { Clock } from '../core/platform.ts'
import { verifyQuorumCertificate } from '../core/quorum.ts'
import type { BlockEntry, Header, Transfer, TransferReason } from '../core/types.ts'
import { MAX_PROOFS_PER_REQUEST } from '../net/constants.ts'
import { parseMultiaddr } from '../net/dial.ts'
import type { Offence } from '../net/peer-judgement.ts'
import { PROOFS, STATUS, SUBMIT } from '../net/protocols.ts'
import { call, type RpcHost } from '../net/rpc.ts'
import type { BatchItem, ProofVerifier } from '../zk/proof-verifier.ts'
import type { ChainState } from './chain.ts'
import { BAN_MS, FOLLOW_POLL_MS } from './constants.ts'

export interface FollowerDeps {
  chain: ChainState
  host: RpcHost
  /** Upstream multiaddrs (each ending in /p2p/<id>). */
  peers: string[]
  verifier: ProofVerifier
  clock: Clock
  logger: Logger
  pollMs?: number
  /** Told of every peer the follower stops using, with the offence it proved. */
  onBan?: (peer: string, offence: Offence, detail: string) => void
  /**
   * Fetch only the proofs of blocks this node already holds (a validator, whose blocks
   * come from voting): nothing above the local head is requested or appended.
   */
  proofsOnly?: boolean
  /** Peers to keep ignoring until these times (a snapshot join's bans). */
  bannedUntil?: ReadonlyMap<string, number>
}

/** Why an upstream peer's answer was refused: the offence and what exactly was wrong. */
export interface Refusal {
  offence: Offence
  detail: string
}

type Checked = { entry: BlockEntry; repair: boolean; signals: bigint[] | null }

export class Follower {
  private running = false
  private wake: (() => void) | undefined
  private loop: Promise<void> = Promise.resolve()
  private readonly bans = new Map<string, number>()
  private readonly complained = new Set<string>()

  constructor(private readonly deps: FollowerDeps) {
    for (const [peer, until] of deps.bannedUntil ?? []) this.bans.set(peer, until)
  }

  start(): void {
    this.running = true
    this.loop = this.run()
  }

  async stop(): Promise<void> {
    this.running = false
    this.wake?.()
    await this.loop
  }

  /** Syncs now instead of at the next poll (a new head was gossiped). */
  poke(): void {
    this.wake?.()
  }

  /** Whether `addr` is being ignored for an offence (until its ban runs out). */
  isBanned(addr: string): boolean {
    return (this.bans.get(addr) ?? 0) > this.deps.clock.now()
  }

  /**
   * Refuses what no pending transfer could fix (bad signature, indices, amount) against
   * the local head state, then hands the transfer to the first upstream peer that answers;
   * nonce and balance rules are the producer's to judge, since it knows its mempool.
   */
  async forward(t: Transfer): Promise<{ ok: true } | { ok: false; reason: string }> {
    const v = verifyTransfer(this.deps.chain.ledger, t)
    if (!v.ok && LOCAL_REASONS.has(v.reason)) return v
    for (const addr of this.usablePeers()) {
      try {
        const r = await call(this.deps.host, parseMultiaddr(addr), SUBMIT, { transfer: t })
        if (r.kind === 'submit') return r.accepted ? { ok: true } : { ok: false, reason: r.reason }
      } catch {
        // try the next peer
      }
    }
    return { ok: false, reason: 'no-upstream' }
  }

  private usablePeers(): string[] {
    return this.deps.peers.filter((p) => !this.isBanned(p))
  }

  private async run(): Promise<void> {
    while (this.running) {
      for (const addr of this.usablePeers()) {
        if (!this.running) break
        try {
          await this.syncFrom(addr)
          this.complained.delete(addr)
        } catch (err) {
          if (!this.complained.has(addr) && this.running) {
            this.complained.add(addr)
            this.deps.logger.warn(`sync from ${addr} failed (retrying)`, err)
          }
        }
      }
      await new Promise<void>((resolve) => {
        const t = this.deps.clock.setTimeout(resolve, this.deps.pollMs ?? FOLLOW_POLL_MS)
        this.wake = () => {
          this.deps.clock.clearTimeout(t)
          resolve()
        }
      })
      this.wake = undefined
    }
  }

  private async syncFrom(addr: string): Promise<void> {
    const { chain, host } = this.deps
    const ma = parseMultiaddr(addr)
    const st = await call(host, ma, STATUS, {})
    if (st.kind === 'error') return
    if (st.chainId !== chain.identity.chainId || !equalBytes(st.genesisHash, chain.genesisHash)) {
      return this.ban(addr, { offence: 'foreign-chain', detail: 'its genesis is not ours' })
    }
    while (this.running) {
      const from = chain.provenHeight + 1 // below the head only after a crash between a block and its proof
      const last = this.deps.proofsOnly ? Math.min(st.headHeight, chain.head.height) : st.headHeight
      if (from > last) return
      const res = await call(host, ma, PROOFS, { from, count: Math.min(MAX_PROOFS_PER_REQUEST, last - from + 1) })
      if (res.kind === 'error' || res.entries.length === 0) return
      const { checked, refusal } = await this.check(res.entries, from)
      const items: BatchItem[] = []
      const itemOf: number[] = []
      checked.forEach((c, i) => {
        if (c.signals && c.entry.proof) {
          items.push({ proof: c.entry.proof, signals: c.signals })
          itemOf.push(i)
        }
      })
      const verdict = await this.deps.verifier.verifyBatch(items)
      const firstBad = verdict.ok ? checked.length : Math.min(...verdict.bad.map((b) => itemOf[b] as number))
      for (const c of checked.slice(0, firstBad)) {
        const { block, proof, qc } = c.entry
        if (!c.repair) await chain.append(block, qc as NonNullable<typeof qc>)
        if (proof && c.signals) await chain.putProof(block.header.height, proof)
      }
      if (!verdict.ok) return this.ban(addr, { offence: 'proof-invalid', detail: `block ${checked[firstBad]?.entry.block.header.height}` })
      if (refusal) return this.ban(addr, refusal)
      if (checked.length === 0) return
    }
  }

  /** Checks entries in order on a scratch state; stops at the first bad one and says why. */
  private async check(entries: BlockEntry[], from: number): Promise<{ checked: Checked[]; refusal?: Refusal }> {
    const { chain } = this.deps
    const { profile, validators } = chain.spec
    const checked: Checked[] = []
    let parent: Header = chain.head
    let state: LedgerState = chain.ledger
    for (const [i, entry] of entries.entries()) {
      const { block, proof, qc } = entry
      const h = block.header
      if (h.height !== from + i) return { checked, refusal: { offence: 'broken-link', detail: `answered height ${h.height} for ${from + i}` } }
      if (h.height <= chain.head.height) {
        // Repair: a block we stored before a crash, whose proof never got written.
        const stored = await chain.store.getHeader(h.height)
        const storedParent = await chain.store.getHeader(h.height - 1)
        if (!stored || !storedParent || !equalBytes(hashHeader(stored), hashHeader(h))) return { checked, refusal: { offence: 'broken-link', detail: `serves another block at ${h.height}` } }
        const signals = block.transfers.length > 0 ? blockPublicInputs(storedParent, h, chain.identity.chainTag) : null
        if (signals && !proof) return { checked, refusal: { offence: 'bad-block', detail: `block ${h.height} without its proof` } }
        checked.push({ entry, repair: true, signals })
        continue
      }
      if (!qc) return { checked, refusal: { offence: 'bad-certificate', detail: `block ${h.height} has no certificate` } }
      const q = verifyQuorumCertificate(h, qc, validators, chain.genesisHash)
      if (!q.ok) return { checked, refusal: { offence: 'bad-certificate', detail: `block ${h.height}: ${q.reason}` } }
      const v = verifyBlock(parent, block, { chainTag: chain.identity.chainTag, validatorCount: validators.length, maxTransfers: profile.batch, checkTxRoot: true, parentState: state })
      if (!v.ok) return { checked, refusal: { offence: isLinkReason(v.reason) ? 'broken-link' : 'bad-block', detail: `block ${h.height}: ${v.reason}` } }
      if (v.proofInputs && !proof) return { checked, refusal: { offence: 'bad-block', detail: `block ${h.height} without its proof` } }
      checked.push({ entry, repair: false, signals: v.proofInputs })
      parent = h
      state = v.state as LedgerState
      // Signature checks take milliseconds each: let the network breathe between blocks.
      if (block.transfers.length > 0) await new Promise((r) => setImmediate(r))
    }
    return { checked }
  }

  private async ban(addr: string, refusal: Refusal): Promise<void> {
    this.bans.set(addr, this.deps.clock.now() + BAN_MS)
    this.deps.logger.warn(`peer ${addr} ${refusal.offence} (${refusal.detail}): ignored for ${BAN_MS / 60_000} min`)
    this.deps.onBan?.(addr, refusal.offence, refusal.detail)
    await this.deps.host.hangUp(parseMultiaddr(addr)).catch(() => undefined)
  }
}

/** Refusals that hold whatever the producer's mempool holds (a known sender's key never changes). */
const LOCAL_REASONS = new Set<TransferReason>(['index-out-of-range', 'self-transfer', 'bad-signature', 'bad-amount'])
