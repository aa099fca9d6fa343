// The node's fast Ed25519 check (OpenSSL, then ZIP-215 for what OpenSSL refuses) gives exactly
// verifySignature's verdicts: on honest signatures, on tampered ones, on malformed input, and
// on a signature only ZIP-215 accepts (a non-canonical R, which OpenSSL's byte comparison refuses).
import { ed25519 } from '@noble/curves/ed25519.js'
import { verify as opensslVerify, createPublicKey } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hashHeader, hashValidatorSet } from '../../src/core/header.ts'
import { makeQuorumCertificate, signVote, verifyQuorumCertificate, verifySignature } from '../../src/core/quorum.ts'
import type { Header } from '../../src/core/types.ts'
import { checkSignatureFast } from '../../src/node/signature-check.ts'

const seed = (n: number) => new Uint8Array(32).fill(n)

describe('checkSignatureFast', () => {
  it('agrees with verifySignature on honest, tampered and malformed signatures', () => {
    for (let n = 1; n <= 8; n++) {
      const key = seed(n)
      const pub = ed25519.getPublicKey(key)
      const message = new TextEncoder().encode(`message ${n}`)
      const sig = ed25519.sign(message, key)
      const flipped = sig.slice()
      flipped[n] = (flipped[n] as number) ^ 1
      const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
        [sig, message, pub],
        [flipped, message, pub],
        [sig, new TextEncoder().encode('another'), pub],
        [sig, message, ed25519.getPublicKey(seed(n + 20))],
        [sig.slice(0, 63), message, pub],
        [sig, message, pub.slice(0, 31)],
        [sig, message, new Uint8Array(32).fill(0xff)], // not a point
      ]
      for (const [s, m, p] of cases) expect(checkSignatureFast(s, m, p)).toBe(verifySignature(s, m, p))
      expect(checkSignatureFast(sig, message, pub)).toBe(true)
    }
  })

  it('accepts what only ZIP-215 accepts: OpenSSL refuses a non-canonical R, the fallback decides', () => {
    const identity = new Uint8Array(32)
    identity[0] = 1
    // y = p + 1 ≡ 1: the identity point, encoded non-canonically
    const nonCanonical = new Uint8Array(32).fill(0xff)
    nonCanonical[0] = 0xee
    nonCanonical[31] = 0x7f
    const sig = new Uint8Array(64)
    sig.set(nonCanonical, 0) // R, with S = 0: [8]([0]B − R − [k]A) = 0 for the identity A
    const message = new TextEncoder().encode('any message')
    const der = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), identity]), format: 'der', type: 'spki' })
    expect(opensslVerify(null, message, der, sig)).toBe(false)
    expect(verifySignature(sig, message, identity)).toBe(true)
    expect(checkSignatureFast(sig, message, identity)).toBe(true)
  })

  it('checks a certificate with verifyQuorumCertificate when handed to it, with the same verdicts', () => {
    const keys = [1, 2, 3, 4].map(seed)
    const set = keys.map((k) => ed25519.getPublicKey(k))
    const genesisHash = new Uint8Array(32).fill(9)
    const header: Header = { chainId: 1, height: 5, parentHash: new Uint8Array(32), stateRoot: 3n, txRoot: 0n, timestamp: 1, validatorSetHash: hashValidatorSet(set), proposer: 1 }
    const headerHash = hashHeader(header)
    const qc = makeQuorumCertificate(
      headerHash,
      [0, 1, 3].map((i) => signVote(keys[i] as Uint8Array, genesisHash, headerHash, i)),
    )
    let calls = 0
    const counting = (s: Uint8Array, m: Uint8Array, p: Uint8Array) => (calls++, checkSignatureFast(s, m, p))
    expect(verifyQuorumCertificate(header, qc, set, genesisHash, counting)).toEqual({ ok: true })
    expect(calls).toBe(3)
    const forged = { ...qc, signatures: qc.signatures.map((v, i) => (i === 1 ? { ...v, signature: v.signature.map((b, j) => (j === 0 ? b ^ 1 : b)) } : v)) }
    expect(verifyQuorumCertificate(header, forged, set, genesisHash, checkSignatureFast)).toEqual(verifyQuorumCertificate(header, forged, set, genesisHash))
    expect(verifyQuorumCertificate(header, forged, set, genesisHash, checkSignatureFast)).toEqual({ ok: false, reason: 'bad-signature' })
  })
})
