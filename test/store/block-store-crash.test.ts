// Crash safety: a child process appends blocks (and lagging proofs) in a loop and is
// killed with SIGKILL at a random instant, several times over one store. After each
// kill the reopened store must hold a whole prefix of the chain and nothing more.
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashHeader } from '../../src/core/header.ts'
import { BlockStore } from '../../src/store/block-store.ts'
import { expectedAccounts, nextBlock } from './chain-script.ts'
import { makeProof, makeQc } from './fixtures.ts'

const LOOP = fileURLToPath(new URL('./append-loop.ts', import.meta.url))
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zklight-crash-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Runs the append loop until it has reported `minBlocks` more heights, waits `extraMs`, then SIGKILLs it. */
function runAndKill(minBlocks: number, extraMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOOP, dir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let reported = -1
    let seen = 0
    let stderr = ''
    let killing = false
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        reported = Number(line)
        seen++
      }
      if (seen >= minBlocks && !killing) {
        killing = true
        setTimeout(() => child.kill('SIGKILL'), extraMs)
      }
    })
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    child.on('error', reject)
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`append loop exited on its own: ${stderr}`))
      else resolve(reported)
    })
  })
}

describe('BlockStore after SIGKILL', () => {
  const rounds = [
    { minBlocks: 15, extraMs: 0 },
    { minBlocks: 10, extraMs: 7 },
    { minBlocks: 20, extraMs: 3 },
    { minBlocks: 5, extraMs: 11 },
  ]
  let lastHead = -1

  for (const [i, round] of rounds.entries()) {
    it(`round ${i + 1}: holds a whole prefix of the chain`, async () => {
      const reported = await runAndKill(round.minBlocks, round.extraMs)
      const store = await BlockStore.open(dir)
      try {
        const head = store.head()
        expect(head).toBeDefined()
        // Every height the child reported had its batch resolved, so it survived; the chain only grows.
        expect(head!).toBeGreaterThanOrEqual(reported)
        expect(head!).toBeGreaterThan(lastHead)
        lastHead = head!

        let parent
        for (let h = 0; h <= head!; h++) {
          const block = await store.getBlock(h)
          expect(block).toEqual(nextBlock(h, parent))
          expect(await store.getHeader(h)).toEqual(block!.header)
          expect(await store.getQc(h)).toEqual(h === 0 ? undefined : makeQc(block!))
          expect(await store.heightOf(hashHeader(block!.header))).toBe(h)
          const proof = await store.getProof(h)
          if (proof !== undefined) expect(proof).toEqual(makeProof(h))
          // provenHeight promises a proof for every block at or below it that needs one.
          if (h > 0 && h <= store.provenHeight()! && block!.transfers.length > 0) expect(proof).toBeDefined()
          parent = block
        }
        // Nothing of the next block is visible: no half-written append.
        const next = nextBlock(head! + 1, parent)
        expect(await store.getBlock(head! + 1)).toBeUndefined()
        expect(await store.getHeader(head! + 1)).toBeUndefined()
        expect(await store.getQc(head! + 1)).toBeUndefined()
        expect(await store.heightOf(hashHeader(next.header))).toBeUndefined()
        expect(await store.loadAccounts()).toEqual(expectedAccounts(head!))
        expect(await store.loadAccounts(Math.max(0, head! - 4))).toEqual(expectedAccounts(Math.max(0, head! - 4)))
        expect(store.provenHeight()!).toBeLessThanOrEqual(head!)
      } finally {
        await store.close()
      }
    })
  }
})
