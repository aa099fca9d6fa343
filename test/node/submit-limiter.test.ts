// The per-peer submit bucket: a burst, then refusals until time refills it; exempt peers
// (a validator's fellow validators relaying what they accepted) are never refused.
import { describe, expect, it } from 'vitest'
import { SubmitLimiter } from '../../src/node/submit-limiter.ts'

describe('SubmitLimiter', () => {
  it('refuses past the burst, refills with time, and never limits an exempt peer', () => {
    let now = 0
    const limiter = new SubmitLimiter({ now: () => now }, { burst: 3, perSecond: 2 }, new Set(['validator-peer']))
    expect([1, 2, 3, 4].map(() => limiter.take('client'))).toEqual([true, true, true, false])
    expect(Array.from({ length: 50 }, () => limiter.take('validator-peer')).every(Boolean)).toBe(true)
    now += 500
    expect([limiter.take('client'), limiter.take('client')]).toEqual([true, false])
  })
})
