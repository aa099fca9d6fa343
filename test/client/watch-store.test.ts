// The framework-neutral stores (src/client/watch-store.ts) over a scripted client: a figure
// only while verified and fresh, its height and age, stale when the state ages past max-age,
// halted on a halt, pending heads apart, and snapshots that stay the same object until
// something changed (what React's useSyncExternalStore requires).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { watchBalance, watchHealth } from '../../src/client/watch-store.ts'
import { judgeFreshness } from '../../src/client/rules/freshness.ts'
import type { Header } from '../../src/core/types.ts'
import { balanceAt, FakeView } from './helpers/fake-view.ts'

const ADDRESS = 'zkl1test'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('judgeFreshness', () => {
  const fresh = { status: 'synced' as const, lagMs: 1_000, lagBlocks: 0 }
  it('passes a young synced view and names each rule that fails', () => {
    expect(judgeFreshness(fresh, { maxLagMs: 2_000 })).toEqual({ ok: true })
    expect(judgeFreshness({ ...fresh, status: 'halted' }, { maxLagMs: 2_000 })).toEqual({ ok: false, reason: 'halted' })
    expect(judgeFreshness({ ...fresh, status: 'stale' }, { maxLagMs: 2_000 })).toEqual({ ok: false, reason: 'stale' })
    expect(judgeFreshness({ ...fresh, lagMs: 2_001 }, { maxLagMs: 2_000 })).toEqual({ ok: false, reason: 'too-old' })
    expect(judgeFreshness({ ...fresh, lagMs: Infinity }, { maxLagMs: 2_000 })).toEqual({ ok: false, reason: 'too-old' })
    expect(judgeFreshness({ ...fresh, lagMs: NaN }, { maxLagMs: 2_000 })).toEqual({ ok: false, reason: 'too-old' })
    expect(judgeFreshness({ ...fresh, lagBlocks: 3 }, { maxLagMs: 2_000, maxLagBlocks: 2 })).toEqual({ ok: false, reason: 'too-far-behind' })
    expect(judgeFreshness({ ...fresh, lagBlocks: 3 }, { maxLagMs: 2_000 })).toEqual({ ok: true })
  })
})

describe('watchBalance', () => {
  it('shows a figure only once verified, with its height and age; stale past max-age; verified again on a new head', async () => {
    const c = new FakeView()
    c.balance = async () => balanceAt(c.h.verifiedHeight, 500n)
    const store = watchBalance(c, ADDRESS, { maxAgeMs: 3_000 })
    expect(store.getSnapshot()).toEqual({ address: ADDRESS, state: 'loading' })
    const seen: string[] = []
    const off = store.subscribe(() => seen.push(store.getSnapshot().state))
    await vi.advanceTimersByTimeAsync(0)
    // Nothing verified yet: the query answered (height 0) but the view has no verified head (lag Infinity).
    expect(store.getSnapshot().balance).toBeUndefined()
    c.verify(5, 200)
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getSnapshot()).toMatchObject({ state: 'verified', balance: 500n, height: 5, ageMs: 200 })
    // No new head for a while: the figure ages with the block it is from, and goes once too old.
    c.h.lagMs = 3_500
    await vi.advanceTimersByTimeAsync(3_300)
    expect(store.getSnapshot()).toMatchObject({ state: 'stale', height: 5, why: 'too-old' })
    expect(store.getSnapshot().balance).toBeUndefined()
    c.balance = async () => balanceAt(c.h.verifiedHeight, 480n)
    c.verify(6, 100)
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getSnapshot()).toMatchObject({ state: 'verified', balance: 480n, height: 6 })
    expect(seen).toContain('stale')
    off()
  })

  it('dates an answer below the tip by its own block, not by the newer tip', async () => {
    const c = new FakeView()
    c.verify(7, 4_000) // block 7 is 4 s old when its head is seen
    c.balance = async () => balanceAt(7, 1n)
    const store = watchBalance(c, ADDRESS, { maxAgeMs: 10_000 })
    const off = store.subscribe(() => {})
    await vi.advanceTimersByTimeAsync(0)
    c.balance = async () => {
      // Block 8 is verified while the query for it is answered at 7.
      c.h = { ...c.h, verifiedHeight: 8, lagMs: 0 }
      return balanceAt(7, 1n)
    }
    c.events.emit('head', { height: 8, hash: 'h8', header: { height: 8, timestamp: Date.now() } as Header, stateRoot: 8n, verified: true })
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getSnapshot().height).toBe(7)
    expect(store.getSnapshot().ageMs).toBeGreaterThanOrEqual(4_000)
    off()
  })

  it('says halted, and names the error a failed query threw', async () => {
    const c = new FakeView()
    c.verify(3)
    c.balance = async () => {
      throw Object.assign(new Error('x'), { name: 'NoVerifiedAnswer' })
    }
    const store = watchBalance(c, ADDRESS, { maxAgeMs: 3_000 })
    const off = store.subscribe(() => {})
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getSnapshot()).toEqual({ address: ADDRESS, state: 'error', why: 'NoVerifiedAnswer' })
    // Retried on its own, without a new head.
    c.balance = async () => balanceAt(3, 9n)
    await vi.advanceTimersByTimeAsync(2_100)
    expect(store.getSnapshot()).toMatchObject({ state: 'verified', balance: 9n })
    c.h.status = 'halted'
    c.events.emit('status', { status: 'halted', reason: 'equivocation' })
    expect(store.getSnapshot()).toEqual({ address: ADDRESS, state: 'halted', why: 'halted' })
    off()
  })

  it('keeps one snapshot object until something changes, and stops listening without subscribers', async () => {
    const c = new FakeView()
    c.verify(2)
    c.balance = async () => balanceAt(2, 7n)
    const store = watchBalance(c, ADDRESS, { maxAgeMs: 60_000 })
    const off = store.subscribe(() => {})
    await vi.advanceTimersByTimeAsync(0)
    const a = store.getSnapshot()
    expect(store.getSnapshot()).toBe(a)
    expect(Object.isFrozen(a)).toBe(true)
    await vi.advanceTimersByTimeAsync(1_000) // the age moved: a new object
    expect(store.getSnapshot()).not.toBe(a)
    off()
    const calls = c.calls.length
    c.verify(3)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(c.calls.length).toBe(calls)
  })
})

describe('watchHealth', () => {
  it('reports fresh as verified, lists pending heads apart until verified or dropped, and says stale or halted', async () => {
    const c = new FakeView()
    const store = watchHealth(c, { maxAgeMs: 3_000 })
    const off = store.subscribe(() => {})
    expect(store.getSnapshot()).toMatchObject({ state: 'syncing', why: 'too-old' })
    c.verify(4, 100)
    expect(store.getSnapshot()).toMatchObject({ state: 'verified', verifiedHeight: 4, ageMs: 100, pending: [] })
    const pending = (height: number) => ({ height, hash: `p${height}`, header: { height } as Header, verified: false as const })
    c.events.emit('pending', pending(6))
    c.events.emit('pending', pending(5))
    expect(store.getSnapshot().pending).toEqual([
      { height: 5, hash: 'p5' },
      { height: 6, hash: 'p6' },
    ])
    c.events.emit('dropped', { height: 6, hash: 'p6', header: { height: 6 } as Header, reason: 'proof-invalid', peer: 'x' })
    c.verify(5, 0)
    expect(store.getSnapshot().pending).toEqual([])
    c.h = { ...c.h, lagMs: 3_500 }
    await vi.advanceTimersByTimeAsync(1_000)
    expect(store.getSnapshot()).toMatchObject({ state: 'stale', why: 'too-old' })
    c.h = { ...c.h, status: 'halted', reason: 'equivocation' }
    c.events.emit('status', { status: 'halted', reason: 'equivocation' })
    expect(store.getSnapshot()).toMatchObject({ state: 'halted', reason: 'equivocation' })
    off()
  })
})
