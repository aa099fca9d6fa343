// Starts a worker thread running a TypeScript module (through ts-worker.mjs).
import { Worker } from 'node:worker_threads'

// ffjavascript imports the `web-worker` package, which inside any worker thread acts
// as a web-worker bootstrap and imports workerData.mod: give it an empty module.
const EMPTY_MODULE = 'data:text/javascript,'

export function startTsWorker(url: URL, data: Record<string, unknown> = {}): Worker {
  return new Worker(new URL('./ts-worker.mjs', import.meta.url), {
    workerData: { ...data, entry: url.href, mod: EMPTY_MODULE, type: 'module', name: 'zklight-worker' },
  })
}
