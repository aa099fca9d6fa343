// The light client's WebCrypto Ed25519 check (then ZIP-215 for what WebCrypto refuses) gives
// exactly verifySignature's verdicts: on honest, tampered and malformed signatures, on one only
// ZIP-215 accepts, and where WebCrypto has no Ed25519 at all; verifyQuorumCertificateAsync
// gives verifyQuorumCertificate's verdicts.
import { describe, expect, it } from 'vitest'
import { makeQuorumCertificate, verifyQuorumCertificate, verifyQuorumCertificateAsync, verifySignature } from '../../src/core/quorum.ts'
import type { Header, QuorumCertificate } from '../../src/core/types.ts'
import { webCryptoSignatureCheck } from '../../src/client/signature-check.ts'
import { nonCanonicalSignature, sampleCertificate, signatureCases } from '../helpers/ed25519-cases.ts'

/** Node's WebCrypto, counting the verifications it answered "yes" to. */
function countingSubtle() {
  const real = globalThis.crypto.subtle
  const counts = { verify: 0, yes: 0 }
  const subtle = {
    importKey: real.importKey.bind(real),
    async verify(...args: Parameters<SubtleCrypto['verify']>) {
      counts.verify++
      const ok = await real.verify(...args)
      if (ok) counts.yes++
      return ok
    },
  } as unknown as SubtleCrypto
  return { subtle, counts }
}

describe('webCryptoSignatureCheck', () => {
  it('agrees with verifySignature on honest, tampered and malformed signatures; WebCrypto decides the honest ones', async () => {
    const { subtle, counts } = countingSubtle()
    const check = webCryptoSignatureCheck({ subtle }) as NonNullable<ReturnType<typeof webCryptoSignatureCheck>>
    for (let n = 1; n <= 6; n++) {
      for (const [s, m, p] of signatureCases(n)) expect(await check(s, m, p)).toBe(verifySignature(s, m, p))
    }
    expect(counts.yes).toBe(6) // each honest signature, and nothing else
    expect(counts.verify).toBeGreaterThan(counts.yes)
  })

  it('accepts what only ZIP-215 accepts: WebCrypto refuses a non-canonical R, the fallback decides', async () => {
    const [sig, message, key] = nonCanonicalSignature()
    const { subtle, counts } = countingSubtle()
    expect(verifySignature(sig, message, key)).toBe(true)
    expect(await webCryptoSignatureCheck({ subtle })?.(sig, message, key)).toBe(true)
    expect(counts).toEqual({ verify: 1, yes: 0 })
  })

  it('where WebCrypto has no Ed25519, every verdict is the ZIP-215 one', async () => {
    const subtle = {
      importKey: () => Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError')),
      verify: () => Promise.reject(new Error('not reached')),
    } as unknown as SubtleCrypto
    const check = webCryptoSignatureCheck({ subtle }) as NonNullable<ReturnType<typeof webCryptoSignatureCheck>>
    for (const [s, m, p] of [...signatureCases(7), nonCanonicalSignature()]) expect(await check(s, m, p)).toBe(verifySignature(s, m, p))
  })

  it('is absent without WebCrypto (a page that is not a secure context)', () => {
    expect(webCryptoSignatureCheck({})).toBeUndefined()
  })
})

describe('verifyQuorumCertificateAsync', () => {
  const { set, genesisHash, header, headerHash, votes, qc, forged } = sampleCertificate()

  it('gives verifyQuorumCertificate’s verdict for every reason, checking each signature once', async () => {
    const check = webCryptoSignatureCheck() as NonNullable<ReturnType<typeof webCryptoSignatureCheck>>
    const certificates: [Header, QuorumCertificate][] = [
      [header, qc],
      [header, forged],
      [{ ...header, height: 6 }, qc], // wrong-header
      [header, makeQuorumCertificate(headerHash, votes.slice(0, 2))], // quorum-missing
      [header, { ...qc, signatures: [qc.signatures[0], qc.signatures[0], qc.signatures[2]] as QuorumCertificate['signatures'] }], // duplicate-signer
      [header, { ...qc, signatures: [...qc.signatures.slice(0, 2), { ...(qc.signatures[2] as QuorumCertificate['signatures'][number]), validator: 7 }] }], // unknown-signer
    ]
    const reasons = []
    for (const [h, c] of certificates) {
      const got = await verifyQuorumCertificateAsync(h, c, set, genesisHash, check)
      expect(got).toEqual(verifyQuorumCertificate(h, c, set, genesisHash))
      reasons.push(got.ok ? 'ok' : got.reason)
    }
    expect(reasons).toEqual(['ok', 'bad-signature', 'wrong-header', 'quorum-missing', 'duplicate-signer', 'unknown-signer'])
    let calls = 0
    await verifyQuorumCertificateAsync(header, qc, set, genesisHash, (s, m, p) => (calls++, check(s, m, p)))
    expect(calls).toBe(3)
  })
})
