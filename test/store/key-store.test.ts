// The devnet page's key store (IndexedDB, here fake-indexeddb): keys survive a reopen,
// are listed oldest first, removed one at a time or all at once, and a malformed record
// is skipped rather than offered as a key.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { IdbKeyStore, type StoredKey } from '../../src/store/idb-key-store.ts'

const key = (n: number): StoredKey => ({ address: `zkl1addr${n}`, index: n, privateKey: n.toString(16).padStart(64, '0'), label: `key ${n}`, createdAt: 1000 + n })

describe('IdbKeyStore', () => {
  it('keeps, lists, removes and clears keys across reopening', async () => {
    const factory = new IDBFactory()
    const a = new IdbKeyStore({ factory })
    await a.put(key(2))
    await a.put(key(1))
    await a.close()
    const b = new IdbKeyStore({ factory })
    expect((await b.list()).map((k) => k.index)).toEqual([1, 2])
    await b.remove('zkl1addr1')
    expect((await b.list()).map((k) => k.index)).toEqual([2])
    await b.clear()
    expect(await b.list()).toEqual([])
    await b.close()
  })

  it('skips a record that is not a key', async () => {
    const factory = new IDBFactory()
    const s = new IdbKeyStore({ factory })
    await s.put(key(1))
    await s.put({ ...key(2), privateKey: 'not hex' })
    expect((await s.list()).map((k) => k.index)).toEqual([1])
    await s.close()
  })
})
