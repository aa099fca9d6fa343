// The verifier pool's handling of a worker that dies: the batch it held fails with a
// named error instead of hanging, the worker is replaced, and later batches verify;
// of a worker that runs another verifier backend than the pool asked for; of a pool
// started before its key (workers load their backend at once, get the key on setKey);
// and of batches that wait for busy workers (real worker threads and proofs): they go
// out together, each gets its own verdict, and a worker that dies fails all it held.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VerifierPool, VerifierPoolError, type VerifierPoolOptions, type WorkerPort } from '../../src/zk/verifier-pool.ts'
import { nodeWorkerPort, startVerifyWorker } from '../../src/zk/node-verifier.ts'
import type { BatchItem } from '../../src/zk/proof-verifier.ts'
import { createVerifyHandler, type VerifyRequest, type VerifyResponse } from '../../src/zk/verify-handler.ts'
import { loadVerifier } from '../../src/zk/load-verifier.ts'
import { simulateSetup, type SimulatedSetup } from './helpers/simulated-groth16.ts'
import { offCurveA, shiftedA } from '../helpers/tamper.ts'
import { terminateCurve } from '../../src/zk/curve.ts'

afterAll(() => terminateCurve())

/** A stand-in worker: answers load and init, and answers batches unless told to die on the next one. */
function fakeWorkers() {
  const made: { dieOnBatch: boolean; terminated: boolean; got: VerifyRequest[] }[] = []
  const spawn = (): WorkerPort => {
    const state = { dieOnBatch: false, terminated: false, got: [] as VerifyRequest[] }
    made.push(state)
    let reply: (m: VerifyResponse) => void = () => {}
    let exit: (e: Error) => void = () => {}
    return {
      post: (m) => {
        const req = m as VerifyRequest
        state.got.push(req)
        queueMicrotask(() => {
          if (req.type === 'batch' && state.dieOnBatch) exit(new Error('killed'))
          else reply(req.type === 'batch' ? { id: req.id, ok: true, result: { ok: true } } : { id: req.id, ok: true, backend: req.backend })
        })
      },
      onMessage: (fn) => (reply = fn),
      onExit: (fn) => (exit = fn),
      terminate: () => void (state.terminated = true),
    }
  }
  return { made, spawn }
}

const items = (n: number) => Array.from({ length: n }, () => ({ proof: new Uint8Array(256), signals: [1n, 2n, 3n] }))
const batchSizes = (made: { got: VerifyRequest[] }[]) => made.flatMap((w) => w.got.flatMap((r) => (r.type === 'batch' ? [r.items.length] : [])))

describe('verifier pool', () => {
  it('fails the batch a dying worker held, replaces the worker, and verifies the next batch', async () => {
    const { made, spawn } = fakeWorkers()
    const pool = new VerifierPool(spawn, 2, {})
    expect(await pool.verifyBatch(items(4))).toEqual({ ok: true })
    made[1]!.dieOnBatch = true
    await expect(pool.verifyBatch(items(4))).rejects.toThrow(VerifierPoolError)
    expect(pool.spawned).toBe(3)
    expect(made[1]!.terminated).toBe(true)
    expect(await pool.verifyBatch(items(4))).toEqual({ ok: true })
    await pool.close()
    await expect(pool.verifyBatch(items(1))).rejects.toThrow(VerifierPoolError)
  })

  it('fails the batch when a worker loaded another verifier backend than the one asked for', async () => {
    const spawn = (): WorkerPort => {
      let reply: (m: VerifyResponse) => void = () => {}
      return {
        post: (m) => {
          const req = m as VerifyRequest
          queueMicrotask(() => reply(req.type === 'init' ? { id: req.id, ok: true, backend: 'reference' } : { id: req.id, ok: true, result: { ok: true } }))
        },
        onMessage: (fn) => (reply = fn),
        onExit: () => {},
        terminate: () => {},
      }
    }
    const pool = new VerifierPool(spawn, 1, {}, 'mcl')
    await expect(pool.verifyBatch(items(2))).rejects.toThrow(VerifierPoolError)
    await pool.close()
  })
})

describe('a pool started before its key', () => {
  const kinds = (got: VerifyRequest[]) => got.map((r) => r.type)

  it('has every worker load its backend at once, and sends the key only on setKey; a batch asked before waits for it', async () => {
    const { made, spawn } = fakeWorkers()
    const pool = VerifierPool.beforeKey(spawn, 2, 'mcl')
    expect(made).toHaveLength(2)
    expect(pool.awaitingKey).toBe(true)
    await new Promise((r) => setTimeout(r, 10))
    for (const w of made) expect(w.got).toEqual([{ type: 'load', id: expect.any(Number), backend: 'mcl' }])
    let settled = false
    const batch = pool.verifyBatch(items(4)).then((r) => ((settled = true), r))
    await new Promise((r) => setTimeout(r, 20))
    expect(settled).toBe(false) // no key, no verdict
    const vk = { key: 'checked' }
    pool.setKey(vk)
    expect(pool.awaitingKey).toBe(false)
    expect(await batch).toEqual({ ok: true })
    for (const w of made) {
      expect(kinds(w.got).slice(0, 2)).toEqual(['load', 'init'])
      expect(w.got[1]).toMatchObject({ type: 'init', vk, backend: 'mcl' })
    }
    // It waited for the workers, so the first one ready took it whole.
    expect(batchSizes(made)).toEqual([4])
    expect(() => pool.setKey(vk)).toThrow(VerifierPoolError)
    // A replacement worker gets the key straight away (nothing to load ahead of it).
    made[0]!.dieOnBatch = true
    await expect(pool.verifyBatch(items(4))).rejects.toThrow(VerifierPoolError)
    await new Promise((r) => setTimeout(r, 10)) // the replacement is ready: the next batch splits across both
    expect(await pool.verifyBatch(items(4))).toEqual({ ok: true })
    expect(kinds(made[2]!.got)).toEqual(['init', 'batch'])
    await pool.close()
  })

  it('without coalescing, the batch that waited for the key is split across every worker', async () => {
    const { made, spawn } = fakeWorkers()
    const pool = VerifierPool.beforeKey(spawn, 2, 'mcl', { coalesce: false })
    const batch = pool.verifyBatch(items(4))
    pool.setKey({})
    expect(await batch).toEqual({ ok: true })
    for (const w of made) expect(kinds(w.got)).toEqual(['load', 'init', 'batch'])
    expect(batchSizes(made)).toEqual([2, 2])
    await pool.close()
  })

  it('a pool given its key sends no load', async () => {
    const { made, spawn } = fakeWorkers()
    const pool = new VerifierPool(spawn, 1, {})
    expect(pool.awaitingKey).toBe(false)
    expect(await pool.verifyBatch(items(2))).toEqual({ ok: true })
    expect(kinds(made[0]!.got)).toEqual(['init', 'batch'])
    expect(() => pool.setKey({})).toThrow(VerifierPoolError)
    await pool.close()
  })

  it('the worker handler: load builds the backend without a key, then a key and batches verify on it', async () => {
    const setup = await simulateSetup(4)
    const random = (n: number) => new Uint8Array(n).fill(7)
    for (const backend of ['mcl', 'reference'] as const) {
      const handle = createVerifyHandler(random)
      expect(await handle({ type: 'load', id: 1, backend })).toEqual({ id: 1, ok: true, backend })
      // Before a key, a batch is refused (not verified against nothing).
      expect(await handle({ type: 'batch', id: 2, items: [] })).toMatchObject({ id: 2, ok: false })
      expect(await handle({ type: 'init', id: 3, vk: setup.vk, backend })).toEqual({ id: 3, ok: true, backend })
      const signals = [1n, 2n, 3n, 4n]
      const good = { proof: setup.prove(signals), signals: signals.map(String) }
      expect(await handle({ type: 'batch', id: 4, items: [good, { ...good, signals: ['1', '2', '3', '5'] }] })).toEqual({
        id: 4,
        ok: true,
        result: { ok: false, bad: [1], reasons: ['proof-invalid'] },
      })
      expect((await loadVerifier(setup.vk, backend)).backend).toBe(backend)
    }
    expect(await createVerifyHandler(random)({ type: 'load', id: 5, backend: 'other' as 'mcl' })).toMatchObject({ id: 5, ok: false })
  })
})

describe('batches that wait for busy workers (real worker threads, real proofs)', () => {
  /** The batches each test submits at once, with maxCoalesce 8: 3 + 5 fill one request, 10 goes alone. */
  const SIZES = [4, 3, 5, 10, 2]
  const MAX = 8
  let setup: SimulatedSetup
  /**
   * One valid proof per batch, and one for the batches around them: its first public signal
   * is the batch's number, which tells the batches apart in a request.
   */
  let proofs: Uint8Array[]

  beforeAll(async () => {
    setup = await simulateSetup(3)
    proofs = Array.from({ length: SIZES.length + 1 }, (_, j) => setup.prove([BigInt(j), 1n, 2n]))
  })

  const batch = (j: number, n: number): BatchItem[] => Array.from({ length: n }, () => ({ proof: proofs[j] as Uint8Array, signals: [BigInt(j), 1n, 2n] }))
  const submit = (pool: VerifierPool, edit: (j: number, b: BatchItem[]) => BatchItem[] = (_, b) => b) => SIZES.map((n, j) => pool.verifyBatch(edit(j, batch(j, n))))
  /** The batches a request carried, in order. */
  const batchesIn = (tags: number[]) => [...new Set(tags)]

  /**
   * verify-worker threads, each batch request they are sent recorded as its proofs' batch
   * numbers. A worker asked to die on a request is terminated instead of getting it, so it
   * dies holding it before any answer could come back.
   */
  function watchedPool(options: VerifierPoolOptions, dieOn: (tags: number[]) => boolean = () => false) {
    const requests: number[][] = []
    const spawn = (): WorkerPort => {
      const w = startVerifyWorker()
      const port = nodeWorkerPort(w)
      return {
        ...port,
        post: (m) => {
          if (m.type === 'batch') {
            const tags = m.items.map((i) => Number(i.signals[0]))
            requests.push(tags)
            if (dieOn(tags)) return void w.terminate()
          }
          port.post(m)
        },
      }
    }
    return { pool: new VerifierPool(spawn, 2, setup.vk, 'mcl', options), requests }
  }

  /** Waits until both workers are ready (a batch of 2 then finds them idle and is split in two), and forgets those requests. */
  async function warm(pool: VerifierPool, requests: number[][]): Promise<void> {
    for (let sent = 0; sent !== 2;) {
      const before = requests.length
      expect(await pool.verifyBatch(batch(SIZES.length, 2))).toEqual({ ok: true })
      sent = requests.length - before
      if (sent !== 2) await new Promise((r) => setTimeout(r, 50))
    }
    requests.length = 0
  }

  it('go out together, up to maxCoalesce proofs a request, a bigger batch alone and whole', async () => {
    const { pool, requests } = watchedPool({ maxCoalesce: MAX })
    try {
      await warm(pool, requests)
      // The first batch is split across both idle workers; the others wait behind it.
      expect(await Promise.all(submit(pool))).toEqual(SIZES.map(() => ({ ok: true })))
      expect(requests.map(batchesIn)).toEqual([[0], [0], [1, 2], [3], [4]])
      expect(requests.map((tags) => tags.length)).toEqual([2, 2, 8, 10, 2])
    } finally {
      await pool.close()
    }
  })

  it('each batch of a request gets its own verdict, bad proofs counted from its own start', async () => {
    const { pool, requests } = watchedPool({ maxCoalesce: MAX })
    try {
      await warm(pool, requests)
      // Batch 2 rides behind batch 1 (3 proofs) in one request: its proofs 1 and 4 are that request's 4 and 7.
      const results = await Promise.all(
        submit(pool, (j, b) => {
          if (j !== 2) return b
          b[1] = { ...(b[1] as BatchItem), proof: shiftedA((b[1] as BatchItem).proof) }
          b[4] = { ...(b[4] as BatchItem), proof: offCurveA((b[4] as BatchItem).proof) }
          return b
        }),
      )
      expect(requests.map(batchesIn)).toEqual([[0], [0], [1, 2], [3], [4]])
      expect(results).toEqual([{ ok: true }, { ok: true }, { ok: false, bad: [1, 4], reasons: ['proof-invalid', 'not-on-curve'] }, { ok: true }, { ok: true }])
    } finally {
      await pool.close()
    }
  })

  it('with coalesce: false, every batch is split across both workers at once', async () => {
    const { pool, requests } = watchedPool({ coalesce: false, maxCoalesce: MAX })
    try {
      await warm(pool, requests)
      expect(await Promise.all(submit(pool))).toEqual(SIZES.map(() => ({ ok: true })))
      expect(requests.map(batchesIn)).toEqual(SIZES.flatMap((_, j) => [[j], [j]]))
      expect(requests.map((tags) => tags.length)).toEqual(SIZES.flatMap((n) => [Math.ceil(n / 2), Math.floor(n / 2)]))
    } finally {
      await pool.close()
    }
  })

  it('a worker that dies holding a request of several batches fails each of them; the pool verifies on', async () => {
    let died = false
    const { pool, requests } = watchedPool({ maxCoalesce: MAX }, (tags) => !died && batchesIn(tags).length > 1 && (died = true))
    try {
      await warm(pool, requests)
      const results = await Promise.allSettled(submit(pool))
      expect(died).toBe(true)
      expect(requests.map(batchesIn)).toEqual([[0], [0], [1, 2], [3], [4]])
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled'])
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(VerifierPoolError)
        else expect(r.value).toEqual({ ok: true })
      }
      expect(pool.spawned).toBe(3)
      expect(await pool.verifyBatch(batch(SIZES.length, 6))).toEqual({ ok: true })
    } finally {
      await pool.close()
    }
  })
})
