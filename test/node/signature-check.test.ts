// The node's fast Ed25519 check (OpenSSL, then ZIP-215 for what OpenSSL refuses) gives exactly
// verifySignature's verdicts: on honest signatures, on tampered ones, on malformed input, and
// on a signature only ZIP-215 accepts (a non-canonical R, which OpenSSL's byte comparison refuses).
import { verify as opensslVerify, createPublicKey } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { verifyQuorumCertificate, verifySignature } from '../../src/core/quorum.ts'
import { checkSignatureFast } from '../../src/node/signature-check.ts'
import { nonCanonicalSignature, sampleCertificate, signatureCases, type SignatureCase } from '../helpers/ed25519-cases.ts'

describe('checkSignatureFast', () => {
  it('agrees with verifySignature on honest, tampered and malformed signatures', () => {
    for (let n = 1; n <= 8; n++) {
      const cases = signatureCases(n)
      for (const [s, m, p] of cases) expect(checkSignatureFast(s, m, p)).toBe(verifySignature(s, m, p))
      const [sig, message, pub] = cases[0] as SignatureCase
      expect(checkSignatureFast(sig, message, pub)).toBe(true)
    }
  })

  it('accepts what only ZIP-215 accepts: OpenSSL refuses a non-canonical R, the fallback decides', () => {
    const [sig, message, identity] = nonCanonicalSignature()
    const der = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), identity]), format: 'der', type: 'spki' })
    expect(opensslVerify(null, message, der, sig)).toBe(false)
    expect(verifySignature(sig, message, identity)).toBe(true)
    expect(checkSignatureFast(sig, message, identity)).toBe(true)
  })

  it('checks a certificate with verifyQuorumCertificate when handed to it, with the same verdicts', () => {
    const { set, genesisHash, header, qc, forged } = sampleCertificate()
    let calls = 0
    const counting = (s: Uint8Array, m: Uint8Array, p: Uint8Array) => (calls++, checkSignatureFast(s, m, p))
    expect(verifyQuorumCertificate(header, qc, set, genesisHash, counting)).toEqual({ ok: true })
    expect(calls).toBe(3)
    expect(verifyQuorumCertificate(header, forged, set, genesisHash, checkSignatureFast)).toEqual(verifyQuorumCertificate(header, forged, set, genesisHash))
    expect(verifyQuorumCertificate(header, forged, set, genesisHash, checkSignatureFast)).toEqual({ ok: false, reason: 'bad-signature' })
  })
})
