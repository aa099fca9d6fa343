// The light client's persistence edge: save the latest verified checkpoint, load it
// on start. A record that is corrupt or of another chain is reported and ignored,
// never trusted. Memory implementation here; IndexedDB and file in their own files.
import { equalBytes } from '../core/bytes.ts'
import type { Bytes32, CertifiedCheckpoint } from '../core/types.ts'
import { decodeCheckpointRecord, encodeCheckpointRecord, shouldReplace, type ChainExpectation, type LoadResult } from './checkpoint-record.ts'
import { ForeignCheckpoint } from './errors.ts'

export type { LoadProblem, LoadResult } from './checkpoint-record.ts'

export interface SaveOptions {
  /** Replace the stored checkpoint even if it is higher (e.g. after a user re-pins an older checkpoint). */
  force?: boolean
}

export interface CheckpointStore {
  /** The stored record, or undefined with the reason a stored record was ignored. */
  load(): Promise<LoadResult>
  /** Atomic; a record lower than (or as high as) the stored one is a no-op unless `force`. */
  save(record: CertifiedCheckpoint, options?: SaveOptions): Promise<void>
  clear(): Promise<void>
}

/** Every store is bound to one chain; a pinned genesis hash also rejects another network with the same short id. */
export interface CheckpointStoreOptions {
  chainId: number
  genesisHash?: Bytes32
}

/** Throws ForeignCheckpoint when a caller hands a store a record it could never load back. */
export function checkCheckpointChain(record: CertifiedCheckpoint, expect: ChainExpectation): void {
  const cp = record.checkpoint
  if (cp.chainId !== expect.chainId) throw new ForeignCheckpoint(`checkpoint of chain ${cp.chainId} given to a store of chain ${expect.chainId}`)
  if (expect.genesisHash !== undefined && !equalBytes(cp.genesisHash, expect.genesisHash)) {
    throw new ForeignCheckpoint('checkpoint of another genesis than the store pins')
  }
}

/** The bytes a memory store keeps; share one cell between stores to model a reopened tab. */
export interface MemoryCell {
  record?: Uint8Array
}

/**
 * Keeps the encoded record, not the object, so the memory store exercises the same
 * checksum and chain checks as the durable ones (and a test can damage `cell.record`).
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly cell: MemoryCell

  constructor(
    private readonly options: CheckpointStoreOptions,
    cell: MemoryCell = {},
  ) {
    this.cell = cell
  }

  async load(): Promise<LoadResult> {
    if (this.cell.record === undefined) return { record: undefined }
    return decodeCheckpointRecord(this.cell.record, this.options)
  }

  // No await between the read and the write: concurrent saves cannot interleave.
  async save(record: CertifiedCheckpoint, options: SaveOptions = {}): Promise<void> {
    checkCheckpointChain(record, this.options)
    const stored: LoadResult = this.cell.record === undefined ? { record: undefined } : decodeCheckpointRecord(this.cell.record, this.options)
    if (shouldReplace(stored, record, options.force === true)) this.cell.record = encodeCheckpointRecord(record)
  }

  async clear(): Promise<void> {
    delete this.cell.record
  }
}
