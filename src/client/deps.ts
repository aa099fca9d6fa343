// The edges the light client depends on, as small interfaces so tests can inject
// them: a clock, a proof verifier (workers in production), and randomness.

export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

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

/** Random bytes (crypto.getRandomValues by default); injected so tests are reproducible. */
export type RandomSource = (n: number) => Uint8Array

export const systemRandom: RandomSource = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n))

/** One Groth16 proof and the public signals it must verify against: [oldRoot, newRoot, txRoot]. */
export interface ProofItem {
  proof: Uint8Array
  signals: bigint[]
}

export type BatchVerdict = { ok: true } | { ok: false; bad: number[] }

/**
 * Verifies proofs off the main thread. `bad` lists the indices of the items that
 * fail; an implementation must find every bad item, not just report the batch failed.
 */
export interface ProofVerifier {
  verifyBatch(items: ProofItem[]): Promise<BatchVerdict>
  close(): Promise<void>
}

/** A performance mark for start-up timelines (benchmarks read them); a no-op where unsupported. */
export function mark(name: string): void {
  globalThis.performance?.mark?.(name)
}
