// The cross-process lock around circuit builds: one holder at a time, and a lock
// left by a process that died is taken over instead of waited on forever.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { acquireBuildLock } from '../../src/zk/artifacts.ts'

const dir = mkdtempSync(join(tmpdir(), 'zklight-lock-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('circuit build lock', () => {
  it('makes a second taker wait until the first releases', async () => {
    // The waiting taker looks again every 500 ms: on a simulated clock, many looks pass at once.
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    try {
      const path = join(dir, 'a.lock')
      const order: string[] = []
      const release1 = await acquireBuildLock(path, () => {}, 'test')
      const second = acquireBuildLock(path, (m) => order.push(m), 'test').then((r) => {
        order.push('second acquired')
        return r
      })
      expect(order.filter((m) => m.includes('waiting for process'))).toHaveLength(1)
      await vi.advanceTimersByTimeAsync(10_000)
      expect(vi.getTimerCount()).toBe(1) // still looking
      expect(order).not.toContain('second acquired')
      order.push('first released')
      release1()
      await vi.advanceTimersByTimeAsync(500)
      const release2 = await second
      expect(order).toEqual([expect.stringContaining('waiting for process'), 'first released', 'second acquired'])
      release2()
      expect(existsSync(path)).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })

  it('creates the folder the lock lives in (a clean checkout has no cache yet)', async () => {
    const path = join(dir, 'not-yet', 'made', 'c.lock')
    const release = await acquireBuildLock(path, () => {}, 'test')
    expect(existsSync(path)).toBe(true)
    release()
  })

  it('takes over a lock whose holder is gone', async () => {
    const path = join(dir, 'b.lock')
    writeFileSync(path, '2147483646') // no such process
    const release = await acquireBuildLock(path, () => {}, 'test')
    release()
    expect(existsSync(path)).toBe(false)
  })
})
