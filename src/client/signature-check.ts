// Ed25519 checks through WebCrypto for the certificates a light client checks while it
// catches up: in a browser the check runs natively on the browser's own threads (about
// 0.07 ms in Chromium against 1–2 ms for the pure-JS check, which would run on the page
// thread beside the verifier workers); in Node, OpenSSL. The pure-JS ZIP-215 check
// (src/core/quorum.ts verifySignature) judges whatever WebCrypto refuses, so the verdicts
// are exactly verifySignature's.
//
// Why WebCrypto's "yes" is enough: the WebCrypto Ed25519 verify is RFC 8032's (section
// 5.1.7: S must be below the group order) with the cofactorless equation
// [S]B = R + [k]A over the bytes as given, and k hashed from the same bytes as ZIP-215's;
// multiplying it by the cofactor 8 gives ZIP-215's (cofactored) equation. Its "no" is not
// enough (it refuses small-order keys and R, which ZIP-215 accepts), so a "no" is asked
// again of the ZIP-215 check. Honest signatures pass WebCrypto; only a forged one pays
// for both. The same reasoning for OpenSSL is in src/node/signature-check.ts.
import { bytesToHex } from '../core/bytes.ts'
import { verifySignature, type AsyncSignatureCheck } from '../core/quorum.ts'

const ED25519 = { name: 'Ed25519' }
/** Validator sets are small; the cache is dropped whole when something else fills it. */
const MAX_KEYS = 256

/**
 * verifySignature's verdict, from WebCrypto when it accepts. Undefined where there is no
 * WebCrypto (a non-secure page); where WebCrypto lacks Ed25519, every key import fails and
 * every check is the ZIP-215 one.
 */
export function webCryptoSignatureCheck(crypto: { subtle?: SubtleCrypto } | undefined = globalThis.crypto): AsyncSignatureCheck | undefined {
  const subtle = crypto?.subtle
  if (!subtle) return undefined
  const keys = new Map<string, Promise<CryptoKey | null>>()
  const keyOf = (publicKey: Uint8Array): Promise<CryptoKey | null> => {
    const id = bytesToHex(publicKey)
    let key = keys.get(id)
    if (key) return key
    // A key WebCrypto cannot import (not a point, small order, no Ed25519 here): the ZIP-215 check decides.
    key = subtle.importKey('raw', publicKey.slice(), ED25519, false, ['verify']).catch(() => null)
    if (keys.size >= MAX_KEYS) keys.clear()
    keys.set(id, key)
    return key
  }
  return async (signature, message, publicKey) => {
    if (signature.length !== 64 || publicKey.length !== 32) return false
    const key = await keyOf(publicKey)
    if (key) {
      try {
        if (await subtle.verify(ED25519, key, signature.slice(), message.slice())) return true
      } catch {
        // a refusal by another name: the ZIP-215 check decides
      }
    }
    return verifySignature(signature, message, publicKey)
  }
}
