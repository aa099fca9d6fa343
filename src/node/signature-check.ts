// Ed25519 checks for a node that checks many certificates at once (a snapshot join checks
// one on every block it keeps): OpenSSL through node:crypto, about ten times faster than the
// pure-JS check, with the pure-JS ZIP-215 check (src/core/quorum.ts verifySignature) as the
// judge of whatever OpenSSL refuses, so the verdicts are exactly verifySignature's.
//
// Why OpenSSL's "yes" is enough: it accepts only canonical S < L and a decodable key and
// checks the cofactorless equation [S]B = R + [k]A over the bytes as given, with k hashed
// from the same bytes as ZIP-215's; multiplying it by the cofactor 8 gives ZIP-215's
// (cofactored) equation. Its "no" is not enough (ZIP-215 accepts non-canonical encodings
// and small-order components that RFC 8032 checks refuse), so a "no" is asked again of the
// ZIP-215 check. Honest signatures pass OpenSSL; only a forged one pays for both.
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { verifySignature, type SignatureCheck } from '../core/quorum.ts'

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 key bytes follow (RFC 8410). */
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])
/** Validator sets are small; the cache is dropped whole when something else fills it. */
const MAX_KEYS = 1024
const keys = new Map<string, KeyObject | null>()

function keyObject(publicKey: Uint8Array): KeyObject | null {
  const id = Buffer.from(publicKey).toString('hex')
  let key = keys.get(id)
  if (key !== undefined) return key
  try {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
  } catch {
    key = null // OpenSSL cannot decode it; the ZIP-215 check decides
  }
  if (keys.size >= MAX_KEYS) keys.clear()
  keys.set(id, key)
  return key
}

/** verifySignature's verdict, from OpenSSL when it accepts. */
export const checkSignatureFast: SignatureCheck = (signature, message, publicKey) => {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  const key = keyObject(publicKey)
  if (key !== null) {
    try {
      if (verify(null, message, key, signature)) return true
    } catch {
      // a refusal by another name: the ZIP-215 check decides
    }
  }
  return verifySignature(signature, message, publicKey)
}
