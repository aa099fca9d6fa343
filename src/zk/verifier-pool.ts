// A pool of verification workers: a batch is split across them and each part is
// checked with one multi-pairing; the bad proofs' indices and reasons come back merged.
import type { ProofReason } from './proof-input.ts'
import type { BatchItem, BatchResult, ProofVerifier } from './proof-verifier.ts'
import type { VerifyRequest, VerifyResponse } from './verify-handler.ts'
import { DEFAULT_BACKEND, isVerifierBackend, type VerifierBackend } from './verifier-backend.ts'

/** What the pool needs of a worker: Node worker threads and Web Workers both fit. */
export interface WorkerPort {
  post(msg: VerifyRequest | { type: 'close' }): void
  onMessage(fn: (msg: VerifyResponse) => void): void
  /** Called once if the worker dies (crash, out of memory, error event). */
  onExit(fn: (err: Error) => void): void
  terminate(): Promise<void> | void
}

export class VerifierPoolError extends Error {
  override name = 'VerifierPoolError'
}

interface Slot {
  port: WorkerPort
  ready: Promise<void>
  /** Calls waiting on this worker: failed at once if it dies. */
  calls: Map<number, (res: VerifyResponse | Error) => void>
}

/** Stands for the key of a pool started before it (VerifierPool.beforeKey). */
const KEY_LATER = Symbol('verification key to come')

/**
 * A dead worker fails the calls it held (the caller sees VerifierPoolError, not a hang)
 * and is replaced by a fresh one, so one crash costs one batch, not the pool.
 */
export class VerifierPool implements ProofVerifier {
  private nextId = 1
  private readonly slots: Slot[]
  private closed = false
  private readonly key: Promise<unknown>
  private giveKey: ((vk: unknown) => void) | undefined

  constructor(
    private readonly spawn: () => WorkerPort,
    size: number,
    vk: unknown,
    /** Which verifier the workers run (each loads it at init). */
    readonly backend: VerifierBackend = DEFAULT_BACKEND,
  ) {
    if (!(size >= 1)) throw new VerifierPoolError('a pool needs at least one worker')
    if (!isVerifierBackend(backend)) throw new VerifierPoolError(`unknown verifier backend "${String(backend)}"`)
    this.key = vk === KEY_LATER ? new Promise((resolve) => (this.giveKey = resolve)) : Promise.resolve(vk)
    this.slots = Array.from({ length: size }, () => this.start())
  }

  /**
   * Starts the workers before the verification key is known: each loads its backend
   * (mcl: compiles the wasm) at once, and the key goes to them when `setKey` hands it
   * over. Batches asked for before then wait for it. A page starts its pool this way
   * while it still loads its code and fetches the key.
   */
  static beforeKey(spawn: () => WorkerPort, size: number, backend: VerifierBackend = DEFAULT_BACKEND): VerifierPool {
    return new VerifierPool(spawn, size, KEY_LATER, backend)
  }

  /** Whether the pool still waits for its key (started with beforeKey, setKey not called yet). */
  get awaitingKey(): boolean {
    return this.giveKey !== undefined
  }

  /** Hands the key (already checked by the caller) to a pool started with beforeKey. */
  setKey(vk: unknown): void {
    if (!this.giveKey) throw new VerifierPoolError('this pool already has its verification key')
    this.giveKey(vk)
    this.giveKey = undefined
  }

  /** Workers started so far, replacements included. */
  spawned = 0

  private start(): Slot {
    const port = this.spawn()
    this.spawned++
    const slot: Slot = { port, ready: Promise.resolve(), calls: new Map() }
    port.onMessage((m) => {
      const done = slot.calls.get(m.id)
      if (done) {
        slot.calls.delete(m.id)
        done(m)
      }
    })
    port.onExit((err) => {
      const i = this.slots.indexOf(slot)
      if (i < 0) return
      for (const done of slot.calls.values()) done(err)
      slot.calls.clear()
      if (this.closed) return
      void Promise.resolve(port.terminate()).catch(() => {})
      this.slots[i] = this.start()
    })
    // Without the key yet, the worker loads its backend meanwhile (a failure shows at init).
    if (this.giveKey) this.call(slot, { type: 'load', id: 0, backend: this.backend }).catch(() => {})
    slot.ready = this.key
      .then((vk) => this.call(slot, { type: 'init', id: 0, vk, backend: this.backend }))
      .then((res) => {
        if (res.ok && res.backend !== this.backend) throw new VerifierPoolError(`the worker loaded the ${String(res.backend)} verifier, not ${this.backend}`)
      })
    slot.ready.catch(() => {}) // reported to the batch that waits on it
    return slot
  }

  private call(slot: Slot, req: VerifyRequest): Promise<VerifyResponse> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      slot.calls.set(id, (res) => {
        if (res instanceof Error) reject(new VerifierPoolError(`verifier worker died: ${res.message}`))
        else if (res.ok) resolve(res)
        else reject(new VerifierPoolError(res.error))
      })
      slot.port.post({ ...req, id })
    })
  }

  async verifyBatch(items: readonly BatchItem[]): Promise<BatchResult> {
    if (this.closed) throw new VerifierPoolError('the verifier pool is closed')
    if (items.length === 0) return { ok: true }
    const slots = this.slots.slice(0, Math.min(this.slots.length, items.length))
    const size = Math.ceil(items.length / slots.length)
    const parts = await Promise.all(
      slots.map(async (slot, k) => {
        await slot.ready
        const slice = items.slice(k * size, (k + 1) * size)
        const req: VerifyRequest = { type: 'batch', id: 0, items: slice.map((i) => ({ proof: i.proof, signals: i.signals.map(String) })) }
        return { offset: k * size, r: await this.call(slot, req) }
      }),
    )
    const bad: number[] = []
    const reasons: ProofReason[] = []
    for (const { offset, r } of parts) {
      if (!r.ok || !r.result || r.result.ok) continue
      bad.push(...r.result.bad.map((i) => i + offset))
      reasons.push(...r.result.reasons)
    }
    return bad.length === 0 ? { ok: true } : { ok: false, bad, reasons }
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.all(this.slots.map((s) => s.port.terminate()))
  }
}
