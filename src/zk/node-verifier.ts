// Node flavour of the verifier pool: worker_threads running verify-worker.ts.
import { availableParallelism } from 'node:os'
import { siblingWorkerUrl, startTsWorker } from './worker-url.ts'
import { VerifierPool, type WorkerPort } from './verifier-pool.ts'
import { DEFAULT_BACKEND, type VerifierBackend } from './verifier-backend.ts'

const defaultSize = () => Math.max(1, Math.min(2, availableParallelism()))

export function createNodeVerifierPool(vk: unknown, size = defaultSize(), backend: VerifierBackend = DEFAULT_BACKEND): VerifierPool {
  return new VerifierPool(spawn, size, vk, backend)
}

/** Workers started before the key is known (VerifierPool.beforeKey): they load their backend now, the key comes with setKey. */
export function startNodeVerifierPool(size = defaultSize(), backend: VerifierBackend = DEFAULT_BACKEND): VerifierPool {
  return VerifierPool.beforeKey(spawn, size, backend)
}

function spawn(): WorkerPort {
  const w = startTsWorker(siblingWorkerUrl('verify-worker', import.meta.url))
  w.unref()
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
