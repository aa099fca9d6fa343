// The in-process proving pipeline: the node's job board (proving-jobs.ts) with N local
// prover workers consuming it (prover-slots.ts): the one-command devnet's prover. Remote
// provers (`zklight prover`) lease from the same board over the wire (prove-service.ts),
// so several blocks are proven at once and every proof is checked the same way.
import type { TransferStep } from '../core/ledger.ts'
import type { Logger } from '../core/logger.ts'
import type { ProofVerifier } from '../zk/proof-verifier.ts'
import type { CircuitProfile } from '../zk/profiles.ts'
import type { ChainState } from './chain.ts'
import { leaseMsFor, ProvingJobs, type Lease } from './proving-jobs.ts'
import { BadProof, ProverSlots, type ProverLike } from './prover-slots.ts'

export type { ProverLike } from './prover-slots.ts'

export interface ProvingDeps {
  chain: ChainState
  /** A prover for each local worker, called again to replace one that failed; an instance is shared by every worker (tests). */
  prover: ProverLike | (() => ProverLike)
  profile: CircuitProfile
  /** Checks every proof before it is stored, local ones included. */
  verifier: ProofVerifier
  logger: Logger
  /** Local worker threads (default 1; 0 leaves proving to remote provers). */
  workers?: number
  /** Default: leaseMsFor(profile). */
  leaseMs?: number
  /** Called after each stored proof: who proved it, and how long after it was leased. */
  onProof?: (height: number, holder: string, ms: number) => void
}

/** The name a local worker holds leases under. */
export const localHolder = (slot: number): string => `local-${slot}`

export class ProvingPipeline {
  readonly board: ProvingJobs
  private readonly slots: ProverSlots<Lease> | undefined

  constructor(deps: ProvingDeps) {
    const { logger } = deps
    this.board = new ProvingJobs({ chain: deps.chain, profile: deps.profile, verifier: deps.verifier, leaseMs: deps.leaseMs ?? leaseMsFor(deps.profile), logger, onProof: deps.onProof })
    const workers = deps.workers ?? 1
    if (workers === 0) return
    const board = this.board
    for (let i = 0; i < workers; i++) board.noteProver(localHolder(i), 1, Infinity)
    const p = deps.prover
    this.slots = new ProverSlots<Lease>({
      workers,
      spawn: typeof p === 'function' ? p : () => p,
      logger,
      source: {
        take: (slot, signal) => board.next(localHolder(slot), signal),
        give: async (slot, job, result) => {
          const v = await board.submit(localHolder(slot), job.height, result.proof, result.publicSignals)
          if (v.ok) return
          // A wrong proof of ours is a bug: the slot replaces the prover and backs off instead of spinning.
          if (v.offence) throw new BadProof(`the local proof of block ${job.height} was refused (${v.reason})`)
          // A lease that ran out and went to another prover is harmless.
          logger.warn(`the local proof of block ${job.height} was refused (${v.reason})`)
        },
        giveBack: (slot, job) => board.release(localHolder(slot), job.height),
      },
    })
    this.slots.start()
  }

  /** Blocks with transfers waiting for a proof, leased or not. */
  get pending(): number {
    return this.board.pending
  }

  /** Local workers replaced after a failure. */
  get respawns(): number {
    return this.slots?.respawns ?? 0
  }

  /** The last failure that got a local worker replaced: a dead worker thread, or a proof of ours refused as wrong (a bug). */
  get error(): Error | undefined {
    return this.slots?.lastFailure
  }

  /** Queues every stored block above the proven head that still lacks its proof (after a crash or restart). */
  recover(): Promise<number> {
    return this.board.recover()
  }

  /** Queues a freshly committed block with the steps its transfers made. */
  enqueue(height: number, steps: readonly TransferStep[], oldRoot: bigint): void {
    this.board.add(height, steps, oldRoot)
  }

  /** Stops handing out jobs and closes the local workers; a proof in flight is abandoned (re-proven on restart). */
  async stop(): Promise<void> {
    this.board.stop()
    await this.slots?.stop()
  }
}
