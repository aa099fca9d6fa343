// Node flavour of the verifier pool: worker_threads running verify-worker.ts.
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { siblingWorkerUrl, startTsWorker } from './worker-url.ts'
import { VerifierPool, type VerifierPoolOptions, type WorkerPort } from './verifier-pool.ts'
import { DEFAULT_BACKEND, type VerifierBackend } from './verifier-backend.ts'

const defaultSize = () => Math.max(1, Math.min(2, availableParallelism()))

/** `options`: the pool's scheduling (VerifierPoolOptions; by default batches that wait for a worker go out together). */
export function createNodeVerifierPool(vk: unknown, size = defaultSize(), backend: VerifierBackend = DEFAULT_BACKEND, options: VerifierPoolOptions = {}): VerifierPool {
  return new VerifierPool(spawn, size, vk, backend, options)
}

/** Workers started before the key is known (VerifierPool.beforeKey): they load their backend now, the key comes with setKey. */
export function startNodeVerifierPool(size = defaultSize(), backend: VerifierBackend = DEFAULT_BACKEND, options: VerifierPoolOptions = {}): VerifierPool {
  return VerifierPool.beforeKey(spawn, size, backend, options)
}

function spawn(): WorkerPort {
  return nodeWorkerPort(startVerifyWorker())
}

/** A verify-worker thread. With nodeWorkerPort, a test builds a pool whose real workers it can watch and kill. */
export function startVerifyWorker(): Worker {
  const w = startTsWorker(siblingWorkerUrl('verify-worker', import.meta.url))
  w.unref()
  return w
}

/** The pool's view of a verify-worker thread: it dies on an error or an exit, except one its terminate() asked for. */
export function nodeWorkerPort(w: Worker): WorkerPort {
  let stopping = false
  return {
    post: (m) => w.postMessage(m),
    onMessage: (fn) => void w.on('message', fn),
    onExit: (fn) => {
      let told = false
      const tell = (err: Error) => {
        if (!told && !stopping) fn(err)
        told = true
      }
      w.on('error', (err) => tell(err instanceof Error ? err : new Error(String(err))))
      w.on('exit', (code) => tell(new Error(`exited with code ${code}`)))
    },
    terminate: async () => {
      stopping = true
      await w.terminate()
    },
  }
}
