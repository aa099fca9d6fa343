// Groth16 verification straight on ffjavascript's curve (no snarkjs worker round-trips):
// the reference backend, kept to cross-check the mcl-wasm one. Signal count and range
// first — snarkjs's verify would treat a short signal array as if the missing inputs
// were 0 — then point checks, then one multi-pairing.
import type { Verdict } from '../core/types.ts'
import { getCurve } from './curve.ts'
import { decodeProofInput, type ProofReason } from './proof-input.ts'
import { BadVerificationKey, parseVerificationKey, type G1Affine, type G2Affine } from './verification-key.ts'

export { BadVerificationKey } from './verification-key.ts'
export type { ProofReason } from './proof-input.ts'

/** A verification key parsed once into curve points. */
export interface PreparedKey {
  curve: any
  nPublic: number
  alpha1: Uint8Array
  beta2: Uint8Array
  gamma2: Uint8Array
  delta2: Uint8Array
  ic: Uint8Array[]
  /** The setup class from the key's metadata (setup-record.ts), or 'unknown'. */
  setup: string
}

/** Internal curve points of one proof, after every structural check passed. */
export interface CheckedProof {
  a: Uint8Array
  b: Uint8Array
  c: Uint8Array
  signals: bigint[]
}

export async function loadVerificationKey(json: unknown): Promise<PreparedKey> {
  const vk = parseVerificationKey(json)
  const curve = await getCurve()
  const g1 = (p: G1Affine, what: string) => {
    const pt = toG1(curve, p)
    if (!isOnG1(curve, pt)) throw new BadVerificationKey(`${what}: not on the curve`)
    return pt
  }
  const g2 = (p: G2Affine, what: string) => {
    const pt = toG2(curve, p)
    if (!isOnTwist(curve, pt) || !isInG2(curve, pt)) throw new BadVerificationKey(`${what}: not in G2`)
    return pt
  }
  const key: PreparedKey = {
    curve,
    nPublic: vk.nPublic,
    alpha1: g1(vk.alpha1, 'vk_alpha_1'),
    beta2: g2(vk.beta2, 'vk_beta_2'),
    gamma2: g2(vk.gamma2, 'vk_gamma_2'),
    delta2: g2(vk.delta2, 'vk_delta_2'),
    ic: vk.ic.map((p, i) => g1(p, `IC[${i}]`)),
    setup: vk.setup,
  }
  // delta = gamma means no phase-2 contribution: anyone could forge (A=alpha, B=beta, C=-vk_x).
  if (curve.G2.eq(key.delta2, key.gamma2)) throw new BadVerificationKey('delta equals gamma: the setup has no phase-2 contribution')
  return key
}

const toG1 = (curve: any, p: G1Affine): Uint8Array => curve.G1.fromObject([p[0], p[1], 1n])
const toG2 = (curve: any, p: G2Affine): Uint8Array => curve.G2.fromObject([p[0], p[1], [1n, 0n]])

// ffjavascript reads the affine pair (0, 0) as the point at infinity; the encoding has no
// such point and (0, 0) is not on either curve, so it is refused with the off-curve points.
const isOnG1 = (curve: any, pt: Uint8Array): boolean => !curve.G1.isZero(pt) && curve.G1.isValid(pt)
const isOnTwist = (curve: any, pt: Uint8Array): boolean => !curve.G2.isZero(pt) && curve.G2.isValid(pt)

/** In the prime-order subgroup: r·P = 0, the slow way (a full 254-bit scalar multiplication). */
function isInG2(curve: any, pt: Uint8Array): boolean {
  return curve.G2.isZero(curve.G2.timesScalar(pt, curve.r))
}

/** Structural checks of one proof against a key; no pairing yet. */
export function checkProof(key: PreparedKey, proof: Uint8Array, signals: readonly bigint[]): { ok: true; value: CheckedProof } | { ok: false; reason: ProofReason } {
  const d = decodeProofInput(key.nPublic, proof, signals)
  if (!d.ok) return d
  const { curve } = key
  const a = toG1(curve, d.value.a)
  const b = toG2(curve, d.value.b)
  const c = toG1(curve, d.value.c)
  if (!isOnG1(curve, a) || !isOnTwist(curve, b) || !isOnG1(curve, c)) return { ok: false, reason: 'not-on-curve' }
  if (!isInG2(curve, b)) return { ok: false, reason: 'not-in-subgroup' }
  return { ok: true, value: { a, b, c, signals: [...signals] } }
}

/** vk_x = IC0 + Σ scalar_i · IC_(i+1). */
export function linearCombination(key: PreparedKey, scalars: readonly bigint[], ic0Weight: bigint): Uint8Array {
  const G1 = key.curve.G1
  let acc = G1.timesScalar(key.ic[0], ic0Weight)
  scalars.forEach((s, i) => {
    if (s !== 0n) acc = G1.add(acc, G1.timesScalar(key.ic[i + 1], s))
  })
  return acc
}

export async function verifyProof(key: PreparedKey, proof: Uint8Array, signals: readonly bigint[]): Promise<Verdict<ProofReason>> {
  const checked = checkProof(key, proof, signals)
  if (!checked.ok) return checked
  const { a, b, c } = checked.value
  const { curve } = key
  const vkX = linearCombination(key, checked.value.signals, 1n)
  const ok = await curve.pairingEq(curve.G1.neg(a), b, vkX, key.gamma2, c, key.delta2, key.alpha1, key.beta2)
  return ok ? { ok: true } : { ok: false, reason: 'proof-invalid' }
}
