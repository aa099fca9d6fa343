// Transfers: their Poseidon hash, EdDSA-Poseidon signing and signature checks
// (docs/spec.md#transfers). Verification never throws on hostile input.
import { inCurve } from './babyjub.ts'
import { FIELD_MODULUS } from './constants.ts'
import { poseidon } from './poseidon.ts'
import { signPoseidon, verifyPoseidon } from './eddsa.ts'
import type { Point, Transfer } from './types.ts'

export { derivePublicKey } from './eddsa.ts'

export type UnsignedTransfer = Omit<Transfer, 'sig'>

/**
 * txHash = H(chainTag, from, to, toAx, toAy, amount, nonce): the message the sender signs.
 * `chainTag` (src/core/chain.ts chainTagOf) is derived from the genesis hash, so a
 * signature is valid on one network only.
 */
export function hashTransfer(chainTag: bigint, t: UnsignedTransfer): bigint {
  return poseidon([chainTag, BigInt(t.from), BigInt(t.to), t.toPubKey[0], t.toPubKey[1], t.amount, BigInt(t.nonce)])
}

export function signTransfer(privKey: Uint8Array, chainTag: bigint, unsigned: UnsignedTransfer): Transfer {
  return { ...unsigned, sig: signPoseidon(privKey, hashTransfer(chainTag, unsigned)) }
}

export function isFieldElement(x: bigint): boolean {
  return x >= 0n && x < FIELD_MODULUS
}

/** True when `t.sig` is the sender's signature of the transfer hash on this chain. */
export function verifyTransferSignature(chainTag: bigint, t: Transfer, pubKey: Point): boolean {
  let msg: bigint
  try {
    msg = hashTransfer(chainTag, t)
  } catch {
    return false // a field outside the hash's domain: no signature can cover it
  }
  return verifyPoseidon(msg, t.sig, pubKey).ok
}

/** True when the point lies on Baby Jubjub. */
export function isOnCurve(p: Point): boolean {
  if (!isFieldElement(p[0]) || !isFieldElement(p[1])) return false
  return inCurve(p)
}
