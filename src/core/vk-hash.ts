// The hash a genesis commits to for the Groth16 verification key: sha256 over a
// canonical binary encoding of the key's points, so a key with a known delta (which
// would accept forged proofs) cannot be slipped in with the same bootstrap document.
import { sha256 } from '@noble/hashes/sha2.js'
import { ByteWriter, bytesToHex, concatBytes, fieldToBytes } from './bytes.ts'
import { BASE_FIELD_MODULUS, VK_HASH_DOMAIN } from './constants.ts'

export type VkHashResult = { ok: true; value: Uint8Array } | { ok: false; reason: 'malformed-vk' }

/**
 * sha256(domain ‖ u16 nPublic ‖ α (G1) ‖ β, γ, δ (G2) ‖ IC[0..nPublic] (G1)), every
 * coordinate 32 bytes big-endian below q, G2 as x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1 (snarkjs's
 * order). Points must be affine (z = 1). Only the curve points count: metadata fields
 * of the JSON do not change the hash. No curve arithmetic: whether the points are on
 * the curve is the verifier's check (src/zk/verifier.ts).
 */
export function hashVerificationKey(vk: unknown): VkHashResult {
  try {
    const j = vk as Record<string, unknown>
    if (j === null || typeof j !== 'object' || j.protocol !== 'groth16' || j.curve !== 'bn128') return { ok: false, reason: 'malformed-vk' }
    const n = j.nPublic
    const ic = j.IC
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffff || !Array.isArray(ic) || ic.length !== n + 1) return { ok: false, reason: 'malformed-vk' }
    const w = new ByteWriter().u16(n)
    g1(w, j.vk_alpha_1)
    for (const k of ['vk_beta_2', 'vk_gamma_2', 'vk_delta_2']) g2(w, j[k])
    for (const p of ic) g1(w, p)
    return { ok: true, value: sha256(concatBytes(new TextEncoder().encode(VK_HASH_DOMAIN), w.finish())) }
  } catch {
    return { ok: false, reason: 'malformed-vk' }
  }
}

/** Hex of the key's hash, or undefined for a malformed key (for messages). */
export function vkHashHex(vk: unknown): string | undefined {
  const h = hashVerificationKey(vk)
  return h.ok ? bytesToHex(h.value) : undefined
}

function coord(w: ByteWriter, x: unknown): void {
  if (typeof x !== 'string' || !/^\d{1,78}$/.test(x)) throw new RangeError('coordinate is not a decimal string')
  const v = BigInt(x)
  if (v >= BASE_FIELD_MODULUS) throw new RangeError('coordinate not below q')
  w.raw(fieldToBytes(v))
}

function g1(w: ByteWriter, p: unknown): void {
  if (!Array.isArray(p) || p.length !== 3 || p[2] !== '1') throw new RangeError('G1 point is not affine [x, y, 1]')
  coord(w, p[0])
  coord(w, p[1])
}

function g2(w: ByteWriter, p: unknown): void {
  if (!Array.isArray(p) || p.length !== 3) throw new RangeError('G2 point is not [x, y, z]')
  const [x, y, z] = p as unknown[]
  if (!Array.isArray(z) || z[0] !== '1' || z[1] !== '0') throw new RangeError('G2 point is not affine')
  for (const c of [x, y]) {
    if (!Array.isArray(c) || c.length !== 2) throw new RangeError('Fp2 element is not [c0, c1]')
    coord(w, c[0])
    coord(w, c[1])
  }
}
