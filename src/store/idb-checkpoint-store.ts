// Checkpoint store in IndexedDB (through `idb`): one object store, one record per
// chain id, each save a single readwrite transaction that reads, compares and writes.
// The IDBFactory is injectable so Node tests (fake-indexeddb) and real browsers run one suite.
import { wrap, type IDBPDatabase } from 'idb'
import type { CertifiedCheckpoint } from '../core/types.ts'
import { decodeCheckpointRecord, encodeCheckpointRecord, shouldReplace, type LoadResult } from './checkpoint-record.ts'
import { checkCheckpointChain, type CheckpointStore, type CheckpointStoreOptions, type SaveOptions } from './checkpoint-store.ts'

export const DEFAULT_IDB_NAME = 'zklight'
/** Schema version; upgrades add stores, they never rewrite checkpoint records. */
export const IDB_VERSION = 1
export const CHECKPOINT_OBJECT_STORE = 'checkpoints'

export interface IdbCheckpointStoreOptions extends CheckpointStoreOptions {
  dbName?: string
  /** Defaults to `globalThis.indexedDB`. */
  factory?: IDBFactory
}

/** Opens (creating or upgrading) the zklight database on `factory`; exported for test hooks. */
export async function openZklightDb(factory: IDBFactory, dbName: string): Promise<IDBPDatabase> {
  const request = factory.open(dbName, IDB_VERSION)
  request.addEventListener('upgradeneeded', () => {
    const db = request.result
    if (!db.objectStoreNames.contains(CHECKPOINT_OBJECT_STORE)) db.createObjectStore(CHECKPOINT_OBJECT_STORE)
  })
  const db = await wrap(request)
  if (db === undefined) throw new Error('IndexedDB open returned no database')
  return db
}

export class IdbCheckpointStore implements CheckpointStore {
  private dbPromise: Promise<IDBPDatabase> | undefined
  private readonly factory: IDBFactory
  private readonly dbName: string

  constructor(private readonly options: IdbCheckpointStoreOptions) {
    const factory = options.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB
    if (factory === undefined) throw new Error('no IndexedDB in this environment: pass a factory')
    this.factory = factory
    this.dbName = options.dbName ?? DEFAULT_IDB_NAME
  }

  async load(): Promise<LoadResult> {
    const db = await this.db()
    const raw: unknown = await db.get(CHECKPOINT_OBJECT_STORE, this.options.chainId)
    if (raw === undefined) return { record: undefined }
    return decodeCheckpointRecord(raw, this.options)
  }

  async save(cc: CertifiedCheckpoint, options: SaveOptions = {}): Promise<void> {
    checkCheckpointChain(cc, this.options)
    const record = encodeCheckpointRecord(cc)
    const db = await this.db()
    // Relaxed durability: atomicity holds either way, and a save lost to a power
    // cut only means resuming from the previous verified checkpoint.
    const tx = db.transaction(CHECKPOINT_OBJECT_STORE, 'readwrite', { durability: 'relaxed' })
    // Only IDB requests are awaited inside the transaction, so it stays open
    // between the read and the write; IndexedDB serialises overlapping readwrite
    // transactions, so concurrent saves (even from other tabs) keep the highest.
    const raw: unknown = await tx.store.get(this.options.chainId)
    const stored: LoadResult = raw === undefined ? { record: undefined } : decodeCheckpointRecord(raw, this.options)
    if (shouldReplace(stored, cc, options.force === true)) await tx.store.put(record, this.options.chainId)
    await tx.done
  }

  async clear(): Promise<void> {
    const db = await this.db()
    await db.delete(CHECKPOINT_OBJECT_STORE, this.options.chainId)
  }

  /** Closes the connection; the next call reopens it. */
  async close(): Promise<void> {
    const pending = this.dbPromise
    this.dbPromise = undefined
    if (pending !== undefined) (await pending).close()
  }

  private db(): Promise<IDBPDatabase> {
    if (this.dbPromise === undefined) {
      const opening = openZklightDb(this.factory, this.dbName).then((db) => {
        // Another tab upgrading the schema, or the browser dropping the connection:
        // let go now and reopen on the next call instead of blocking or failing forever.
        const release = () => {
          if (this.dbPromise === opening) this.dbPromise = undefined
          db.close()
        }
        db.addEventListener('versionchange', release)
        db.addEventListener('close', release)
        return db
      })
      opening.catch(() => {
        if (this.dbPromise === opening) this.dbPromise = undefined
      })
      this.dbPromise = opening
    }
    return this.dbPromise
  }
}
