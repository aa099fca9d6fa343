// The verifier pool's handling of a worker that dies: the batch it held fails with a
// named error instead of hanging, the worker is replaced, and later batches verify;
// of a worker that runs another verifier backend than the pool asked for; and of a pool
// started before its key (workers load their backend at once, get the key on setKey).
import { afterAll, describe, expect, it } from 'vitest'
import { VerifierPool, VerifierPoolError, type WorkerPort } from '../../src/zk/verifier-pool.ts'
import { createVerifyHandler, type VerifyRequest, type VerifyResponse } from '../../src/zk/verify-handler.ts'
import { loadVerifier } from '../../src/zk/load-verifier.ts'
import { simulateSetup } from './helpers/simulated-groth16.ts'
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
      expect(kinds(w.got)).toEqual(['load', 'init', 'batch'])
      expect(w.got[1]).toMatchObject({ type: 'init', vk, backend: 'mcl' })
    }
    expect(() => pool.setKey(vk)).toThrow(VerifierPoolError)
    // A replacement worker gets the key straight away (nothing to load ahead of it).
    made[0]!.dieOnBatch = true
    await expect(pool.verifyBatch(items(4))).rejects.toThrow(VerifierPoolError)
    expect(await pool.verifyBatch(items(4))).toEqual({ ok: true })
    expect(kinds(made[2]!.got)).toEqual(['init', 'batch'])
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
