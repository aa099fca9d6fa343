// A Groth16 verification key with a known trapdoor, and proofs made from it without a
// circuit: any public-signal count, so the verifiers are tested for a generic nPublic.
// The proofs satisfy exactly the verification equation e(A,B) = e(α,β)·e(vk_x,γ)·e(C,δ).
import { getCurve } from '../../../src/zk/curve.ts'
import { proofToBytes } from '../../../src/zk/proof-codec.ts'
import { R, randomScalar } from './curve-points.ts'

const modR = (a: bigint) => ((a % R) + R) % R

function inverse(a: bigint): bigint {
  let [result, base, e] = [1n, modR(a), R - 2n]
  while (e > 0n) {
    if (e & 1n) result = (result * base) % R
    base = (base * base) % R
    e >>= 1n
  }
  return result
}

export interface SimulatedSetup {
  vk: Record<string, unknown>
  prove(signals: readonly bigint[]): Uint8Array
}

export async function simulateSetup(nPublic: number): Promise<SimulatedSetup> {
  const { G1, G2 } = await getCurve()
  const str = (o: unknown): unknown => (Array.isArray(o) ? o.map(str) : String(o))
  const g1 = (k: bigint) => str(G1.toObject(G1.toAffine(G1.timesScalar(G1.g, k))))
  const g2 = (k: bigint) => str(G2.toObject(G2.toAffine(G2.timesScalar(G2.g, k))))
  const [alpha, beta, gamma, delta] = [randomScalar(), randomScalar(), randomScalar(), randomScalar()]
  const ic = Array.from({ length: nPublic + 1 }, randomScalar)
  const vk = {
    protocol: 'groth16',
    curve: 'bn128',
    nPublic,
    vk_alpha_1: g1(alpha),
    vk_beta_2: g2(beta),
    vk_gamma_2: g2(gamma),
    vk_delta_2: g2(delta),
    IC: ic.map(g1),
  }
  return {
    vk,
    prove(signals) {
      const vkX = signals.reduce((acc, s, i) => acc + s * (ic[i + 1] as bigint), ic[0] as bigint)
      const [a, b] = [randomScalar(), randomScalar()]
      const c = modR((a * b - alpha * beta - gamma * vkX) * inverse(delta))
      return proofToBytes({ pi_a: g1(a) as string[], pi_b: g2(b) as string[][], pi_c: g1(c) as string[] })
    },
  }
}
