// Starts a worker thread on a module next to the caller: TypeScript sources go through
// ts-worker.mjs (tsx), a built package's JavaScript runs directly (no loader at run time).
import { Worker } from 'node:worker_threads'

// ffjavascript imports the `web-worker` package, which inside any worker thread acts
// as a web-worker bootstrap and imports workerData.mod: give it an empty module.
const EMPTY_MODULE = 'data:text/javascript,'

/**
 * The URL of worker module `name` (no extension) beside `base` (the caller's
 * import.meta.url), with the caller's own extension: `.ts` when running from the sources,
 * `.js` when bundled (scripts/build-packages.mjs emits each worker beside its chunks).
 */
export function siblingWorkerUrl(name: string, base: string): URL {
  return new URL(`./${name}${new URL(base).pathname.endsWith('.ts') ? '.ts' : '.js'}`, base)
}

export function startTsWorker(url: URL, data: Record<string, unknown> = {}): Worker {
  const workerData = { ...data, entry: url.href, mod: EMPTY_MODULE, type: 'module', name: 'zklight-worker' }
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData })
  return new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData })
}
