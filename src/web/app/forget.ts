// "Forget local data": deletes what this page keeps in the browser — the verified
// checkpoint (IndexedDB), the kept account proofs (localStorage) and the devnet key store —
// then reloads, so the next start is a cold one from the pinned trust anchor.
import { DEFAULT_KEY_DB_NAME } from '../../store/idb-key-store.ts'
import { DEFAULT_IDB_NAME } from '../../store/idb-checkpoint-store.ts'

export interface Forgettable {
  /** Stops the client first: stopping saves a checkpoint, which must not land after the wipe. */
  stop(): Promise<void>
  closeStores(): Promise<void>
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.deleteDatabase(name)
    r.onsuccess = () => resolve()
    r.onerror = () => reject(r.error ?? new Error(`cannot delete ${name}`))
    // Another tab holding it open delays the deletion until it closes; the reload continues then.
    r.onblocked = () => resolve()
  })
}

export async function forgetLocalData(app: Forgettable): Promise<void> {
  await app.stop().catch(() => undefined)
  await app.closeStores().catch(() => undefined)
  for (const k of Object.keys(localStorage)) if (k.startsWith('zklight:')) localStorage.removeItem(k)
  await Promise.all([deleteDatabase(DEFAULT_IDB_NAME), deleteDatabase(DEFAULT_KEY_DB_NAME)])
}
