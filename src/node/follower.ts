// Follower mode: pulls proven blocks from upstream peers over the proofs protocol,
// checks each one as a full node must (hash link, certificate, every transfer
// re-executed, both roots, and the Groth16 proof), then stores it. A peer that serves
// an invalid block is hung up on and ignored for BAN_MS. Transfers are forwarded upstream.
import { equalBytes } from '../core/bytes.ts'
import { hashHeader, verifyEmptyBlock, verifyHeaderLink } from '../core/header.ts'
import { applyTransfer, cloneLedger, verifyTransfer, type LedgerState } from '../core/ledger.ts'
import { verifyQuorumCertificate } from '../core/quorum.ts'
import { computeTxRoot } from '../core/tx-root.ts'
import type { Header, Transfer, TransferReason } from '../core/types.ts'
import { MAX_PROOFS_PER_REQUEST } from '../net/constants.ts'
import { parseMultiaddr } from '../net/dial.ts'
import type { ProofEntry } from '../net/messages.ts'
import { PROOFS, STATUS, SUBMIT } from '../net/protocols.ts'
import { call, type RpcHost } from '../net/rpc.ts'
import type { BatchItem } from '../zk/batch-verify.ts'
import type { ProofVerifier } from '../zk/verifier-pool.ts'
import type { ChainState } from './chain.ts'
import { BAN_MS, FOLLOW_POLL_MS } from './constants.ts'

export interface FollowerDeps {
  chain: ChainState
  host: RpcHost
  /** Upstream multiaddrs (each ending in /p2p/<id>). */
  peers: string[]
  verifier: ProofVerifier
  log: (msg: string) => void
  pollMs?: number
}

type Checked = { entry: ProofEntry; repair: boolean }

export class Follower {
  private running = false
  private wake: (() => void) | undefined
  private loop: Promise<void> = Promise.resolve()
  private readonly bans = new Map<string, number>()
  private readonly complained = new Set<string>()

  constructor(private readonly deps: FollowerDeps) {}

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
    const now = Date.now()
    return this.deps.peers.filter((p) => (this.bans.get(p) ?? 0) <= now)
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
            this.deps.log(`sync from ${addr} failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} (retrying)`)
          }
        }
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.deps.pollMs ?? FOLLOW_POLL_MS)
        this.wake = () => {
          clearTimeout(t)
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
    if (st.chainId !== chain.spec.profile.chainId || !equalBytes(st.genesisHash, chain.genesisHash)) {
      return this.ban(addr, 'is on another chain')
    }
    while (this.running) {
      const from = chain.provenHeight + 1 // below the head only after a crash between a block and its proof
      if (from > st.headHeight) return
      const res = await call(host, ma, PROOFS, { from, count: Math.min(MAX_PROOFS_PER_REQUEST, st.headHeight - from + 1) })
      if (res.kind === 'error' || res.entries.length === 0) return
      const { checked, offence } = await this.check(res.entries, from)
      const items: BatchItem[] = []
      const itemOf: number[] = []
      checked.forEach((c, i) => {
        if (c.entry.proof && c.entry.block.transfers.length > 0) {
          items.push({ proof: c.entry.proof, signals: signalsOf(c.entry.block.header, c.parentRoot) })
          itemOf.push(i)
        }
      })
      const verdict = await this.deps.verifier.verifyBatch(items)
      const firstBad = verdict.ok ? checked.length : Math.min(...verdict.bad.map((b) => itemOf[b] as number))
      for (const c of checked.slice(0, firstBad)) {
        const { block, proof, qc } = c.entry
        if (!c.repair) await chain.append(block, qc as NonNullable<typeof qc>)
        if (proof && block.transfers.length > 0) await chain.putProof(block.header.height, proof)
      }
      if (!verdict.ok) return this.ban(addr, `served an invalid proof for block ${checked[firstBad]?.entry.block.header.height}`)
      if (offence) return this.ban(addr, offence)
      if (checked.length === 0) return
    }
  }

  /** Checks entries in order on a scratch state; stops at the first bad one and says why. */
  private async check(entries: ProofEntry[], from: number): Promise<{ checked: (Checked & { parentRoot: bigint })[]; offence?: string }> {
    const { chain } = this.deps
    const { profile, validators } = chain.spec
    const checked: (Checked & { parentRoot: bigint })[] = []
    let parent: Header = chain.head
    let scratch: LedgerState | undefined
    for (const [i, entry] of entries.entries()) {
      const { block, proof, qc } = entry
      const h = block.header
      if (h.height !== from + i) return { checked, offence: `answered height ${h.height} for ${from + i}` }
      const needsProof = block.transfers.length > 0
      if (h.height <= chain.head.height) {
        // Repair: a block we stored before a crash, whose proof never got written.
        const stored = await chain.store.getHeader(h.height)
        const storedParent = await chain.store.getHeader(h.height - 1)
        if (!stored || !storedParent || !equalBytes(hashHeader(stored), hashHeader(h))) return { checked, offence: `serves another block at ${h.height}` }
        if (needsProof && !proof) return { checked, offence: `sent block ${h.height} without its proof` }
        checked.push({ entry, repair: true, parentRoot: storedParent.stateRoot })
        continue
      }
      const link = verifyHeaderLink(parent, h, validators.length)
      if (!link.ok) return { checked, offence: `block ${h.height}: ${link.reason}` }
      if (block.transfers.length > profile.batch) return { checked, offence: `block ${h.height} has more than ${profile.batch} transfers` }
      if (!qc) return { checked, offence: `block ${h.height} has no certificate` }
      const q = verifyQuorumCertificate(h, qc, validators)
      if (!q.ok) return { checked, offence: `block ${h.height} certificate: ${q.reason}` }
      if (!needsProof) {
        const e = verifyEmptyBlock(parent, block)
        if (!e.ok) return { checked, offence: `empty block ${h.height}: ${e.reason}` }
      } else {
        if (!proof) return { checked, offence: `sent block ${h.height} without its proof` }
        scratch ??= cloneLedger(chain.ledger)
        for (const t of block.transfers) {
          const v = verifyTransfer(scratch, t)
          if (!v.ok) return { checked, offence: `block ${h.height} transfer: ${v.reason}` }
          applyTransfer(scratch, t)
        }
        if (scratch.tree.root !== h.stateRoot) return { checked, offence: `block ${h.height}: state root mismatch` }
        if (computeTxRoot(h.chainId, block.transfers) !== h.txRoot) return { checked, offence: `block ${h.height}: tx root mismatch` }
        // Signature checks take ~20 ms each: let the network breathe between blocks.
        await new Promise((r) => setImmediate(r))
      }
      checked.push({ entry, repair: false, parentRoot: parent.stateRoot })
      parent = h
    }
    return { checked }
  }

  private async ban(addr: string, why: string): Promise<void> {
    this.bans.set(addr, Date.now() + BAN_MS)
    this.deps.log(`peer ${addr} ${why}: ignored for ${BAN_MS / 60_000} min`)
    await this.deps.host.hangUp(parseMultiaddr(addr)).catch(() => undefined)
  }
}

/** Refusals that hold whatever the producer's mempool holds (a known sender's key never changes). */
const LOCAL_REASONS = new Set<TransferReason>(['index-out-of-range', 'self-transfer', 'bad-signature', 'bad-amount'])

function signalsOf(h: Header, parentRoot: bigint): bigint[] {
  return [parentRoot, h.stateRoot, h.txRoot]
}
