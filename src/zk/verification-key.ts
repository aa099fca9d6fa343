// The structure of a snarkjs Groth16 verification key (JSON), read into affine
// coordinates that every verifier backend then checks against its curve.
import { BASE_FIELD_MODULUS } from '../core/constants.ts'
import type { ProofPoints } from './proof-codec.ts'

export class BadVerificationKey extends Error {
  override name = 'BadVerificationKey'
}

export type G1Affine = ProofPoints['a']
export type G2Affine = ProofPoints['b']

/** A key whose shape is right; whether its points lie on the curves is the backend's check. */
export interface VerificationKeyPoints {
  nPublic: number
  alpha1: G1Affine
  beta2: G2Affine
  gamma2: G2Affine
  delta2: G2Affine
  /** nPublic + 1 points: vk_x = IC[0] + Σ signal_i · IC[i+1]. */
  ic: G1Affine[]
  /** How the key was made ('insecure-dev' or 'ceremony'), as the circuit build labels it. */
  setup: string
}

/**
 * Groth16 over bn128 only, IC length = nPublic + 1, coordinates as decimal strings below q,
 * points affine (a third coordinate, as snarkjs writes it, must be 1). Throws BadVerificationKey.
 */
export function parseVerificationKey(json: unknown): VerificationKeyPoints {
  const vk = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>
  if (vk.protocol !== 'groth16' || vk.curve !== 'bn128') throw new BadVerificationKey('not a Groth16 BN254 verification key')
  const nPublic = vk.nPublic
  if (typeof nPublic !== 'number' || !Number.isInteger(nPublic) || nPublic < 0 || !Array.isArray(vk.IC) || vk.IC.length !== nPublic + 1) {
    throw new BadVerificationKey('IC does not match nPublic')
  }
  return {
    nPublic,
    alpha1: g1(vk.vk_alpha_1, 'vk_alpha_1'),
    beta2: g2(vk.vk_beta_2, 'vk_beta_2'),
    gamma2: g2(vk.vk_gamma_2, 'vk_gamma_2'),
    delta2: g2(vk.vk_delta_2, 'vk_delta_2'),
    ic: (vk.IC as unknown[]).map((p, i) => g1(p, `IC[${i}]`)),
    setup: typeof vk.zklightSetup === 'string' ? vk.zklightSetup : 'unknown',
  }
}

function coordinate(v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !/^[0-9]{1,80}$/.test(v)) throw new BadVerificationKey(`${what}: a coordinate is not a decimal string`)
  const x = BigInt(v)
  if (x >= BASE_FIELD_MODULUS) throw new BadVerificationKey(`${what}: a coordinate is not below the base field modulus`)
  return x
}

function g1(p: unknown, what: string): G1Affine {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3) throw new BadVerificationKey(`${what}: not a G1 point`)
  if (p.length === 3 && coordinate(p[2], what) !== 1n) throw new BadVerificationKey(`${what}: not in affine form`)
  return [coordinate(p[0], what), coordinate(p[1], what)]
}

function fp2(c: unknown, what: string): [bigint, bigint] {
  if (!Array.isArray(c) || c.length !== 2) throw new BadVerificationKey(`${what}: not an Fp2 element`)
  return [coordinate(c[0], what), coordinate(c[1], what)]
}

function g2(p: unknown, what: string): G2Affine {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3) throw new BadVerificationKey(`${what}: not a G2 point`)
  if (p.length === 3) {
    const [z0, z1] = fp2(p[2], what)
    if (z0 !== 1n || z1 !== 0n) throw new BadVerificationKey(`${what}: not in affine form`)
  }
  return [fp2(p[0], what), fp2(p[1], what)]
}
