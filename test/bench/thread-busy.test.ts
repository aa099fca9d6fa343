import { describe, expect, it } from 'vitest'
import { threadBusy, topSelfTime } from '../../scripts/bench/thread-busy.ts'

const meta = (tid: number, name: string) => ({ ph: 'M', name: 'thread_name', pid: 1, tid, ts: 0, args: { name } })
const task = (tid: number, ts: number, dur: number, pid = 1) => ({ ph: 'X', name: 'ThreadControllerImpl::RunTask', cat: 'toplevel', pid, tid, ts, dur })
const mark = { ph: 'R', name: 'zklight:first-dial', cat: 'blink.user_timing', pid: 1, tid: 1, ts: 10_000 }

describe('threadBusy (bench trace reading)', () => {
  it('counts each thread’s top-level tasks after the mark once, overlaps merged, other processes left out', () => {
    const trace = {
      traceEvents: [
        meta(1, 'CrRendererMain'),
        meta(2, 'DedicatedWorker thread'),
        mark,
        task(1, 5_000, 6_000), // 1 ms of it after the mark
        task(1, 12_000, 3_000),
        task(1, 13_000, 1_000), // nested in the one above
        task(2, 11_000, 4_000),
        task(2, 14_000, 4_000), // overlaps: 11..18 ms is 7 ms
        task(3, 10_000, 50_000, 2), // another process
        { ph: 'X', name: 'v8.compile', cat: 'v8', pid: 1, tid: 2, ts: 20_000, dur: 9_000 }, // not top-level
      ],
    }
    const got = threadBusy(JSON.stringify(trace), 'zklight:first-dial')
    expect(got.threads).toEqual([
      { thread: 'DedicatedWorker thread', busyMs: 7 },
      { thread: 'CrRendererMain', busyMs: 4 },
    ])
    expect(got.windowMs).toBe(50) // to the last event's end, 60 ms
  })

  it('refuses a trace without the mark', () => {
    expect(() => threadBusy(JSON.stringify([task(1, 0, 1)]), 'zklight:first-dial')).toThrow(/no user-timing mark/)
  })
})

describe('topSelfTime (bench profile reading)', () => {
  it('sums each function’s own samples, each worth the gap to the next sample, biggest first', () => {
    const frame = (functionName: string, url = 'http://x/app.js', lineNumber = 0) => ({ functionName, url, lineNumber })
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('check', 'http://x/app.js', 9) },
        { id: 3, callFrame: frame('hash', 'http://x/core.js', 41) },
        { id: 4, callFrame: frame('hash', 'http://x/core.js', 41) }, // the same function under another caller
      ],
      samples: [2, 3, 4, 3, 2],
      timeDeltas: [0, 1000, 2000, 3000, 500], // the last sample has no successor: it counts nothing
    }
    expect(topSelfTime(profile, 5)).toEqual([
      { fn: 'hash core.js:42', ms: 5.5 },
      { fn: 'check app.js:10', ms: 1 },
    ])
    expect(topSelfTime(profile, 1)).toHaveLength(1)
  })
})
