// What batch verification takes and returns, and the part both backends share: per-proof
// structural checks, one combined pairing check per group, bisection to name the bad ones.
import { bytesToBigInt } from '../core/bytes.ts'
import type { RandomBytes } from '../core/platform.ts'
import type { ProofReason } from './proof-input.ts'
import type { BatchItem, BatchResult } from './proof-verifier.ts'

/**
 * Weights of one combined check: 1 for a lone proof (the check is then exactly the single
 * verification), otherwise fresh nonzero 128-bit values, so a bad proof slips through with
 * probability ~2^-128. They must come from a CSPRNG the prover cannot predict, never from the proofs.
 */
export function drawWeights(n: number, random: RandomBytes): bigint[] {
  if (n === 1) return [1n]
  return Array.from({ length: n }, () => {
    for (;;) {
      const r = bytesToBigInt(random(16))
      if (r !== 0n) return r
    }
  })
}

/**
 * Runs `check` on every item (an item it rejects is bad at once, for the reason it gives),
 * then `combined` on the rest; a failing group is split in halves until each bad proof
 * stands alone ('proof-invalid': a lone proof's check is the single verification). Returns
 * every bad index, in order, with its reason.
 */
export async function verifyInGroups<T>(
  items: readonly BatchItem[],
  check: (item: BatchItem) => { ok: true; value: T } | { ok: false; reason: ProofReason },
  combined: (group: T[]) => Promise<boolean>,
): Promise<BatchResult> {
  const bad = new Map<number, ProofReason>()
  const good: { index: number; value: T }[] = []
  items.forEach((item, index) => {
    const c = check(item)
    if (c.ok) good.push({ index, value: c.value })
    else bad.set(index, c.reason)
  })
  const bisect = async (group: { index: number; value: T }[]): Promise<void> => {
    if (group.length === 0) return
    if (await combined(group.map((g) => g.value))) return
    if (group.length === 1) {
      bad.set((group[0] as { index: number }).index, 'proof-invalid')
      return
    }
    const mid = Math.ceil(group.length / 2)
    await bisect(group.slice(0, mid))
    await bisect(group.slice(mid))
  }
  await bisect(good)
  if (bad.size === 0) return { ok: true }
  const indices = [...bad.keys()].sort((x, y) => x - y)
  return { ok: false, bad: indices, reasons: indices.map((i) => bad.get(i) as ProofReason) }
}
