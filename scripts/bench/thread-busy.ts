// How busy each thread of a Chromium page was while it synced, from a Chromium trace:
// the time covered by its top-level tasks (category "toplevel") after a user-timing
// mark. It says whether a cold sync waits on the verifier workers (both busy all along)
// or on something else (the page thread, WebRTC's threads, gaps with every thread idle).

/** Busy milliseconds of one thread in the window, and its name as Chromium gave it. */
export interface ThreadBusy {
  thread: string
  busyMs: number
}

interface TraceEvent {
  ph: string
  name: string
  cat?: string
  pid: number
  tid: number
  ts: number
  dur?: number
  args?: { name?: string }
}

/** Categories the trace must record for `threadBusy`. */
export const BUSY_TRACE_CATEGORIES = ['toplevel', 'blink.user_timing', '__metadata']

/**
 * Busy time per renderer thread from `mark` (a performance.mark name the page set) to the
 * end of the trace. Overlapping or nested top-level tasks count once (intervals merged).
 */
export function threadBusy(traceJson: string, mark: string): { windowMs: number; threads: ThreadBusy[] } {
  const parsed = JSON.parse(traceJson) as { traceEvents?: TraceEvent[] } | TraceEvent[]
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? [])
  const at = events.find((e) => e.name === mark && (e.cat ?? '').includes('blink.user_timing'))
  if (!at) throw new Error(`trace has no user-timing mark "${mark}"`)
  const names = new Map<string, string>()
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) names.set(`${e.pid}:${e.tid}`, e.args.name)
  const intervals = new Map<string, Array<[number, number]>>()
  let end = at.ts
  for (const e of events) {
    end = Math.max(end, e.ts + (e.dur ?? 0))
    if (e.ph !== 'X' || e.dur === undefined || !(e.cat ?? '').split(',').includes('toplevel')) continue
    const start = Math.max(e.ts, at.ts)
    const stop = e.ts + e.dur
    if (stop <= start || e.pid !== at.pid) continue // the renderer that set the mark only
    const key = `${e.pid}:${e.tid}`
    const list = intervals.get(key) ?? []
    list.push([start, stop])
    intervals.set(key, list)
  }
  const threads: ThreadBusy[] = []
  for (const [key, list] of intervals) {
    list.sort((a, b) => a[0] - b[0])
    let busy = 0
    let [s, t] = list[0] as [number, number]
    for (const [a, b] of list.slice(1)) {
      if (a > t) {
        busy += t - s
        ;[s, t] = [a, b]
      } else t = Math.max(t, b)
    }
    busy += t - s
    threads.push({ thread: names.get(key) ?? key, busyMs: busy / 1000 })
  }
  threads.sort((a, b) => b.busyMs - a.busyMs)
  return { windowMs: (end - at.ts) / 1000, threads }
}

/** A V8 CPU profile (CDP Profiler.stop) as far as `topSelfTime` reads it. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[]
  samples?: number[]
  timeDeltas?: number[]
}

/** The functions the profiled thread spent most time in themselves (not in their callees), in ms. */
export function topSelfTime(profile: CpuProfile, n: number): { fn: string; ms: number }[] {
  const byNode = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  // Each sample's time is the gap to the next one (microseconds).
  for (let i = 0; i < samples.length; i++) byNode.set(samples[i] as number, (byNode.get(samples[i] as number) ?? 0) + ((deltas[i + 1] ?? 0) as number))
  const byFn = new Map<string, number>()
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0
    if (us === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    const file = url.split('/').pop() ?? ''
    const key = `${functionName || '(anonymous)'} ${file}${file ? `:${lineNumber + 1}` : ''}`
    byFn.set(key, (byFn.get(key) ?? 0) + us)
  }
  return [...byFn.entries()]
    .map(([fn, us]) => ({ fn, ms: us / 1000 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n)
}
