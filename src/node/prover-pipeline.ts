// The proving pipeline: blocks with transfers are proven one at a time, in height
// order, by a prover in a worker thread (so networking never waits on it); each proof
// is checked against the block's public inputs and stored, which advances the served head.
import { blockPublicInputs } from '../core/block.ts'
import { createLedger, applyBlockTransfers, type TransferStep } from '../core/ledger.ts'
import type { Logger } from '../core/logger.ts'
import type { ProveResult } from '../zk/prover.ts'
import type { CircuitProfile } from '../zk/profiles.ts'
import { buildWitnessInput, type CircuitInput } from '../zk/witness.ts'
import type { ChainState } from './chain.ts'
import { StateMismatch } from './errors.ts'

export interface ProverLike {
  prove(input: Record<string, unknown>): Promise<ProveResult>
  close(): Promise<void>
}

interface Job {
  height: number
  /** Built when the block was made; rebuilt from the store for blocks found unproven at start. */
  input?: CircuitInput
}

export interface ProvingDeps {
  chain: ChainState
  prover: ProverLike
  profile: CircuitProfile
  logger: Logger
  /** Called after each stored proof, with the time the prover took. */
  onProof?: (height: number, ms: number) => void
}

export class ProvingPipeline {
  private readonly queue: Job[] = []
  private busy = false
  private stopped = false
  private failure: Error | undefined
  private drained: Promise<void> = Promise.resolve()

  constructor(private readonly deps: ProvingDeps) {}

  /** Blocks waiting for a proof, the one being proven included. */
  get pending(): number {
    return this.queue.length + (this.busy ? 1 : 0)
  }

  /** The error that stopped proving, if any (the node keeps serving up to its proven head). */
  get error(): Error | undefined {
    return this.failure
  }

  /** Queues every stored block above the proven head that still lacks its proof (after a crash or restart). */
  async recover(): Promise<number> {
    const { store } = this.deps.chain
    const head = store.head() ?? 0
    let found = 0
    for (let h = this.deps.chain.provenHeight + 1; h <= head; h++) {
      const block = await store.getBlock(h)
      if (block && block.transfers.length > 0 && (await store.getProof(h)) === undefined) {
        this.queue.push({ height: h })
        found++
      }
    }
    this.kick()
    return found
  }

  /** Queues a freshly committed block with the steps its transfers made. */
  enqueue(height: number, steps: readonly TransferStep[], oldRoot: bigint): void {
    if (steps.length === 0) return
    this.queue.push({ height, input: buildWitnessInput(steps, this.deps.profile, oldRoot, this.deps.chain.identity.chainTag) })
    this.kick()
  }

  /** Stops taking jobs and closes the prover; a proof in flight is abandoned (re-proven on restart). */
  async stop(): Promise<void> {
    this.stopped = true
    this.queue.length = 0
    await this.deps.prover.close()
    await this.drained
  }

  private kick(): void {
    if (this.busy || this.stopped || this.failure || this.queue.length === 0) return
    this.busy = true
    this.drained = this.run().finally(() => {
      this.busy = false
    })
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.queue.length > 0) {
      const job = this.queue.shift() as Job
      try {
        await this.proveOne(job)
      } catch (err) {
        if (this.stopped) return
        this.failure = err instanceof Error ? err : new Error(String(err))
        this.deps.logger.error(`proving stopped at block ${job.height}`, this.failure)
        return
      }
    }
  }

  private async proveOne(job: Job): Promise<void> {
    const { chain, prover } = this.deps
    const header = await chain.store.getHeader(job.height)
    const parent = await chain.store.getHeader(job.height - 1)
    if (!header || !parent) throw new StateMismatch(`block ${job.height} or its parent is missing`)
    const input = job.input ?? (await this.rebuildInput(job.height, parent.stateRoot))
    const t0 = performance.now()
    const { proof, publicSignals } = await prover.prove(input)
    const ms = performance.now() - t0
    const expected = blockPublicInputs(parent, header, chain.identity.chainTag)
    if (publicSignals.length !== expected.length || publicSignals.some((s, i) => s !== expected[i])) {
      throw new StateMismatch(`the proof of block ${job.height} has other public inputs than its header`)
    }
    if (this.stopped) return
    await chain.putProof(job.height, proof)
    this.deps.onProof?.(job.height, ms)
  }

  /** Re-executes block `height` on the state after its parent, read back from the store. */
  private async rebuildInput(height: number, parentRoot: bigint): Promise<CircuitInput> {
    const { chain, profile } = this.deps
    const block = await chain.store.getBlock(height)
    if (!block) throw new StateMismatch(`block ${height} is missing`)
    const accounts = await chain.store.loadAccounts(height - 1)
    const { chainTag } = chain.identity
    const state = createLedger(
      chainTag,
      profile.depth,
      [...accounts].map(([index, account]) => ({ index, account })),
    )
    if (state.tree.root !== parentRoot) throw new StateMismatch(`stored state at ${height - 1} does not match its header`)
    return buildWitnessInput(applyBlockTransfers(state, block.transfers), profile, parentRoot, chainTag)
  }
}
