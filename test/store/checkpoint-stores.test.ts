// Runs the checkpoint-store compliance suite against every implementation in Node:
// memory, file (node:fs) and IndexedDB (fake-indexeddb, one fresh factory per run).
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryCheckpointStore, type MemoryCell } from '../../src/store/checkpoint-store.ts'
import { FileCheckpointStore } from '../../src/store/file-checkpoint-store.ts'
import { runCheckpointStoreCompliance } from './checkpoint-store.compliance.ts'
import { idbHarness } from './idb-harness.ts'

runCheckpointStoreCompliance('memory', async (options) => {
  const cell: MemoryCell = {}
  return {
    store: new MemoryCheckpointStore(options, cell),
    reopen: async (extra) => new MemoryCheckpointStore({ ...options, ...extra }, cell),
    readRaw: async () => cell.record,
    writeRaw: async (bytes) => {
      cell.record = bytes
    },
    dispose: async () => {},
  }
})

runCheckpointStoreCompliance('file', async (options) => {
  const dir = await mkdtemp(join(tmpdir(), 'zklight-cp-'))
  const path = join(dir, `checkpoint-${options.chainId}.bin`)
  return {
    store: new FileCheckpointStore({ ...options, path }),
    reopen: async (extra) => new FileCheckpointStore({ ...options, ...extra, path }),
    readRaw: async () => {
      try {
        return new Uint8Array(await readFile(path))
      } catch {
        return undefined
      }
    },
    writeRaw: (bytes) => writeFile(path, bytes),
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
})

runCheckpointStoreCompliance('indexeddb (fake-indexeddb)', idbHarness(new IDBFactory()))
