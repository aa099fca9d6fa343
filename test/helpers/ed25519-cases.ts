// Ed25519 inputs for the tests that hold a faster check to verifySignature's verdicts
// (the node's OpenSSL check, the light client's WebCrypto check).
import { ed25519 } from '@noble/curves/ed25519.js'
import { hashHeader, hashValidatorSet } from '../../src/core/header.ts'
import { makeQuorumCertificate, signVote } from '../../src/core/quorum.ts'
import type { Header, QuorumCertificate } from '../../src/core/types.ts'

/** [signature, message, public key] */
export type SignatureCase = [Uint8Array, Uint8Array, Uint8Array]

const seed = (n: number) => new Uint8Array(32).fill(n)
const text = (s: string) => new TextEncoder().encode(s)

/** An honest signature (first) and ways of spoiling it: tampered, S out of range, another message or key, malformed. */
export function signatureCases(n: number): SignatureCase[] {
  const key = seed(n)
  const pub = ed25519.getPublicKey(key)
  const message = text(`message ${n}`)
  const sig = ed25519.sign(message, key)
  const flipped = sig.slice()
  flipped[n] = (flipped[n] as number) ^ 1
  const bigS = sig.slice()
  bigS[63] = (bigS[63] as number) | 0xf0 // S far above the group order
  return [
    [sig, message, pub],
    [flipped, message, pub],
    [bigS, message, pub],
    [sig, text('another'), pub],
    [sig, message, ed25519.getPublicKey(seed(n + 20))],
    [sig.slice(0, 63), message, pub],
    [sig, message, pub.slice(0, 31)],
    [sig, message, new Uint8Array(32).fill(0xff)], // not a point
  ]
}

/**
 * Only ZIP-215 accepts it: the identity key (small order), R the identity encoded
 * non-canonically (y = p + 1), S = 0, for any message ([8]([0]B − R − [k]A) = 0).
 */
export function nonCanonicalSignature(): SignatureCase {
  const identity = new Uint8Array(32)
  identity[0] = 1
  const nonCanonical = new Uint8Array(32).fill(0xff)
  nonCanonical[0] = 0xee
  nonCanonical[31] = 0x7f
  const sig = new Uint8Array(64)
  sig.set(nonCanonical, 0)
  return [sig, text('any message'), identity]
}

/**
 * A certificate of validators 0, 1 and 3 of a set of four on one header, and the same
 * certificate with the second vote's signature spoiled (`bad-signature`).
 */
export function sampleCertificate() {
  const keys = [1, 2, 3, 4].map(seed)
  const set = keys.map((k) => ed25519.getPublicKey(k))
  const genesisHash = new Uint8Array(32).fill(9)
  const header: Header = { chainId: 1, height: 5, parentHash: new Uint8Array(32), stateRoot: 3n, txRoot: 0n, timestamp: 1, validatorSetHash: hashValidatorSet(set), proposer: 1 }
  const headerHash = hashHeader(header)
  const votes = [0, 1, 3].map((i) => signVote(keys[i] as Uint8Array, genesisHash, headerHash, i))
  const qc = makeQuorumCertificate(headerHash, votes)
  const forged: QuorumCertificate = { ...qc, signatures: qc.signatures.map((v, i) => (i === 1 ? { ...v, signature: v.signature.map((b, j) => (j === 0 ? b ^ 1 : b)) } : v)) }
  return { set, genesisHash, header, headerHash, votes, qc, forged }
}
