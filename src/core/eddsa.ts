// EdDSA-Poseidon on Baby Jubjub in plain BigInt: keys and signatures exactly as circomlibjs's
// eddsa.prv2pub and eddsa.signPoseidon, and a check that accepts what the state-transition
// circuit (circomlib's EdDSAPoseidonVerifier) can prove, so the ledger and the proofs agree.
import { blake512 } from '@noble/hashes/blake1.js'
import { inCurve } from './babyjub.ts'
import { IDENTITY, add, double, equals, fromAffine, multiply, multiplyBase8, toAffine } from './babyjub-group.ts'
import { bytesToBigInt, concatBytes, fieldToBytes } from './bytes.ts'
import { BABYJUB_SUBORDER as L, FIELD_MODULUS as P } from './constants.ts'
import { poseidon } from './poseidon.ts'
import type { Point, Signature, SignatureReason, Verdict } from './types.ts'

const PRIVATE_KEY_BYTES = 32

/**
 * circomlibjs's key expansion: BLAKE-512 of the private key; the first half, pruned as in
 * RFC 8032 (a multiple of 8 with bit 254 set), is the secret scalar s, the second half seeds
 * the nonces. The public key is (s >> 3)·Base8.
 */
function expandKey(privKey: Uint8Array): { s: bigint; nonceSeed: Uint8Array } {
  if (!(privKey instanceof Uint8Array) || privKey.length !== PRIVATE_KEY_BYTES) throw new RangeError('private key must be 32 bytes')
  const h = blake512(privKey)
  h[0] = h[0]! & 0xf8
  h[31] = (h[31]! & 0x7f) | 0x40
  return { s: fromLittleEndian(h.subarray(0, 32)), nonceSeed: h.subarray(32) }
}

/** The Baby Jubjub public key of a 32-byte private key (circomlibjs's eddsa.prv2pub). */
export function derivePublicKey(privKey: Uint8Array): Point {
  return toAffine(multiplyBase8(expandKey(privKey).s >> 3n))
}

/**
 * circomlibjs's eddsa.signPoseidon(privKey, msg), with the same output: r = BLAKE-512(seed ‖
 * msg as 32 little-endian bytes) mod l, R8 = r·Base8, S = r + Poseidon(R8, A, msg)·s mod l.
 * Deterministic: nothing random is needed. Not constant-time (nor is circomlibjs): BigInt
 * arithmetic on the secret scalar takes data-dependent time.
 */
export function signPoseidon(privKey: Uint8Array, msg: bigint): Signature {
  if (!inField(msg)) throw new RangeError('the signed message must be a field element')
  const { s, nonceSeed } = expandKey(privKey)
  const A = toAffine(multiplyBase8(s >> 3n))
  const r = fromLittleEndian(blake512(concatBytes(nonceSeed, fieldToBytes(msg).reverse()))) % L
  const R8 = toAffine(multiplyBase8(r))
  const hm = poseidon([R8[0], R8[1], A[0], A[1], msg])
  return { R8, S: (r + hm * s) % L }
}

/**
 * Whether `sig` signs `msg` under `pubKey`: accepts what circomlibjs's eddsa.verifyPoseidon
 * accepts for field-element inputs, less what the circuit cannot prove (a key of small order,
 * three values of S; see below). Any input gets a verdict; nothing throws.
 */
export function verifyPoseidon(msg: bigint, sig: Signature, pubKey: Point): Verdict<SignatureReason> {
  if (typeof msg !== 'bigint' || typeof sig !== 'object' || sig === null || typeof sig.S !== 'bigint' || !isPair(sig.R8) || !isPair(pubKey)) return reject('malformed')
  const { R8, S } = sig
  // circomlibjs would read a larger value mod p; the circuit cannot take one.
  if (![msg, R8[0], R8[1], pubKey[0], pubKey[1]].every(inField)) return reject('not-field-element')
  if (S < 0n || S >= L) return reject('s-out-of-range')
  if (!isProvableS(S)) return reject('s-unprovable')
  if (!inCurve(R8)) return reject('r8-off-curve')
  if (!inCurve(pubKey)) return reject('key-off-curve')
  const A8 = double(double(double(fromAffine(pubKey))))
  // A key of order 1, 2, 4 or 8 has 8A = 0, so S·Base8 = R8 holds for any message:
  // circomlibjs accepts that forgery; the circuit refuses the key (its IsZero on 4A.x), and so do we.
  if (equals(A8, IDENTITY)) return reject('key-small-order')
  const hm = poseidon([R8[0], R8[1], pubKey[0], pubKey[1], msg])
  // S·Base8 = R8 + (8·hm)·A as in circomlibjs; 8A lies in the order-l subgroup, so hm is taken mod l.
  return equals(multiplyBase8(S), add(fromAffine(R8), multiply(A8, hm % L))) ? { ok: true } : reject('equation-fails')
}

/**
 * A key that can receive funds: a point on Baby Jubjub not of small order (8·A ≠ identity).
 * Anything else could never sign a spend (the circuit refuses such senders), so the ledger
 * and the circuit refuse it as a receiver (rule bad-receiver-key).
 */
export function isSpendableKey(p: Point): boolean {
  if (!isPair(p) || !inField(p[0]) || !inField(p[1]) || !inCurve(p)) return false
  return !equals(double(double(double(fromAffine(p)))), IDENTITY)
}

// circomlib's EscalarMulFix(253, Base8), which computes S·Base8 in the circuit, adds
// (2^250 + Σ_{i<83} 8^i + (S mod 2^249))·Base8 in Montgomery form and subtracts the constant
// part afterwards. When that sum equals l its last addition is P + (−P), which Montgomery
// addition cannot do, and no witness exists, even in a disabled slot. Three S below l do that.
// Nobody can aim a signature at them (S is hash-derived), but a ledger that accepted one would
// hold a block that cannot be proven. Σ_{i<83} 8^i = (2^249 − 1) / 7.
const LOW_249_BITS = (1n << 249n) - 1n
const UNPROVABLE_S_LOW_BITS = L - (1n << 250n) - LOW_249_BITS / 7n

/** False for the three S in [0, l) that the circuit's fixed-base multiplication cannot handle. */
export function isProvableS(S: bigint): boolean {
  return (S & LOW_249_BITS) !== UNPROVABLE_S_LOW_BITS
}

function reject(reason: SignatureReason): Verdict<SignatureReason> {
  return { ok: false, reason }
}

function inField(x: bigint): boolean {
  return x >= 0n && x < P
}

/** An array of two bigints, as circomlibjs checks (`Array.isArray`, length 2) before using a point. */
function isPair(p: unknown): p is Point {
  return Array.isArray(p) && p.length === 2 && typeof p[0] === 'bigint' && typeof p[1] === 'bigint'
}

function fromLittleEndian(b: Uint8Array): bigint {
  return bytesToBigInt(b.slice().reverse())
}
