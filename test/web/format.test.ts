// How the page writes durations: an age that is not known yet (Infinity before the
// checkpoint header is known) reads as a dash, never "Infinity ms".
import { describe, expect, it } from 'vitest'
import { formatDuration } from '../../src/web/app/format.ts'

describe('formatDuration', () => {
  it('writes ms, s, min and h, and a dash for what is not known', () => {
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(3_240)).toBe('3.2 s')
    expect(formatDuration(245_000)).toBe('4 min 05 s')
    expect(formatDuration(7_380_000)).toBe('2 h 03 min')
    expect(formatDuration(Infinity)).toBe('—')
    expect(formatDuration(Number.NaN)).toBe('—')
  })
})
