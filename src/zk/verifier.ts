// Groth16 verification straight on ffjavascript's curve (no snarkjs worker
// round-trips): signal count and range first — snarkjs's verify would treat a
// short signal array as if the missing inputs were 0 — then point checks, then
// one multi-pairing.
import { FIELD_MODULUS } from '../core/constants.ts'
import type { Verdict } from '../core/types.ts'
import { getCurve } from './curve.ts'
import { decodeProofPoints } from './proof-codec.ts'
import { parseSetupRecord } from './setup-record.ts'

export type ProofReason = 'signal-count' | 'signal-range' | 'bad-encoding' | 'not-on-curve' | 'proof-invalid'

export class BadVerificationKey extends Error {
  override name = 'BadVerificationKey'
}

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
  const curve = await getCurve()
  const vk = json as Record<string, any>
  try {
    if (vk.protocol !== 'groth16' || vk.curve !== 'bn128') throw new BadVerificationKey('not a Groth16 BN254 verification key')
    const nPublic = vk.nPublic
    if (!Number.isInteger(nPublic) || nPublic < 0 || !Array.isArray(vk.IC) || vk.IC.length !== nPublic + 1) {
      throw new BadVerificationKey('IC does not match nPublic')
    }
    const g1 = (p: unknown) => checkedG1(curve, p)
    const g2 = (p: unknown) => checkedG2(curve, p)
    const key: PreparedKey = {
      curve,
      nPublic,
      alpha1: g1(vk.vk_alpha_1),
      beta2: g2(vk.vk_beta_2),
      gamma2: g2(vk.vk_gamma_2),
      delta2: g2(vk.vk_delta_2),
      ic: (vk.IC as unknown[]).map(g1),
      setup: parseSetupRecord(vk.zklightSetup)?.class ?? 'unknown',
    }
    // delta = gamma means no phase-2 contribution: anyone could forge (A=alpha, B=beta, C=-vk_x).
    if (curve.G2.eq(key.delta2, key.gamma2)) throw new BadVerificationKey('delta equals gamma: the setup has no phase-2 contribution')
    return key
  } catch (err) {
    if (err instanceof BadVerificationKey) throw err
    throw new BadVerificationKey(`malformed verification key: ${err instanceof Error ? err.message : String(err)}`)
  }
}

function checkedG1(curve: any, p: unknown): Uint8Array {
  const pt = curve.G1.fromObject((p as unknown[]).map((x) => BigInt(x as string)))
  if (!curve.G1.isValid(pt) || curve.G1.isZero(pt)) throw new BadVerificationKey('G1 point not on the curve')
  return pt
}

function checkedG2(curve: any, p: unknown): Uint8Array {
  const pt = curve.G2.fromObject((p as unknown[][]).map((c) => c.map((x) => BigInt(x as string))))
  if (!isInG2(curve, pt)) throw new BadVerificationKey('G2 point not in the group')
  return pt
}

/** On the twist and in the prime-order subgroup (r·P = 0). */
function isInG2(curve: any, pt: Uint8Array): boolean {
  if (curve.G2.isZero(pt) || !curve.G2.isValid(pt)) return false
  return curve.G2.isZero(curve.G2.timesScalar(pt, curve.r))
}

/** Structural checks of one proof against a key; no pairing yet. */
export function checkProof(key: PreparedKey, proof: Uint8Array, signals: readonly bigint[]): { ok: true; value: CheckedProof } | { ok: false; reason: ProofReason } {
  if (!Array.isArray(signals) || signals.length !== key.nPublic) return { ok: false, reason: 'signal-count' }
  for (const s of signals) if (typeof s !== 'bigint' || s < 0n || s >= FIELD_MODULUS) return { ok: false, reason: 'signal-range' }
  const d = decodeProofPoints(proof)
  if (!d.ok) return { ok: false, reason: 'bad-encoding' }
  const { G1, G2 } = key.curve
  const a = G1.fromObject([d.value.a[0], d.value.a[1], 1n])
  const c = G1.fromObject([d.value.c[0], d.value.c[1], 1n])
  const b = G2.fromObject([d.value.b[0], d.value.b[1], [1n, 0n]])
  if (!G1.isValid(a) || !G1.isValid(c) || !isInG2(key.curve, b)) return { ok: false, reason: 'not-on-curve' }
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
