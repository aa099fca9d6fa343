// Batch Groth16 verification: k proofs under one key checked with a random linear
// combination and a single multi-pairing; on failure, bisection names the bad ones.
import { FIELD_MODULUS } from '../core/constants.ts'
import { bytesToBigInt } from '../core/bytes.ts'
import type { RandomBytes } from '../core/platform.ts'
import type { BatchItem, BatchResult } from './proof-verifier.ts'
import { checkProof, linearCombination, type CheckedProof, type PreparedKey } from './verifier.ts'

/**
 * Checks Π e(r_i·A_i, B_i) = e(Σr_i·α, β) · e(Σr_i·vk_x_i, γ) · e(Σr_i·C_i, δ) with
 * fresh 128-bit weights r_i, so a bad proof slips through with probability ~2^-128.
 * The weights must come from a CSPRNG the prover cannot predict, never from the proofs.
 */
export async function verifyBatch(key: PreparedKey, items: readonly BatchItem[], random: RandomBytes): Promise<BatchResult> {
  const bad: number[] = []
  const good: { index: number; proof: CheckedProof }[] = []
  items.forEach((item, index) => {
    const c = checkProof(key, item.proof, item.signals)
    if (c.ok) good.push({ index, proof: c.value })
    else bad.push(index)
  })
  await bisect(key, good, random, bad)
  bad.sort((x, y) => x - y)
  return bad.length === 0 ? { ok: true } : { ok: false, bad }
}

async function bisect(key: PreparedKey, group: { index: number; proof: CheckedProof }[], random: RandomBytes, bad: number[]): Promise<void> {
  if (group.length === 0) return
  if (
    await combinedCheck(
      key,
      group.map((g) => g.proof),
      random,
    )
  )
    return
  if (group.length === 1) {
    bad.push((group[0] as { index: number }).index)
    return
  }
  const mid = Math.ceil(group.length / 2)
  await bisect(key, group.slice(0, mid), random, bad)
  await bisect(key, group.slice(mid), random, bad)
}

function weight(random: RandomBytes): bigint {
  for (;;) {
    const r = bytesToBigInt(random(16))
    if (r !== 0n) return r
  }
}

async function combinedCheck(key: PreparedKey, proofs: CheckedProof[], random: RandomBytes): Promise<boolean> {
  const { curve } = key
  const { G1 } = curve
  const args: Uint8Array[] = []
  let sumR = 0n
  const signalWeights: bigint[] = new Array(key.nPublic).fill(0n)
  let sumC = G1.zero
  for (const p of proofs) {
    const r = proofs.length === 1 ? 1n : weight(random)
    sumR = (sumR + r) % FIELD_MODULUS
    p.signals.forEach((s, j) => (signalWeights[j] = ((signalWeights[j] as bigint) + r * s) % FIELD_MODULUS))
    args.push(G1.neg(G1.timesScalar(p.a, r)), p.b)
    sumC = G1.add(sumC, G1.timesScalar(p.c, r))
  }
  const vkX = linearCombination(key, signalWeights, sumR)
  args.push(G1.timesScalar(key.alpha1, sumR), key.beta2, vkX, key.gamma2, sumC, key.delta2)
  return (await curve.pairingEq(...args)) === true
}
