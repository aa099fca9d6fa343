// One BN254 curve instance per process or worker: its set-up costs 250–350 ms
// (docs/performance.md), so it is built once, lazily, and terminated on shutdown.
import { buildBn128 } from 'ffjavascript'

let curve: Promise<any> | undefined

/**
 * The shared curve. Single-threaded mode: verification work is spread across our
 * own worker pool instead, and ffjavascript's internal workers would only add
 * message round-trips to each pairing.
 */
export function getCurve(): Promise<any> {
  const c = curve ?? (buildBn128(true) as Promise<any>)
  curve = c
  return c
}

/** Releases the curve so the process (or worker) can exit. */
export async function terminateCurve(): Promise<void> {
  const c = curve
  curve = undefined
  if (c) await (await c).terminate()
}
