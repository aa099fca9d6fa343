// Compliance harness for IdbCheckpointStore over any IDBFactory: fake-indexeddb in
// Node tests, the page's real IndexedDB in a browser test. Browser-safe imports only.
import { CHECKPOINT_OBJECT_STORE, IdbCheckpointStore, openZklightDb } from '../../src/store/idb-checkpoint-store.ts'
import type { CheckpointStoreHarness, MakeHarness } from './checkpoint-store.compliance.ts'

let dbCounter = 0

/** Each harness gets a fresh database name on `factory`, deleted on dispose. */
export function idbHarness(factory: IDBFactory): MakeHarness {
  return async (options) => {
    const dbName = `zklight-test-${dbCounter++}`
    const stores: IdbCheckpointStore[] = []
    const openStore = (extra = {}) => {
      const s = new IdbCheckpointStore({ ...options, ...extra, dbName, factory })
      stores.push(s)
      return s
    }
    const raw = async <T>(fn: (db: Awaited<ReturnType<typeof openZklightDb>>) => Promise<T>): Promise<T> => {
      const db = await openZklightDb(factory, dbName)
      try {
        return await fn(db)
      } finally {
        db.close()
      }
    }
    const harness: CheckpointStoreHarness = {
      store: openStore(),
      reopen: async (extra) => openStore(extra),
      readRaw: () => raw(async (db) => (await db.get(CHECKPOINT_OBJECT_STORE, options.chainId)) as Uint8Array | undefined),
      writeRaw: (bytes) => raw(async (db) => void (await db.put(CHECKPOINT_OBJECT_STORE, bytes, options.chainId))),
      dispose: async () => {
        for (const s of stores) await s.close()
        await new Promise<void>((resolve, reject) => {
          const req = factory.deleteDatabase(dbName)
          req.onsuccess = () => resolve()
          req.onerror = () => reject(req.error)
        })
      },
    }
    return harness
  }
}
