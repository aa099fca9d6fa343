// Batch Groth16 verification on the reference (ffjavascript) backend: k proofs under one
// key checked with a random linear combination and a single multi-pairing; on failure,
// bisection names the bad ones (batch.ts).
import { FIELD_MODULUS } from '../core/constants.ts'
import type { RandomBytes } from '../core/platform.ts'
import { drawWeights, verifyInGroups } from './batch.ts'
import type { BatchItem, BatchResult } from './proof-verifier.ts'
import { checkProof, linearCombination, type CheckedProof, type PreparedKey } from './verifier.ts'

/**
 * Checks Π e(r_i·A_i, B_i) = e(Σr_i·α, β) · e(Σr_i·vk_x_i, γ) · e(Σr_i·C_i, δ) with
 * fresh 128-bit weights r_i (see drawWeights).
 */
export async function verifyBatch(key: PreparedKey, items: readonly BatchItem[], random: RandomBytes): Promise<BatchResult> {
  return verifyInGroups(
    items,
    (item) => checkProof(key, item.proof, item.signals),
    (group) => combinedCheck(key, group, random),
  )
}

async function combinedCheck(key: PreparedKey, proofs: CheckedProof[], random: RandomBytes): Promise<boolean> {
  const { curve } = key
  const { G1 } = curve
  const weights = drawWeights(proofs.length, random)
  const args: Uint8Array[] = []
  let sumR = 0n
  const signalWeights: bigint[] = new Array(key.nPublic).fill(0n)
  let sumC = G1.zero
  proofs.forEach((p, i) => {
    const r = weights[i] as bigint
    sumR = (sumR + r) % FIELD_MODULUS
    p.signals.forEach((s, j) => (signalWeights[j] = ((signalWeights[j] as bigint) + r * s) % FIELD_MODULUS))
    args.push(G1.neg(G1.timesScalar(p.a, r)), p.b)
    sumC = G1.add(sumC, G1.timesScalar(p.c, r))
  })
  const vkX = linearCombination(key, signalWeights, sumR)
  args.push(G1.timesScalar(key.alpha1, sumR), key.beta2, vkX, key.gamma2, sumC, key.delta2)
  return (await curve.pairingEq(...args)) === true
}
