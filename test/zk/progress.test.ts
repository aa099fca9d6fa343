// Progress lines: snarkjs's "i/n" lines move the percentage, a quiet stage still prints
// every few seconds, and a failed stage stops its ticker.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PROGRESS_TICK_MS, runStage, startStage, ZKEY_NEW_PHASES } from '../../src/zk/progress.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('progress stage', () => {
  it('prints percentages from snarkjs lines, at most every 2 s', () => {
    const lines: string[] = []
    const stage = startStage(
      (m) => lines.push(m),
      'zkey new',
      ZKEY_NEW_PHASES,
      () => Date.now(),
    )
    expect(lines).toEqual(['zkey new…'])
    vi.advanceTimersByTime(2_500)
    stage.logger.debug('Writing points end B2: 14000/28000')
    expect(lines.at(-1)).toBe('zkey new: 79% · 3 s')
    stage.logger.debug('Writing points end B2: 21000/28000') // too soon after the last line
    expect(lines).toHaveLength(2)
    stage.logger.debug('Writing points start C: 0/28000') // not a phase boundary we trust
    stage.end()
    expect(lines.at(-1)).toMatch(/^zkey new: done in 2\.5 s$/)
  })

  it('prints elapsed time when quiet, from the ticker', () => {
    const lines: string[] = []
    const stage = startStage(
      (m) => lines.push(m),
      'compile',
      [],
      () => Date.now(),
    )
    vi.advanceTimersByTime(PROGRESS_TICK_MS + 1_000)
    expect(lines).toEqual(['compile…', 'compile: 5 s'])
    vi.advanceTimersByTime(PROGRESS_TICK_MS)
    expect(lines.at(-1)).toBe('compile: 10 s')
    stage.end(true)
    vi.advanceTimersByTime(3 * PROGRESS_TICK_MS)
    expect(lines).toHaveLength(3)
  })

  it('prints updates from synchronous loops, which starve the ticker', () => {
    const lines: string[] = []
    const stage = startStage(
      (m) => lines.push(m),
      'ptau',
      [],
      () => Date.now(),
    )
    vi.setSystemTime(Date.now() + 2_100) // time passes inside a loop; no timer can fire
    stage.update(0.25)
    expect(lines.at(-1)).toBe('ptau: 25% · 2 s')
    stage.end(true)
  })

  it('keeps the last snarkjs error and stops ticking when the step throws', async () => {
    const lines: string[] = []
    await expect(
      runStage(
        (m) => lines.push(m),
        'zkey new',
        [],
        async (stage) => {
          stage.logger.error('circuit too big for this power of tau ceremony')
          throw new Error(stage.lastError())
        },
      ),
    ).rejects.toThrow(/too big/)
    vi.advanceTimersByTime(3 * PROGRESS_TICK_MS)
    expect(lines).toEqual(['zkey new…'])
  })
})
