// The platform edges the light client (and the node) run on: the system clock,
// the CSPRNG, waits and performance marks. The interfaces are in src/core/platform.ts
// so pure code can take them as arguments; tests inject their own.
import type { Clock, RandomBytes } from '../core/platform.ts'

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

/** Resolves after `ms` on `clock`, or early (without rejecting) when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clock.clearTimeout(handle)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const handle = clock.setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** crypto.getRandomValues: the default randomness (peer tie-breaks; proof batch weights are drawn inside the verifier workers). */
export const systemRandom: RandomBytes = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n))

/** Whether this is Node (not a browser or a worker), for the few places that pick a platform implementation. */
export function isNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; window?: unknown }
  return g.window === undefined && typeof g.process?.versions?.node === 'string'
}

/** A performance mark for start-up timelines (benchmarks read them); a no-op where unsupported. */
export function mark(name: string): void {
  globalThis.performance?.mark?.(name)
}

const marked = new Set<string>()

/** A start-up mark set once per page (the first status, the first range…), however often its moment recurs. */
export function markOnce(name: string): void {
  if (marked.has(name)) return
  marked.add(name)
  mark(name)
}
