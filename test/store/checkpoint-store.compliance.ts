// The one compliance suite every CheckpointStore implementation runs (memory, file,
// IndexedDB; real IndexedDB later in the browser). It imports only vitest and
// browser-safe modules: each implementation's raw-record hooks come from its harness.
import { sha256 } from '@noble/hashes/sha2.js'
import { afterEach, describe, expect, it } from 'vitest'
import { concatBytes } from '../../src/core/bytes.ts'
import { CHECKPOINT_RECORD_VERSION, encodeCheckpointRecord } from '../../src/store/checkpoint-record.ts'
import type { CheckpointStore, CheckpointStoreOptions } from '../../src/store/checkpoint-store.ts'
import { CHAIN_ID, GENESIS_A, makeRecord } from './fixtures.ts'

/** One implementation's backing storage, seen raw so the suite can damage it. */
export interface CheckpointStoreHarness {
  store: CheckpointStore
  /** Another store instance over the same backing storage (a reloaded tab, a restarted process). */
  reopen(options?: Partial<CheckpointStoreOptions>): Promise<CheckpointStore>
  /** The stored record for the harness's chain, as bytes; undefined when none. */
  readRaw(): Promise<Uint8Array | undefined>
  writeRaw(bytes: Uint8Array): Promise<void>
  dispose(): Promise<void>
}

export type MakeHarness = (options: CheckpointStoreOptions) => Promise<CheckpointStoreHarness>

const GENESIS_B = sha256(new TextEncoder().encode('genesis-b'))

export function runCheckpointStoreCompliance(name: string, makeHarness: MakeHarness): void {
  describe(`CheckpointStore compliance: ${name}`, () => {
    const open: CheckpointStoreHarness[] = []
    const make = async (options: CheckpointStoreOptions = { chainId: CHAIN_ID }) => {
      const h = await makeHarness(options)
      open.push(h)
      return h
    }
    afterEach(async () => {
      for (const h of open.splice(0)) await h.dispose()
    })

    it('loads nothing, and reports no problem, when empty', async () => {
      const { store } = await make()
      expect(await store.load()).toEqual({ record: undefined })
    })

    it('round-trips a checkpoint, also through a reopened store', async () => {
      const h = await make()
      const cp = makeRecord(12)
      await h.store.save(cp)
      expect(await h.store.load()).toEqual({ record: cp })
      expect(await (await h.reopen()).load()).toEqual({ record: cp })
    })

    it('keeps heights monotonic unless forced', async () => {
      const { store } = await make()
      await store.save(makeRecord(5))
      await store.save(makeRecord(3))
      expect((await store.load()).record?.checkpoint.height).toBe(5)
      await store.save(makeRecord(5, CHAIN_ID, 1)) // same height, another header: the first stays
      expect(await store.load()).toEqual({ record: makeRecord(5) })
      await store.save(makeRecord(8))
      expect((await store.load()).record?.checkpoint.height).toBe(8)
      await store.save(makeRecord(3), { force: true })
      expect(await store.load()).toEqual({ record: makeRecord(3) })
    })

    it('reports a flipped byte anywhere in the record as bad-checksum and trusts nothing', async () => {
      const h = await make()
      await h.store.save(makeRecord(4))
      const good = await h.readRaw()
      expect(good).toBeDefined()
      for (const at of [0, 1, 40, good!.length - 1]) {
        const bad = good!.slice()
        bad[at] = (bad[at] as number) ^ 0x01
        await h.writeRaw(bad)
        expect(await h.store.load()).toEqual({ record: undefined, problem: 'bad-checksum' })
      }
    })

    it('reports a torn (truncated) record as bad-checksum', async () => {
      const h = await make()
      await h.store.save(makeRecord(4))
      const good = (await h.readRaw())!
      await h.writeRaw(good.slice(0, good.length - 10))
      expect(await h.store.load()).toEqual({ record: undefined, problem: 'bad-checksum' })
    })

    it('reports well-sealed garbage and non-records as corrupt', async () => {
      const h = await make()
      const body = concatBytes(Uint8Array.of(CHECKPOINT_RECORD_VERSION), Uint8Array.of(12, 1, 0, 0))
      await h.writeRaw(concatBytes(body, sha256(body)))
      expect(await h.store.load()).toEqual({ record: undefined, problem: 'corrupt' })
      const future = concatBytes(Uint8Array.of(CHECKPOINT_RECORD_VERSION + 1), encodeCheckpointRecord(makeRecord(1)).subarray(1, -32))
      await h.writeRaw(concatBytes(future, sha256(future)))
      expect(await h.store.load()).toEqual({ record: undefined, problem: 'corrupt' })
      await h.writeRaw(new Uint8Array(3))
      expect(await h.store.load()).toEqual({ record: undefined, problem: 'corrupt' })
    })

    it('overwrites an ignored record on the next save, whatever its height claimed', async () => {
      const h = await make()
      await h.store.save(makeRecord(50))
      const bad = (await h.readRaw())!.slice()
      bad[10] = (bad[10] as number) ^ 0xff
      await h.writeRaw(bad)
      await h.store.save(makeRecord(2))
      expect(await h.store.load()).toEqual({ record: makeRecord(2) })
    })

    it('reports a record of another chain id as foreign-chain', async () => {
      const h = await make()
      await h.writeRaw(encodeCheckpointRecord(makeRecord(9, CHAIN_ID + 1)))
      expect(await h.store.load()).toEqual({ record: undefined, problem: 'foreign-chain' })
    })

    it('reports a record of another genesis than the store pins as foreign-chain', async () => {
      const h = await make({ chainId: CHAIN_ID, genesisHash: GENESIS_A })
      await h.store.save(makeRecord(9))
      expect((await (await h.reopen({ genesisHash: GENESIS_A })).load()).record?.checkpoint.height).toBe(9)
      expect(await (await h.reopen({ genesisHash: GENESIS_B })).load()).toEqual({ record: undefined, problem: 'foreign-chain' })
      await h.writeRaw(encodeCheckpointRecord(makeRecord(9, CHAIN_ID, 0, GENESIS_B)))
      expect(await h.store.load()).toEqual({ record: undefined, problem: 'foreign-chain' })
    })

    it('refuses to save a record of another chain or another genesis', async () => {
      const { store } = await make({ chainId: CHAIN_ID, genesisHash: GENESIS_A })
      await expect(store.save(makeRecord(3, CHAIN_ID + 1))).rejects.toMatchObject({ name: 'ForeignCheckpoint' })
      await expect(store.save(makeRecord(3, CHAIN_ID, 0, GENESIS_B))).rejects.toMatchObject({ name: 'ForeignCheckpoint' })
      await store.save(makeRecord(0))
      expect((await store.load()).record?.checkpoint.genesisHash).toEqual(GENESIS_A)
    })

    it('keeps the header and certificate with the checkpoint', async () => {
      const { store } = await make()
      await store.save(makeRecord(6))
      const r = (await store.load()).record
      expect(r?.header).toEqual(makeRecord(6).header)
      expect(r?.qc).toEqual(makeRecord(6).qc)
    })

    it('ends concurrent saves with the highest height, across two instances too', async () => {
      const h = await make()
      const other = await h.reopen()
      const heights = [3, 17, 1, 12, 20, 8, 19, 2, 15, 6]
      await Promise.all(heights.map((height, i) => (i % 2 === 0 ? h.store : other).save(makeRecord(height))))
      expect(await h.store.load()).toEqual({ record: makeRecord(20) })
      expect(await other.load()).toEqual({ record: makeRecord(20) })
    })

    it('clears, after which a lower checkpoint saves again', async () => {
      const h = await make()
      await h.store.clear() // clearing an empty store is fine
      await h.store.save(makeRecord(30))
      await h.store.clear()
      expect(await h.store.load()).toEqual({ record: undefined })
      expect(await h.readRaw()).toBeUndefined()
      await h.store.save(makeRecord(1))
      expect(await h.store.load()).toEqual({ record: makeRecord(1) })
    })
  })
}
