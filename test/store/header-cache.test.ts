// The verified-header cache keeps the newest N heights and serves contiguous ranges.
import { describe, expect, it } from 'vitest'
import type { Block } from '../../src/core/types.ts'
import { MemoryVerifiedHeaderCache } from '../../src/store/header-cache.ts'
import { makeBlock, makeProof, makeQc } from './fixtures.ts'

const blocks: Block[] = []
for (let h = 0; h < 12; h++) blocks.push(makeBlock(h, blocks[h - 1]?.header))
const entry = (h: number) => ({ header: blocks[h]!.header, qc: makeQc(blocks[h]!), proof: makeProof(h) })

describe('MemoryVerifiedHeaderCache', () => {
  it('is empty at first', async () => {
    const cache = new MemoryVerifiedHeaderCache(4)
    expect(await cache.latest()).toBeUndefined()
    expect(await cache.range(0, 5)).toEqual([])
  })

  it('keeps the newest `capacity` heights, whatever the arrival order', async () => {
    const cache = new MemoryVerifiedHeaderCache(4)
    for (const h of [3, 1, 2, 7, 5, 6, 4, 0]) await cache.put(entry(h))
    expect((await cache.latest())?.header.height).toBe(7)
    expect(await cache.get(3)).toBeUndefined()
    expect(await cache.get(0)).toBeUndefined() // too old when it arrived
    expect((await cache.range(4, 10)).map((e) => e.header.height)).toEqual([4, 5, 6, 7])
    expect(await cache.get(5)).toEqual(entry(5))
  })

  it('stops a range at the first missing height', async () => {
    const cache = new MemoryVerifiedHeaderCache(10)
    for (const h of [1, 2, 4, 5]) await cache.put({ header: blocks[h]!.header })
    expect((await cache.range(1, 10)).map((e) => e.header.height)).toEqual([1, 2])
    expect((await cache.range(4, 1)).map((e) => e.header.height)).toEqual([4])
  })

  it('rejects a capacity below one', () => {
    expect(() => new MemoryVerifiedHeaderCache(0)).toThrow(RangeError)
  })
})
