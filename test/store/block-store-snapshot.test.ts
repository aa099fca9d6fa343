// A block store started from a snapshot: genesis header, block H with certificate and proof,
// the accounts and pointers at H in one batch; it extends from H + 1 like any store, keeps
// its base across reopening, and refuses what a snapshot store cannot do.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashHeader } from '../../src/core/header.ts'
import type { Block } from '../../src/core/types.ts'
import { BlockStore, type SnapshotInput } from '../../src/store/block-store.ts'
import { accountChanges, expectedAccounts, nextBlock } from './chain-script.ts'
import { makeProof, makeQc } from './fixtures.ts'

let dir: string
let store: BlockStore | undefined

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zklight-snapshot-store-'))
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

/** The deterministic chain of chain-script.ts up to `head`. */
function chain(head: number): Block[] {
  const blocks: Block[] = []
  for (let h = 0; h <= head; h++) blocks.push(nextBlock(h, blocks[h - 1]))
  return blocks
}

const H = 7 // a block with transfers (7 % 3 != 0)

function snapshotAt(blocks: Block[], height = H): SnapshotInput {
  const block = blocks[height] as Block
  return { genesis: (blocks[0] as Block).header, block, qc: makeQc(block), proof: block.transfers.length > 0 ? makeProof(height) : null, accounts: expectedAccounts(height) }
}

describe('BlockStore.initFromSnapshot', () => {
  it('holds the snapshot at H, nothing below it but genesis, and survives a reopen', async () => {
    const blocks = chain(H + 2)
    await (await reopen()).initFromSnapshot(snapshotAt(blocks))
    const s = await reopen()
    expect([s.head(), s.provenHeight(), s.baseHeight()]).toEqual([H, H, H])
    expect(await s.getHeader(0)).toEqual(blocks[0]!.header)
    expect(await s.getBlock(0)).toBeUndefined()
    for (let h = 1; h < H; h++) expect(await s.getHeader(h)).toBeUndefined()
    expect(await s.getBlock(H)).toEqual(blocks[H])
    expect(await s.getQc(H)).toEqual(makeQc(blocks[H]!))
    expect(await s.getProof(H)).toEqual(makeProof(H))
    expect(await s.heightOf(hashHeader(blocks[H]!.header))).toBe(H)
    expect(await s.loadAccounts()).toEqual(expectedAccounts(H))
  })

  it('extends from H + 1: appends, proofs, accounts at past heights down to H only', async () => {
    const blocks = chain(H + 3)
    const s = await reopen()
    await s.initFromSnapshot(snapshotAt(blocks))
    for (let h = H + 1; h <= H + 3; h++) await s.appendBlock({ block: blocks[h]!, qc: makeQc(blocks[h]!), accounts: accountChanges(h) })
    expect(s.provenHeight()).toBe(H) // H + 1 carries transfers and has no proof yet
    await s.putProof(H + 1, makeProof(H + 1))
    expect(s.provenHeight()).toBe(H + 2) // H + 2 is empty
    await s.putProof(H + 3, makeProof(H + 3))
    expect(s.provenHeight()).toBe(H + 3)
    expect(await s.loadAccounts(H + 1)).toEqual(expectedAccounts(H + 1))
    expect(await s.loadAccounts(H)).toEqual(expectedAccounts(H))
    await expect(s.loadAccounts(H - 1)).rejects.toMatchObject({ name: 'StoreMisuse' })
    await expect(s.putProof(H - 1, makeProof(H - 1))).rejects.toMatchObject({ name: 'StoreMisuse' })
    const again = await reopen()
    expect([again.head(), again.provenHeight(), again.baseHeight()]).toEqual([H + 3, H + 3, H])
  })

  it('an empty block at H needs no proof', async () => {
    const blocks = chain(6)
    const s = await reopen()
    await s.initFromSnapshot(snapshotAt(blocks, 6))
    expect([s.head(), s.provenHeight(), s.baseHeight()]).toEqual([6, 6, 6])
    expect(await s.getProof(6)).toBeUndefined()
  })

  it('refuses a store that is not empty, a genesis snapshot, a foreign certificate and a missing or extra proof', async () => {
    const blocks = chain(H)
    const s = await reopen()
    const misuse = { name: 'StoreMisuse' }
    await expect(s.initFromSnapshot(snapshotAt(blocks, 0))).rejects.toMatchObject(misuse)
    await expect(s.initFromSnapshot({ ...snapshotAt(blocks), qc: makeQc(blocks[H - 1]!) })).rejects.toMatchObject(misuse)
    await expect(s.initFromSnapshot({ ...snapshotAt(blocks), proof: null })).rejects.toMatchObject(misuse)
    await expect(s.initFromSnapshot({ ...snapshotAt(blocks, 6), proof: makeProof(6) })).rejects.toMatchObject(misuse)
    expect(s.head()).toBeUndefined() // nothing was written
    await s.initFromSnapshot(snapshotAt(blocks))
    await expect(s.initFromSnapshot(snapshotAt(blocks))).rejects.toMatchObject(misuse)
  })

  it('a store that started at genesis has base 0', async () => {
    const s = await reopen()
    const blocks = chain(2)
    for (let h = 0; h <= 2; h++) await s.appendBlock({ block: blocks[h]!, qc: h === 0 ? undefined : makeQc(blocks[h]!), accounts: accountChanges(h) })
    expect(s.baseHeight()).toBe(0)
    expect(await s.loadAccounts(0)).toEqual(expectedAccounts(0))
  })
})
