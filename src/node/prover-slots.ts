// Prover worker slots, for the node's in-process provers and for `zklight prover` alike:
// each slot runs one prover (a worker thread) in a loop — take a job, prove it, hand the
// proof in. A prover that fails (a dead worker thread rejects every job with ProverError)
// is replaced after a back-off, and its job handed back first, so proving never stops.
import { errorText, type Logger } from '../core/logger.ts'
import type { ProveResult } from '../zk/prover.ts'
import { PROVER_BACKOFF_MS } from './constants.ts'

/** A proof the slot's prover made was refused as wrong: the prover (or our witness code) is broken. */
export class BadProof extends Error {
  override name = 'BadProof'
}

export interface ProverLike {
  prove(input: Record<string, unknown>): Promise<ProveResult>
  close(): Promise<void>
}

export interface SlotJob {
  height: number
  input: Record<string, unknown>
}

/** Where a slot's jobs come from and its proofs go: the node's board, or a node over the wire. */
export interface JobSource<J extends SlotJob> {
  /** The next job for `slot`; waits while there is none; undefined once `signal` aborts. */
  take(slot: number, signal: AbortSignal): Promise<J | undefined>
  /** Hands in a proof; `ms` is how long proving took. Throws BadProof when the proof was refused as wrong. */
  give(slot: number, job: J, result: ProveResult, ms: number): Promise<void>
  /** Hands back a job the slot could not prove. */
  giveBack(slot: number, job: J): void
}

export interface ProverSlotsDeps<J extends SlotJob> {
  workers: number
  /** A fresh prover (a new worker thread); called once per slot and again for each replacement. */
  spawn: () => ProverLike
  source: JobSource<J>
  logger: Logger
  backoff?: { first: number; max: number }
}

export class ProverSlots<J extends SlotJob> {
  private readonly abort = new AbortController()
  private readonly current: (ProverLike | undefined)[] = []
  private loops: Promise<void>[] = []
  /** Provers replaced after a failure, over the slots' lifetime. */
  respawns = 0
  /** The last failure that got a prover replaced (a dead worker, a refused proof). */
  lastFailure: Error | undefined

  constructor(private readonly deps: ProverSlotsDeps<J>) {}

  start(): void {
    this.loops = Array.from({ length: this.deps.workers }, (_, i) => this.run(i))
  }

  /** Stops taking jobs and closes every prover; a proof in flight is abandoned (its lease runs out or is handed back). */
  async stop(): Promise<void> {
    this.abort.abort()
    await Promise.all(this.current.map((p) => p?.close().catch(() => undefined)))
    await Promise.all(this.loops)
  }

  private backoff(failures: number): number {
    const { first, max } = this.deps.backoff ?? PROVER_BACKOFF_MS
    return Math.min(max, first * 2 ** Math.min(failures, 20))
  }

  private async run(slot: number): Promise<void> {
    const { source, logger } = this.deps
    const signal = this.abort.signal
    let failures = 0
    let prover = (this.current[slot] = this.deps.spawn())
    try {
      while (!signal.aborted) {
        let job: J | undefined
        try {
          job = await source.take(slot, signal)
        } catch (err) {
          if (signal.aborted) break
          const wait = this.backoff(failures++)
          logger.warn(`worker ${slot}: no job (${errorText(err)}); trying again in ${wait} ms`)
          await pause(wait, signal)
          continue
        }
        if (!job) break // the source has stopped
        const t0 = performance.now()
        let failure: Error | undefined
        let result: ProveResult | undefined
        try {
          result = await prover.prove(job.input)
        } catch (err) {
          failure = err instanceof Error ? err : new Error(String(err))
        }
        if (result) {
          try {
            await source.give(slot, job, result, performance.now() - t0)
            failures = 0
          } catch (err) {
            if (err instanceof BadProof) failure = err
            else if (!signal.aborted) logger.warn(`worker ${slot}: proof of block ${job.height} not handed in (${errorText(err)})`)
          }
        }
        if (signal.aborted) {
          if (failure) source.giveBack(slot, job)
          break
        }
        if (!failure) continue
        // The prover failed (a dead worker thread rejects every job) or made a wrong proof: replace it.
        source.giveBack(slot, job)
        this.lastFailure = failure
        const wait = this.backoff(failures++)
        logger.warn(`worker ${slot} failed on block ${job.height} (${errorText(failure)}); block handed back, new worker in ${wait} ms`)
        await prover.close().catch(() => undefined)
        await pause(wait, signal)
        if (signal.aborted) break
        prover = this.current[slot] = this.deps.spawn()
        this.respawns++
      }
    } finally {
      await prover.close().catch(() => undefined)
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const t = setTimeout(done, ms)
    function done() {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
