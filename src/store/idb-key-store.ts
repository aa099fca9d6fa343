// Account keys a devnet web page keeps in IndexedDB so a user can send from them.
// WARNING: the keys are stored unencrypted, readable by any script of the page's origin:
// a devnet convenience, never a wallet. A database of its own (not the checkpoint one),
// so clearing keys never touches checkpoints and neither schema waits for the other.
import { wrap, type IDBPDatabase } from 'idb'

export const DEFAULT_KEY_DB_NAME = 'zklight-devnet-keys'
const STORE = 'keys'

export interface StoredKey {
  address: string
  /** Account slot (the address's index). */
  index: number
  /** 32 bytes in hex. */
  privateKey: string
  label: string
  createdAt: number
}

export interface KeyStore {
  list(): Promise<StoredKey[]>
  put(key: StoredKey): Promise<void>
  remove(address: string): Promise<void>
  clear(): Promise<void>
}

export class IdbKeyStore implements KeyStore {
  private dbPromise: Promise<IDBPDatabase> | undefined
  private readonly factory: IDBFactory

  constructor(private readonly options: { dbName?: string; factory?: IDBFactory } = {}) {
    const factory = options.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB
    if (factory === undefined) throw new Error('no IndexedDB in this environment: pass a factory')
    this.factory = factory
  }

  async list(): Promise<StoredKey[]> {
    const all = (await (await this.db()).getAll(STORE)) as unknown[]
    return all.filter(isStoredKey).sort((a, b) => a.createdAt - b.createdAt)
  }

  async put(key: StoredKey): Promise<void> {
    await (await this.db()).put(STORE, key, key.address)
  }

  async remove(address: string): Promise<void> {
    await (await this.db()).delete(STORE, address)
  }

  async clear(): Promise<void> {
    await (await this.db()).clear(STORE)
  }

  async close(): Promise<void> {
    const pending = this.dbPromise
    this.dbPromise = undefined
    if (pending) (await pending).close()
  }

  private db(): Promise<IDBPDatabase> {
    this.dbPromise ??= openWith(this.factory, this.options.dbName ?? DEFAULT_KEY_DB_NAME)
    return this.dbPromise
  }
}

async function openWith(factory: IDBFactory, name: string): Promise<IDBPDatabase> {
  const request = factory.open(name, 1)
  request.addEventListener('upgradeneeded', () => {
    if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE)
  })
  const db = await wrap(request)
  if (db === undefined) throw new Error('IndexedDB open returned no database')
  return db
}

/** Records written by another version (or by hand) are skipped, not trusted. */
function isStoredKey(x: unknown): x is StoredKey {
  const k = x as Partial<StoredKey> | undefined
  return (
    typeof k?.address === 'string' &&
    Number.isSafeInteger(k.index) &&
    typeof k.privateKey === 'string' &&
    /^[0-9a-f]{64}$/i.test(k.privateKey) &&
    typeof k.label === 'string' &&
    typeof k.createdAt === 'number'
  )
}
