// The job board of a producing node: every committed block with transfers and no stored
// proof is a job, leased to one prover at a time until a deadline and handed out again
// when it passes. A returned proof is checked (public signals, then Groth16) before it is
// stored; ChainState.putProof stores any height, and the served head moves only over the
// contiguous proven prefix, so proofs arriving out of order are served in height order.
import { blockPublicInputs } from '../core/block.ts'
import { applyBlockTransfers, createLedger, type TransferStep } from '../core/ledger.ts'
import type { Logger } from '../core/logger.ts'
import type { ProofBytes } from '../core/types.ts'
import type { ProofRefusal } from '../net/prove-messages.ts'
import type { ProofVerifier } from '../zk/proof-verifier.ts'
import type { CircuitProfile } from '../zk/profiles.ts'
import { buildWitnessInput, type CircuitInput } from '../zk/witness.ts'
import type { ChainState } from './chain.ts'
import { LEASE_PROVING_TIMES, LEASE_SLOWEST_PROOFS, PROOF_TIMES_KEPT, PROVE_MS_PER_SLOT, PROVER_ACTIVE_MS } from './constants.ts'
import { StateMismatch } from './errors.ts'

/** The circuit's public inputs in order (`component main {public [...]}`, src/zk/artifacts.ts). */
const PUBLIC_INPUT_NAMES = ['oldRoot', 'newRoot', 'txRoot', 'chainTag'] as const

/** A job as handed to one prover. */
export interface Lease {
  height: number
  input: CircuitInput
  leaseMs: number
}

/** `offence`: the proof shows the prover lied (it is banned); otherwise a late or duplicate answer. */
export type ProofVerdict = { ok: true } | { ok: false; reason: ProofRefusal; offence: boolean }

/** The default lease of a profile: several expected proving times of a full block. */
export function leaseMsFor(profile: CircuitProfile): number {
  return LEASE_PROVING_TIMES * profile.batch * PROVE_MS_PER_SLOT
}

interface Job {
  height: number
  /** Built when the block was committed; rebuilt from the store for blocks found unproven at start. */
  input?: CircuitInput
  /** The current lease's holder. */
  holder?: string
  /** Every prover the job was leased to (a lease that ran out still counts), with when. */
  holders: Map<string, number>
  expiresAt: number
  /** A submitted proof is being checked: the job is neither leased again nor checked twice. */
  checking: boolean
  expiry?: ReturnType<typeof setTimeout>
}

export interface ProvingJobsDeps {
  chain: ChainState
  profile: CircuitProfile
  /** Checks every returned proof (a worker pool in production; any ProofVerifier backend). */
  verifier: ProofVerifier
  leaseMs: number
  logger: Logger
  now?: () => number
  /** After each stored proof: who proved it and how long after it was leased to them. */
  onProof?: (height: number, holder: string, ms: number) => void
}

export class ProvingJobs {
  private readonly jobs = new Map<number, Job>()
  /** Provers that asked for work recently, with the workers each declared. */
  private readonly provers = new Map<string, { workers: number; until: number }>()
  private readonly waiters = new Set<() => void>()
  /** Lease-to-proof times of the last accepted proofs (the lease follows the slowest). */
  private readonly proofTimes: number[] = []
  private stopped = false

  constructor(private readonly deps: ProvingJobsDeps) {}

  /** Blocks with transfers still waiting for a stored proof, leased or not. */
  get pending(): number {
    return this.jobs.size
  }

  /** The configured lease, or more when recent proofs took longer (LEASE_SLOWEST_PROOFS). */
  get leaseMs(): number {
    return Math.max(this.deps.leaseMs, LEASE_SLOWEST_PROOFS * Math.max(0, ...this.proofTimes))
  }

  /** Current leases (for logs and tests): height and holder, lowest height first. */
  leases(): { height: number; holder: string }[] {
    const now = this.now()
    return [...this.jobs.values()]
      .filter((j) => j.holder !== undefined && j.expiresAt > now)
      .map((j) => ({ height: j.height, holder: j.holder as string }))
      .sort((a, b) => a.height - b.height)
  }

  /** Prover workers working for this node: local ones, and remote ones seen lately or holding a lease. */
  capacity(): number {
    const now = this.now()
    const holding = new Set(this.leases().map((l) => l.holder))
    let n = 0
    for (const [id, p] of this.provers) {
      if (p.until > now || holding.has(id)) n += p.workers
      else if (p.until + PROVER_ACTIVE_MS < now) this.provers.delete(id)
    }
    return n
  }

  /** Counts `holder` as `workers` proving workers until `until` (local workers: Infinity). */
  noteProver(holder: string, workers: number, until = this.now() + PROVER_ACTIVE_MS): void {
    this.provers.set(holder, { workers, until })
  }

  forgetProver(holder: string): void {
    this.provers.delete(holder)
  }

  /** Queues a freshly committed block with the steps its transfers made (empty blocks need no proof). */
  add(height: number, steps: readonly TransferStep[], oldRoot: bigint): void {
    if (steps.length === 0 || this.stopped) return
    const input = buildWitnessInput(steps, this.deps.profile, oldRoot, this.deps.chain.identity.chainTag)
    this.jobs.set(height, { height, input, holders: new Map(), expiresAt: 0, checking: false })
    this.wake()
  }

  /** Queues every stored block above the proven head that still lacks its proof (after a crash or restart). */
  async recover(): Promise<number> {
    const { store } = this.deps.chain
    const head = store.head() ?? 0
    let found = 0
    for (let h = this.deps.chain.provenHeight + 1; h <= head; h++) {
      if (this.jobs.has(h)) continue
      const block = await store.getBlock(h)
      if (block && block.transfers.length > 0 && (await store.getProof(h)) === undefined) {
        this.jobs.set(h, { height: h, holders: new Map(), expiresAt: 0, checking: false })
        found++
      }
    }
    this.wake()
    return found
  }

  /** Leases the lowest job that is free (never leased, or its lease ran out) to `holder`; undefined when there is none. */
  async lease(holder: string): Promise<Lease | undefined> {
    if (this.stopped) return undefined
    const now = this.now()
    let job: Job | undefined
    for (const j of this.jobs.values()) if (!j.checking && (j.holder === undefined || j.expiresAt <= now) && (!job || j.height < job.height)) job = j
    if (!job) return undefined
    if (job.holder !== undefined) this.deps.logger.info(`the lease of block ${job.height} by ${job.holder} ran out; handing it to another prover`)
    const leaseMs = this.leaseMs
    job.holder = holder
    job.holders.set(holder, now)
    job.expiresAt = now + leaseMs
    clearTimeout(job.expiry)
    // Wakes waiting local workers when the lease runs out; unref'd so it never holds the process.
    job.expiry = setTimeout(() => this.wake(), leaseMs + 1)
    job.expiry.unref?.()
    try {
      job.input ??= await this.rebuildInput(job.height)
      // Checked before any prover sees it: with a wrong input an honest prover's proof would
      // not match the block, and the node would blame (and ban) the prover for its own bug.
      const expected = await this.publicInputs(job.height)
      if (PUBLIC_INPUT_NAMES.some((name, i) => job.input?.[name] !== expected[i]?.toString())) throw new StateMismatch(`the witness input of block ${job.height} does not match its header`)
    } catch (err) {
      this.release(holder, job.height)
      throw err
    }
    this.deps.logger.info(`block ${job.height} leased to ${holder} for ${Math.round(leaseMs / 1000)} s`)
    return { height: job.height, input: job.input, leaseMs }
  }

  /** Waits until a job can be leased to `holder` (local workers); undefined once stopped or aborted. */
  async next(holder: string, signal: AbortSignal): Promise<Lease | undefined> {
    for (;;) {
      if (this.stopped || signal.aborted) return undefined
      const lease = await this.lease(holder)
      if (lease) return lease
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiters.delete(done)
          signal.removeEventListener('abort', done)
          resolve()
        }
        this.waiters.add(done)
        signal.addEventListener('abort', done, { once: true })
      })
    }
  }

  /** Returns `holder`'s lease of `height` to the board at once (its worker died, or it was banned). */
  release(holder: string, height: number): void {
    const job = this.jobs.get(height)
    if (!job || job.holder !== holder || job.checking) return
    job.holder = undefined
    clearTimeout(job.expiry)
    this.wake()
  }

  /** Returns every lease `holder` has, forgets every job it held, and stops counting it as a prover. */
  releaseAll(holder: string): number {
    let n = 0
    for (const job of this.jobs.values()) {
      if (job.holder === holder && !job.checking) {
        this.release(holder, job.height)
        n++
      }
      job.holders.delete(holder)
    }
    this.forgetProver(holder)
    return n
  }

  /**
   * Takes `holder`'s proof of block `height`: refused without harm unless the job was
   * leased to `holder` (now, or in a lease that ran out: the first good proof wins, so
   * provers slower than the lease never just repeat each other's work); then the public
   * signals must be the block's and the proof must verify, or it is an offence and the
   * job goes back to the board at once. A good proof is stored before this resolves.
   */
  async submit(holder: string, height: number, proof: ProofBytes, signals: readonly bigint[]): Promise<ProofVerdict> {
    const job = this.jobs.get(height)
    if (!job) return { ok: false, reason: (await this.isProven(height)) ? 'already-proven' : 'not-leased', offence: false }
    const leasedAt = job.holders.get(holder)
    if (leasedAt === undefined || job.checking) return { ok: false, reason: 'not-leased', offence: false }
    job.checking = true
    try {
      const expected = await this.publicInputs(height)
      if (signals.length !== expected.length || signals.some((s, i) => s !== expected[i])) return this.refuse(job, holder, 'signals-mismatch')
      const verdict = await this.deps.verifier.verifyBatch([{ proof, signals: expected }])
      if (!verdict.ok) return this.refuse(job, holder, 'proof-invalid')
      if (this.stopped) return { ok: false, reason: 'not-leased', offence: false }
      await this.deps.chain.putProof(height, proof)
      clearTimeout(job.expiry)
      this.jobs.delete(height)
      const ms = this.now() - leasedAt
      this.proofTimes.push(ms)
      if (this.proofTimes.length > PROOF_TIMES_KEPT) this.proofTimes.shift()
      this.deps.onProof?.(height, holder, ms)
      this.wake()
      return { ok: true }
    } finally {
      job.checking = false
    }
  }

  /** Hands out nothing more and wakes every waiting worker (which then stops). */
  stop(): void {
    this.stopped = true
    for (const job of this.jobs.values()) clearTimeout(job.expiry)
    this.wake()
  }

  private refuse(job: Job, offender: string, reason: 'signals-mismatch' | 'proof-invalid'): ProofVerdict {
    job.holders.delete(offender)
    if (job.holder === offender) {
      job.holder = undefined
      clearTimeout(job.expiry)
      this.wake()
    }
    return { ok: false, reason, offence: true }
  }

  /** The public inputs block `height`'s proof must have (blockPublicInputs). */
  private async publicInputs(height: number): Promise<bigint[]> {
    const { chain } = this.deps
    const header = await chain.store.getHeader(height)
    const parent = await chain.store.getHeader(height - 1)
    if (!header || !parent) throw new StateMismatch(`block ${height} or its parent is missing`)
    return blockPublicInputs(parent, header, chain.identity.chainTag)
  }

  private async isProven(height: number): Promise<boolean> {
    const { store } = this.deps.chain
    return Number.isSafeInteger(height) && height >= 0 && height <= (store.head() ?? -1) && (await store.getProof(height)) !== undefined
  }

  private wake(): void {
    for (const w of [...this.waiters]) w()
  }

  private now(): number {
    return (this.deps.now ?? Date.now)()
  }

  /** Re-executes block `height` on the state after its parent, read back from the store. */
  private async rebuildInput(height: number): Promise<CircuitInput> {
    const { chain, profile } = this.deps
    const block = await chain.store.getBlock(height)
    const parent = await chain.store.getHeader(height - 1)
    if (!block || !parent) throw new StateMismatch(`block ${height} or its parent is missing`)
    const accounts = await chain.store.loadAccounts(height - 1)
    const { chainTag } = chain.identity
    const state = createLedger(
      chainTag,
      profile.depth,
      [...accounts].map(([index, account]) => ({ index, account })),
    )
    if (state.tree.root !== parent.stateRoot) throw new StateMismatch(`stored state at ${height - 1} does not match its header`)
    return buildWitnessInput(applyBlockTransfers(state, block.transfers), profile, parent.stateRoot, chainTag)
  }
}
