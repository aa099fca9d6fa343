// Node prover: Groth16 proofs of state transitions made in a worker thread, one
// job at a time, in submission order.
import type { Worker } from 'node:worker_threads'
import { siblingWorkerUrl, startTsWorker } from './worker-url.ts'

export interface ProveResult {
  proof: Uint8Array
  publicSignals: bigint[]
}

export class ProverError extends Error {
  override name = 'ProverError'
}

interface Job {
  resolve: (r: ProveResult) => void
  reject: (e: Error) => void
}

export class Prover {
  private readonly worker: Worker
  private readonly jobs = new Map<number, Job>()
  private nextId = 1
  private closed = false
  /** Set when the worker thread errs or exits: it will never answer again. */
  private dead: ProverError | undefined

  constructor(artifacts: { wasm: string; zkey: string }) {
    this.worker = startTsWorker(siblingWorkerUrl('prove-worker', import.meta.url), { wasm: artifacts.wasm, zkey: artifacts.zkey })
    this.worker.on('message', (m: { id: number; proof?: Uint8Array; publicSignals?: string[]; error?: string }) => {
      const job = this.jobs.get(m.id)
      if (!job) return
      this.jobs.delete(m.id)
      if (m.error !== undefined || !m.proof || !m.publicSignals) job.reject(new ProverError(m.error ?? 'no proof'))
      else job.resolve({ proof: new Uint8Array(m.proof), publicSignals: m.publicSignals.map((s) => BigInt(s)) })
    })
    this.worker.on('error', (err: Error) => this.die(new ProverError(`prover worker failed: ${err.message}`)))
    this.worker.on('exit', (code) => this.die(new ProverError(`prover worker exited (${code})`)))
  }

  /** Proves one circuit input; jobs run in the order they were submitted. */
  prove(input: Record<string, unknown>): Promise<ProveResult> {
    if (this.closed) return Promise.reject(new ProverError('prover is closed'))
    // A job posted to a dead worker would wait forever: the caller replaces the prover instead.
    if (this.dead) return Promise.reject(this.dead)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject })
      this.worker.postMessage({ id, input })
    })
  }

  get pending(): number {
    return this.jobs.size
  }

  async close(): Promise<void> {
    this.closed = true
    await this.worker.terminate()
    this.failAll(new ProverError('prover closed'))
  }

  private die(err: ProverError): void {
    this.dead ??= err
    this.failAll(err)
  }

  private failAll(err: Error): void {
    for (const job of this.jobs.values()) job.reject(err)
    this.jobs.clear()
  }
}
