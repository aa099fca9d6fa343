// Tampered Groth16 proofs in the 256-byte form (A.x, A.y, B, C.x, C.y; docs/spec.md): one
// that the point checks reject before any pairing, and one that is made of valid points so
// that only the pairing equation can reject it.
import { bn254 } from '@noble/curves/bn254.js'
import { bytesToBigInt, fieldToBytes } from '../../src/core/bytes.ts'

/** A.x with its lowest bit flipped: A leaves the curve ('not-on-curve', no pairing needed). */
export function offCurveA(proof: Uint8Array): Uint8Array {
  const out = proof.slice()
  out[31] = (out[31] as number) ^ 1
  return out
}

/**
 * A replaced by A + the generator of G1: still on the curve and in G1 (BN254's G1 has
 * cofactor 1), so every point check passes and only the pairing rejects it ('proof-invalid').
 */
export function shiftedA(proof: Uint8Array): Uint8Array {
  const a = bn254.G1.Point.fromAffine({ x: bytesToBigInt(proof.subarray(0, 32)), y: bytesToBigInt(proof.subarray(32, 64)) })
  a.assertValidity()
  const moved = a.add(bn254.G1.Point.BASE).toAffine()
  const out = proof.slice()
  out.set(fieldToBytes(moved.x), 0)
  out.set(fieldToBytes(moved.y), 32)
  return out
}
