// Plain-JS entry of every worker thread: loads the TypeScript module named in
// workerData.entry through tsx, since Node 20 does not pass loaders to workers.
import { workerData } from 'node:worker_threads'
import { tsImport } from 'tsx/esm/api'

await tsImport(workerData.entry, import.meta.url)
