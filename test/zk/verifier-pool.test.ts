// The verifier pool's handling of a worker that dies: the batch it held fails with a
// named error instead of hanging, the worker is replaced, and later batches verify;
// and of a worker that runs another verifier backend than the pool asked for.
import { describe, expect, it } from 'vitest'
import { VerifierPool, VerifierPoolError, type WorkerPort } from '../../src/zk/verifier-pool.ts'
import type { VerifyRequest, VerifyResponse } from '../../src/zk/verify-handler.ts'

/** A stand-in worker: answers init, and answers batches unless told to die on the next one. */
function fakeWorkers() {
  const made: { dieOnBatch: boolean; terminated: boolean }[] = []
  const spawn = (): WorkerPort => {
    const state = { dieOnBatch: false, terminated: false }
    made.push(state)
    let reply: (m: VerifyResponse) => void = () => {}
    let exit: (e: Error) => void = () => {}
    return {
      post: (m) => {
        const req = m as VerifyRequest
        queueMicrotask(() => {
          if (req.type === 'batch' && state.dieOnBatch) exit(new Error('killed'))
          else reply(req.type === 'init' ? { id: req.id, ok: true, backend: req.backend } : { id: req.id, ok: true, result: { ok: true } })
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
