// Browser proof verifier: a VerifierPool over Web Workers that run the same
// handler as the Node worker threads (src/zk/verify-handler.ts). Networking stays
// on the page's main thread; only pairings run in the workers.
import { VerifierPool, type VerifierPoolOptions, type WorkerPort } from '../zk/verifier-pool.ts'
import type { VerifyResponse } from '../zk/verify-handler.ts'
import { DEFAULT_BACKEND, type VerifierBackend } from '../zk/verifier-backend.ts'

function spawn(): WorkerPort {
  const w = new Worker(new URL('./browser-verify-worker.ts', import.meta.url), { type: 'module', name: 'zklight-verifier' })
  return {
    post: (m) => w.postMessage(m),
    onMessage: (fn) => w.addEventListener('message', (ev: MessageEvent<VerifyResponse>) => fn(ev.data)),
    // A worker that fails to load or throws outside a request is unusable: replace it.
    onExit: (fn) => w.addEventListener('error', (ev) => fn(new Error(ev.message || 'worker error')), { once: true }),
    terminate: () => w.terminate(),
  }
}

/**
 * `backend`: 'mcl' (mcl-wasm, the default) or 'reference' (ffjavascript); each worker loads only that one.
 * `options`: the pool's scheduling (VerifierPoolOptions; by default batches that wait for a worker go out together).
 */
export function createBrowserVerifier(vk: unknown, size = defaultSize(), backend: VerifierBackend = DEFAULT_BACKEND, options: VerifierPoolOptions = {}): VerifierPool {
  return new VerifierPool(spawn, size, vk, backend, options)
}

/**
 * The workers started before the verification key is fetched (VerifierPool.beforeKey): a
 * page calls this first thing, so that loading the workers' code and compiling the backend
 * overlap with loading its own code; createLightClient hands them the key once it has
 * checked it against the trust anchor (`startedVerifier`).
 */
export function startBrowserVerifier(size = defaultSize(), backend: VerifierBackend = DEFAULT_BACKEND, options: VerifierPoolOptions = {}): VerifierPool {
  return VerifierPool.beforeKey(spawn, size, backend, options)
}

/**
 * One worker per core, up to four (a batch that finds them idle splits evenly). The page's main thread only
 * moves bytes during a sync, so on 2 cores two workers verify twice as fast as one.
 */
function defaultSize(): number {
  const cores = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 2
  return Math.max(1, Math.min(4, cores))
}
