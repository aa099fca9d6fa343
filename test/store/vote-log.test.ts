// The vote log: votes survive a reopen, a torn last line (a crash before fsync returned)
// is cut off so the next vote starts a clean line, and anything else that does not parse,
// or two headers voted at one height, stops the validator with VoteLogCorrupt.
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashHeader } from '../../src/core/header.ts'
import type { Block } from '../../src/core/types.ts'
import { VoteLog, VoteLogCorrupt, type LoggedVote } from '../../src/store/vote-log.ts'
import { sampleBlock, sampleGenesis, validatorKeys } from '../fixtures/core-samples.ts'

let dir: string
let path: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zklight-votes-'))
  path = join(dir, 'votes.log')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const genesis = sampleGenesis(validatorKeys(4).set)
function vote(height: number, label: string, transfers = 1): LoggedVote {
  const block: Block = sampleBlock({ ...genesis, height: height - 1 }, 4, transfers)
  const b = { ...block, header: { ...block.header, timestamp: block.header.timestamp + label.length } }
  return { height, round: 1, headerHash: hashHeader(b.header), signature: new Uint8Array(64).fill(label.length), proposalSignature: new Uint8Array(64).fill(7), block: b }
}

describe('VoteLog', () => {
  it('starts empty, keeps each vote across a reopen, and knows the highest height voted', async () => {
    const log = await VoteLog.open(path)
    expect(log.at(5)).toBeUndefined()
    expect(log.highest).toBe(0)
    const v5 = vote(5, 'a')
    await log.record(v5)
    await log.record(vote(6, 'bb'))
    const again = await VoteLog.open(path)
    expect(again.highest).toBe(6)
    const got = again.at(5)
    expect(got?.headerHash).toEqual(v5.headerHash)
    expect(got?.signature).toEqual(v5.signature)
    expect(got?.proposalSignature).toEqual(v5.proposalSignature)
    expect(hashHeader((got as LoggedVote).block.header)).toEqual(v5.headerHash)
  })

  it('cuts off a torn last line, so the next vote is read back after another reopen', async () => {
    const log = await VoteLog.open(path)
    await log.record(vote(5, 'a'))
    await appendFile(path, '{"height":6,"round":0,"headerHa')
    const reopened = await VoteLog.open(path)
    expect(reopened.at(6)).toBeUndefined()
    await reopened.record(vote(6, 'cc'))
    const third = await VoteLog.open(path)
    expect(third.at(6)?.headerHash).toEqual(vote(6, 'cc').headerHash)
    expect((await readFile(path, 'utf8')).split('\n').filter(Boolean)).toHaveLength(2)
  })

  it('refuses a damaged line that is not the torn tail', async () => {
    const log = await VoteLog.open(path)
    await log.record(vote(5, 'a'))
    const text = await readFile(path, 'utf8')
    await writeFile(path, `not json\n${text}`)
    await expect(VoteLog.open(path)).rejects.toBeInstanceOf(VoteLogCorrupt)
  })

  it('stays bounded: past twice its window it keeps only the recent votes, and still refuses below its highest height', async () => {
    const log = await VoteLog.open(path, 4)
    for (let h = 1; h <= 12; h++) await log.record(vote(h, 'x'.repeat(h)))
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean)
    expect(lines.length).toBeLessThanOrEqual(8)
    const again = await VoteLog.open(path, 4)
    expect(again.highest).toBe(12)
    expect(again.at(12)?.headerHash).toEqual(vote(12, 'x'.repeat(12)).headerHash)
    expect(again.at(8)).toBeDefined()
    expect(again.at(2)).toBeUndefined()
  })

  it('refuses a log that holds two different headers at one height', async () => {
    const log = await VoteLog.open(path)
    await log.record(vote(5, 'a'))
    const first = await readFile(path, 'utf8')
    const other = await mkdtemp(join(tmpdir(), 'zklight-votes-'))
    const log2 = await VoteLog.open(join(other, 'v.log'))
    await log2.record(vote(5, 'xyz'))
    await writeFile(path, first + (await readFile(join(other, 'v.log'), 'utf8')))
    await rm(other, { recursive: true, force: true })
    await expect(VoteLog.open(path)).rejects.toThrow(/two headers voted at height 5/)
  })
})
