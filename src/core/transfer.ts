// Transfers: their Poseidon hash, EdDSA-Poseidon signing and signature checks
// (docs/spec.md#transfers). Verification never throws on hostile input.
import { inCurve } from './babyjub.ts'
import { BABYJUB_SUBORDER, FIELD_MODULUS } from './constants.ts'
import { poseidon } from './poseidon.ts'
import { cryptoKit, fromInternalPoint, toInternalPoint } from './eddsa.ts'
import type { Point, Transfer } from './types.ts'

export type UnsignedTransfer = Omit<Transfer, 'sig'>

/**
 * txHash = H(chainTag, from, to, toAx, toAy, amount, nonce): the message the sender signs.
 * `chainTag` (src/core/chain.ts chainTagOf) is derived from the genesis hash, so a
 * signature is valid on one network only.
 */
export function hashTransfer(chainTag: bigint, t: UnsignedTransfer): bigint {
  return poseidon([chainTag, BigInt(t.from), BigInt(t.to), t.toPubKey[0], t.toPubKey[1], t.amount, BigInt(t.nonce)])
}

/** The Baby Jubjub public key of a 32-byte EdDSA private key. */
export function derivePublicKey(privKey: Uint8Array): Point {
  if (privKey.length !== 32) throw new RangeError('private key must be 32 bytes')
  return fromInternalPoint(cryptoKit().eddsa.prv2pub(privKey))
}

export function signTransfer(privKey: Uint8Array, chainTag: bigint, unsigned: UnsignedTransfer): Transfer {
  const { eddsa, F } = cryptoKit()
  const sig = eddsa.signPoseidon(privKey, F.e(hashTransfer(chainTag, unsigned)))
  return { ...unsigned, sig: { R8: fromInternalPoint(sig.R8), S: BigInt(sig.S) } }
}

export function isFieldElement(x: bigint): boolean {
  return x >= 0n && x < FIELD_MODULUS
}

/** True when `t.sig` is the sender's signature of the transfer hash on this chain. */
export function verifyTransferSignature(chainTag: bigint, t: Transfer, pubKey: Point): boolean {
  const { S, R8 } = t.sig
  if (S < 0n || S >= BABYJUB_SUBORDER) return false
  if (![R8[0], R8[1], pubKey[0], pubKey[1]].every(isFieldElement)) return false
  try {
    const { eddsa, F } = cryptoKit()
    return eddsa.verifyPoseidon(F.e(hashTransfer(chainTag, t)), { R8: toInternalPoint(R8), S }, toInternalPoint(pubKey)) === true
  } catch {
    return false
  }
}

/** True when the point lies on Baby Jubjub. */
export function isOnCurve(p: Point): boolean {
  if (!isFieldElement(p[0]) || !isFieldElement(p[1])) return false
  return inCurve(p)
}
