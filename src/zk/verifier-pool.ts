// A pool of verification workers: a batch is split across them and each part is
// checked with one multi-pairing; the bad proofs' indices come back merged.
import type { BatchItem, BatchResult } from './batch-verify.ts'
import type { VerifyRequest, VerifyResponse } from './verify-handler.ts'

/** What the pool needs of a worker: Node worker threads and Web Workers both fit. */
export interface WorkerPort {
  post(msg: VerifyRequest | { type: 'close' }): void
  onMessage(fn: (msg: VerifyResponse) => void): void
  terminate(): Promise<void> | void
}

export class VerifierPoolError extends Error {
  override name = 'VerifierPoolError'
}

export interface ProofVerifier {
  verifyBatch(items: readonly BatchItem[]): Promise<BatchResult>
  close(): Promise<void>
}

export class VerifierPool implements ProofVerifier {
  private readonly pending = new Map<number, (r: VerifyResponse) => void>()
  private nextId = 1
  private ready: Promise<void>

  constructor(
    private readonly workers: WorkerPort[],
    vk: unknown,
  ) {
    if (workers.length === 0) throw new VerifierPoolError('a pool needs at least one worker')
    for (const w of workers) w.onMessage((m) => this.pending.get(m.id)?.(m))
    this.ready = Promise.all(workers.map((w) => this.call(w, { type: 'init', id: 0, vk }))).then(() => undefined)
  }

  private call(w: WorkerPort, req: VerifyRequest): Promise<VerifyResponse> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, (res) => {
        this.pending.delete(id)
        if (res.ok) resolve(res)
        else reject(new VerifierPoolError(res.error))
      })
      w.post({ ...req, id })
    })
  }

  async verifyBatch(items: readonly BatchItem[]): Promise<BatchResult> {
    await this.ready
    if (items.length === 0) return { ok: true }
    const n = Math.min(this.workers.length, items.length)
    const size = Math.ceil(items.length / n)
    const parts = await Promise.all(
      Array.from({ length: n }, (_, k) => {
        const slice = items.slice(k * size, (k + 1) * size)
        const req: VerifyRequest = { type: 'batch', id: 0, items: slice.map((i) => ({ proof: i.proof, signals: i.signals.map(String) })) }
        return this.call(this.workers[k] as WorkerPort, req).then((r) => ({ offset: k * size, r }))
      }),
    )
    const bad: number[] = []
    for (const { offset, r } of parts) {
      if (r.ok && r.result && !r.result.ok) bad.push(...r.result.bad.map((i) => i + offset))
    }
    return bad.length === 0 ? { ok: true } : { ok: false, bad }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
