// Node flavour of the verifier pool: worker_threads running verify-worker.ts.
import { availableParallelism } from 'node:os'
import { startTsWorker } from './worker-url.ts'
import { VerifierPool, type WorkerPort } from './verifier-pool.ts'

export function createNodeVerifierPool(vk: unknown, size = Math.max(1, Math.min(2, availableParallelism()))): VerifierPool {
  const ports: WorkerPort[] = Array.from({ length: size }, () => {
    const w = startTsWorker(new URL('./verify-worker.ts', import.meta.url))
    w.unref()
    return {
      post: (m) => w.postMessage(m),
      onMessage: (fn) => void w.on('message', fn),
      terminate: async () => {
        await w.terminate()
      },
    }
  })
  return new VerifierPool(ports, vk)
}
