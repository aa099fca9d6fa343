// A pool of verification workers. Each request a worker gets is checked with one
// multi-pairing, and each has a fixed cost (three extra Miller-loop pairs, one final
// exponentiation, the message round trip), so the per-proof cost falls as requests grow.
// A batch that finds workers idle is split across them; batches that arrive while no
// worker is idle (all busy, or not ready yet) wait, and a worker that comes free takes the
// waiting ones together in one request. Each batch gets its own bad proofs' indices and
// reasons back.
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

export interface VerifierPoolOptions {
  /**
   * true (the default): batches that arrive while every worker is busy wait, and a worker
   * that comes free takes them together. false: every batch is split across all workers at
   * once, busy or not (the older scheduling, kept so that a bench can compare the two).
   */
  coalesce?: boolean
  /** The most proofs one request of waiting batches carries (default 128); a bigger batch still goes, alone and whole. */
  maxCoalesce?: number
}

const DEFAULT_MAX_COALESCE = 128

interface Slot {
  port: WorkerPort
  ready: Promise<void>
  /** Its init has answered; if it failed, what is sent to the worker fails with that error. */
  started: boolean
  /** Batch requests sent to it and not answered yet. */
  inFlight: number
  /** Calls waiting on this worker: failed at once if it dies. */
  calls: Map<number, (res: VerifyResponse | Error) => void>
}

/** A caller's batch: its verdict comes once every request carrying a part of it has answered. */
interface Batch {
  items: readonly BatchItem[]
  /** Parts sent and not answered yet. */
  open: number
  bad: { index: number; reason: ProofReason }[]
  resolve(r: BatchResult): void
  reject(err: unknown): void
}

/** Proofs of one batch in a request: `items` starts at `offset` in the batch. */
interface Part {
  batch: Batch
  offset: number
  items: readonly BatchItem[]
}

/** Stands for the key of a pool started before it (VerifierPool.beforeKey). */
const KEY_LATER = Symbol('verification key to come')

const isIdle = (slot: Slot) => slot.started && slot.inFlight === 0

/**
 * A dead worker fails the requests it held (every batch in them sees VerifierPoolError,
 * not a hang) and is replaced by a fresh one, so one crash costs those batches, not the pool.
 */
export class VerifierPool implements ProofVerifier {
  private nextId = 1
  private readonly slots: Slot[]
  private closed = false
  private readonly key: Promise<unknown>
  private giveKey: ((vk: unknown) => void) | undefined
  private readonly coalesce: boolean
  private readonly maxCoalesce: number
  /** Batches waiting for a worker to come free, oldest first. */
  private readonly waiting: Batch[] = []

  constructor(
    private readonly spawn: () => WorkerPort,
    size: number,
    vk: unknown,
    /** Which verifier the workers run (each loads it at init). */
    readonly backend: VerifierBackend = DEFAULT_BACKEND,
    /** Its scheduling, as given (a pool built to replace this one takes the same). */
    readonly options: VerifierPoolOptions = {},
  ) {
    if (!(size >= 1)) throw new VerifierPoolError('a pool needs at least one worker')
    if (!isVerifierBackend(backend)) throw new VerifierPoolError(`unknown verifier backend "${String(backend)}"`)
    this.coalesce = options.coalesce ?? true
    this.maxCoalesce = options.maxCoalesce ?? DEFAULT_MAX_COALESCE
    if (!(this.maxCoalesce >= 1)) throw new VerifierPoolError('maxCoalesce must be at least 1')
    this.key = vk === KEY_LATER ? new Promise((resolve) => (this.giveKey = resolve)) : Promise.resolve(vk)
    this.slots = Array.from({ length: size }, () => this.start())
  }

  /**
   * Starts the workers before the verification key is known: each loads its backend
   * (mcl: compiles the wasm) at once, and the key goes to them when `setKey` hands it
   * over. Batches asked for before then wait for it. A page starts its pool this way
   * while it still loads its code and fetches the key.
   */
  static beforeKey(spawn: () => WorkerPort, size: number, backend: VerifierBackend = DEFAULT_BACKEND, options: VerifierPoolOptions = {}): VerifierPool {
    return new VerifierPool(spawn, size, KEY_LATER, backend, options)
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
    const slot: Slot = { port, ready: Promise.resolve(), started: false, inFlight: 0, calls: new Map() }
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
        if (res.backend !== this.backend) throw new VerifierPoolError(`the worker loaded the ${String(res.backend)} verifier, not ${this.backend}`)
      })
    // A failed init is reported to the batches sent to the worker, so it takes waiting ones either way.
    void slot.ready
      .catch(() => {})
      .then(() => {
        slot.started = true
        this.sendWaiting()
      })
    return slot
  }

  /** Resolves with the worker's answer; an error answer or the worker's death rejects (VerifierPoolError). */
  private call(slot: Slot, req: VerifyRequest): Promise<Extract<VerifyResponse, { ok: true }>> {
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
    return new Promise((resolve, reject) => {
      const batch: Batch = { items, open: 0, bad: [], resolve, reject }
      // Coalescing, a batch is split across the idle workers only, and only when none waits (it overtakes no batch).
      const workers = !this.coalesce ? this.slots : this.waiting.length === 0 ? this.slots.filter(isIdle) : []
      if (workers.length === 0) this.waiting.push(batch)
      else this.split(batch, workers)
    })
  }

  /** Sends a batch in parts as even as can be, one to each of `workers` (to fewer when it has fewer proofs). */
  private split(batch: Batch, workers: readonly Slot[]): void {
    const size = Math.ceil(batch.items.length / workers.length)
    for (let k = 0; k * size < batch.items.length; k++) {
      this.send(workers[k] as Slot, [{ batch, offset: k * size, items: batch.items.slice(k * size, (k + 1) * size) }])
    }
  }

  /** Each idle worker takes waiting batches as one request. */
  private sendWaiting(): void {
    for (const slot of this.slots) {
      if (this.waiting.length === 0) return
      if (isIdle(slot)) this.send(slot, this.takeWaiting())
    }
  }

  /** Whole batches from the head of the queue, up to maxCoalesce proofs in all (at least one batch, however big). */
  private takeWaiting(): Part[] {
    const first = this.waiting.shift() as Batch
    const taken = [first]
    let total = first.items.length
    while (this.waiting[0] && total + this.waiting[0].items.length <= this.maxCoalesce) {
      total += this.waiting[0].items.length
      taken.push(this.waiting.shift() as Batch)
    }
    return taken.map((batch) => ({ batch, offset: 0, items: batch.items }))
  }

  /** One request carrying `parts`: its verdict goes back to each part's batch, an error to all of them. */
  private send(slot: Slot, parts: readonly Part[]): void {
    slot.inFlight++
    for (const p of parts) p.batch.open++
    const items = parts.flatMap((p) => p.items.map((i) => ({ proof: i.proof, signals: i.signals.map(String) })))
    void slot.ready
      .then(() => this.call(slot, { type: 'batch', id: 0, items }))
      .then(
        (res) => this.answered(slot, () => giveVerdicts(parts, res.result)),
        (err: unknown) => this.answered(slot, () => parts.forEach((p) => p.batch.reject(err))),
      )
  }

  /** The worker is idle again in the same turn as its batches hear back, so a caller's next batch finds it so. */
  private answered(slot: Slot, tell: () => void): void {
    slot.inFlight--
    tell()
    this.sendWaiting()
  }

  async close(): Promise<void> {
    this.closed = true
    for (const batch of this.waiting.splice(0)) batch.reject(new VerifierPoolError('the verifier pool is closed'))
    await Promise.all(this.slots.map((s) => s.port.terminate()))
  }
}

/** Gives each part its share of a request's verdict: the bad indices in its range, counted from its batch's start. */
function giveVerdicts(parts: readonly Part[], result: BatchResult | undefined): void {
  let start = 0
  for (const { batch, offset, items } of parts) {
    if (result && !result.ok) {
      result.bad.forEach((i, k) => {
        if (i >= start && i < start + items.length) batch.bad.push({ index: i - start + offset, reason: result.reasons[k] as ProofReason })
      })
    }
    start += items.length
    if (--batch.open === 0) batch.resolve(verdict(batch.bad))
  }
}

/** A batch's verdict from its parts' bad proofs (the parts may answer in any order). */
function verdict(bad: readonly { index: number; reason: ProofReason }[]): BatchResult {
  if (bad.length === 0) return { ok: true }
  const sorted = [...bad].sort((a, b) => a.index - b.index)
  return { ok: false, bad: sorted.map((b) => b.index), reasons: sorted.map((b) => b.reason) }
}
