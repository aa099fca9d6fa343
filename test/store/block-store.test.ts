// Block store (Node, LevelDB): append and reload, invariants refused as StoreMisuse,
// proven-height bookkeeping, accounts at past heights, damaged records as StoreCorrupt.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashHeader } from '../../src/core/header.ts'
import type { Block } from '../../src/core/types.ts'
import { heightKey } from '../../src/store/block-keys.ts'
import { BlockStore } from '../../src/store/block-store.ts'
import { accountChanges, expectedAccounts, nextBlock } from './chain-script.ts'
import { makeBlock, makeProof, makeQc } from './fixtures.ts'

let dir: string
let store: BlockStore | undefined

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zklight-blocks-'))
})
afterEach(async () => {
  await store?.close()
  store = undefined
  await rm(dir, { recursive: true, force: true })
})

async function reopen(): Promise<BlockStore> {
  await store?.close()
  store = await BlockStore.open(dir, { sync: false })
  return store
}

/** Appends the deterministic chain up to `head`, returning its blocks. */
async function appendChain(s: BlockStore, head: number): Promise<Block[]> {
  const blocks: Block[] = []
  for (let h = 0; h <= head; h++) {
    const block = nextBlock(h, blocks[h - 1])
    await s.appendBlock({ block, qc: h === 0 ? undefined : makeQc(block), accounts: accountChanges(h) })
    blocks.push(block)
  }
  return blocks
}

describe('BlockStore', () => {
  it('starts empty', async () => {
    const s = await reopen()
    expect(s.head()).toBeUndefined()
    expect(s.provenHeight()).toBeUndefined()
    expect(await s.getBlock(0)).toBeUndefined()
    expect((await s.loadAccounts()).size).toBe(0)
  })

  it('keeps blocks, headers, certificates, the hash index and accounts across close and reopen', async () => {
    const blocks = await appendChain(await reopen(), 7)
    const s = await reopen()
    expect(s.head()).toBe(7)
    for (const [h, block] of blocks.entries()) {
      expect(await s.getBlock(h)).toEqual(block)
      expect(await s.getHeader(h)).toEqual(block.header)
      expect(await s.heightOf(hashHeader(block.header))).toBe(h)
      expect(await s.getQc(h)).toEqual(h === 0 ? undefined : makeQc(block))
    }
    expect(await s.getBlock(8)).toBeUndefined()
    expect(await s.loadAccounts()).toEqual(expectedAccounts(7))
    // The reopened store continues the chain.
    const next = nextBlock(8, blocks[7])
    await s.appendBlock({ block: next, qc: makeQc(next), accounts: accountChanges(8) })
    expect(s.head()).toBe(8)
  })

  it('rebuilds the accounts at any past height from undo lists', async () => {
    await appendChain(await reopen(), 9)
    const s = await reopen()
    for (const h of [0, 1, 4, 5, 8, 9]) expect(await s.loadAccounts(h)).toEqual(expectedAccounts(h))
    await expect(s.loadAccounts(10)).rejects.toMatchObject({ name: 'StoreMisuse' })
  })

  it('refuses out-of-order, unlinked or mis-certified blocks and stays unchanged', async () => {
    const s = await reopen()
    await expect(s.appendBlock({ block: makeBlock(1, undefined), accounts: new Map() })).rejects.toMatchObject({ name: 'StoreMisuse' })
    const blocks = await appendChain(s, 2)
    const skip = makeBlock(4, blocks[2]!.header)
    await expect(s.appendBlock({ block: skip, qc: makeQc(skip), accounts: new Map() })).rejects.toMatchObject({ name: 'StoreMisuse' })
    const unlinked = makeBlock(3, blocks[1]!.header)
    await expect(s.appendBlock({ block: unlinked, qc: makeQc(unlinked), accounts: new Map() })).rejects.toMatchObject({ name: 'StoreMisuse' })
    const good = nextBlock(3, blocks[2])
    await expect(s.appendBlock({ block: good, qc: makeQc(blocks[2]!), accounts: new Map() })).rejects.toMatchObject({ name: 'StoreMisuse' })
    expect(s.head()).toBe(2)
    expect(await s.getBlock(3)).toBeUndefined()
    await s.appendBlock({ block: good, qc: makeQc(good), accounts: accountChanges(3) })
    expect(s.head()).toBe(3)
  })

  it('advances provenHeight over contiguous proofs and empty blocks, in any arrival order', async () => {
    const s = await reopen()
    // Heights: 0 genesis, 1 2 transfers, 3 empty, 4 5 transfers, 6 empty.
    await appendChain(s, 2)
    expect(s.provenHeight()).toBe(0)
    await s.putProof(2, makeProof(2))
    expect(s.provenHeight()).toBe(0) // 1 is still unproven
    await s.putProof(1, makeProof(1))
    expect(s.provenHeight()).toBe(2)
    const blocks = [nextBlock(0, undefined)]
    for (let h = 1; h <= 6; h++) blocks.push(nextBlock(h, blocks[h - 1]))
    for (let h = 3; h <= 6; h++) await s.appendBlock({ block: blocks[h]!, qc: makeQc(blocks[h]!), accounts: accountChanges(h) })
    expect(s.provenHeight()).toBe(3) // empty block 3 needs no proof
    await s.putProof(5, makeProof(5))
    expect(s.provenHeight()).toBe(3)
    await s.putProof(4, makeProof(4))
    expect(s.provenHeight()).toBe(6) // 4, 5 proven, 6 empty
    const r = await reopen()
    expect(r.provenHeight()).toBe(6)
    expect(await r.getProof(4)).toEqual(makeProof(4))
    expect(await r.getProof(3)).toBeUndefined()
    await expect(r.putProof(7, makeProof(7))).rejects.toMatchObject({ name: 'StoreMisuse' })
  })

  it('throws StoreCorrupt on an undecodable record, and refuses to open with a damaged head', async () => {
    await appendChain(await reopen(), 3)
    await store!.close()
    store = undefined
    const raw = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
    const block2 = (await raw.get(heightKey('block', 2)))!
    await raw.put(heightKey('block', 2), block2.subarray(0, block2.length - 1))
    await raw.close()
    const s = await reopen()
    await expect(s.getBlock(2)).rejects.toMatchObject({ name: 'StoreCorrupt' })
    expect(await s.getBlock(1)).toBeDefined()
    await s.close()
    store = undefined
    const raw2 = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
    await raw2.put(heightKey('header', 3), Uint8Array.of(1, 1, 0))
    await raw2.close()
    await expect(BlockStore.open(dir)).rejects.toMatchObject({ name: 'StoreCorrupt' })
  })
})
