// Checkpoint store in one file (Node only): the same record as every store, replaced
// atomically (temp + fsync + rename), saves serialised per path so the highest wins.
import type { CertifiedCheckpoint } from '../core/types.ts'
import { readFileIfExists, removeFileDurably, withPathLock, writeFileAtomic } from './atomic-file.ts'
import { decodeCheckpointRecord, encodeCheckpointRecord, shouldReplace, type LoadResult } from './checkpoint-record.ts'
import { checkCheckpointChain, type CheckpointStore, type CheckpointStoreOptions, type SaveOptions } from './checkpoint-store.ts'

export interface FileCheckpointStoreOptions extends CheckpointStoreOptions {
  /** The record file; its folder must exist. One file per chain. */
  path: string
}

export class FileCheckpointStore implements CheckpointStore {
  constructor(private readonly options: FileCheckpointStoreOptions) {}

  async load(): Promise<LoadResult> {
    const raw = await readFileIfExists(this.options.path)
    if (raw === undefined) return { record: undefined }
    return decodeCheckpointRecord(raw, this.options)
  }

  async save(record: CertifiedCheckpoint, options: SaveOptions = {}): Promise<void> {
    checkCheckpointChain(record, this.options)
    return withPathLock(this.options.path, async () => {
      if (!shouldReplace(await this.load(), record, options.force === true)) return
      await writeFileAtomic(this.options.path, encodeCheckpointRecord(record))
    })
  }

  async clear(): Promise<void> {
    return withPathLock(this.options.path, () => removeFileDurably(this.options.path))
  }
}
