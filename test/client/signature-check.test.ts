// The light client's WebCrypto Ed25519 check (then ZIP-215 for what WebCrypto refuses) gives
// exactly verifySignature's verdicts: on honest, tampered and malformed signatures, on one only
// ZIP-215 accepts, and where WebCrypto has no Ed25519 at all; verifyQuorumCertificateAsync
// gives verifyQuorumCertificate's verdicts.
import { ed25519 } from '@noble/curves/ed25519.js'
import { describe, expect, it } from 'vitest'
import { hashHeader, hashValidatorSet } from '../../src/core/header.ts'
import { makeQuorumCertificate, signVote, verifyQuorumCertificate, verifyQuorumCertificateAsync, verifySignature } from '../../src/core/quorum.ts'
import type { Header, QuorumCertificate } from '../../src/core/types.ts'
import { webCryptoSignatureCheck } from '../../src/client/signature-check.ts'

const seed = (n: number) => new Uint8Array(32).fill(n)
const text = (s: string) => new TextEncoder().encode(s)

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

function cases(n: number): [Uint8Array, Uint8Array, Uint8Array][] {
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

/** Only ZIP-215 accepts it: the identity key (small order) and R the identity encoded non-canonically (y = p + 1), S = 0, for any message. */
function nonCanonicalSignature(): [Uint8Array, Uint8Array, Uint8Array] {
  const identity = new Uint8Array(32)
  identity[0] = 1
  const nonCanonical = new Uint8Array(32).fill(0xff)
  nonCanonical[0] = 0xee
  nonCanonical[31] = 0x7f
  const sig = new Uint8Array(64)
  sig.set(nonCanonical, 0)
  return [sig, text('any message'), identity]
}

describe('webCryptoSignatureCheck', () => {
  it('agrees with verifySignature on honest, tampered and malformed signatures; WebCrypto decides the honest ones', async () => {
    const { subtle, counts } = countingSubtle()
    const check = webCryptoSignatureCheck({ subtle }) as NonNullable<ReturnType<typeof webCryptoSignatureCheck>>
    for (let n = 1; n <= 6; n++) {
      for (const [s, m, p] of cases(n)) expect(await check(s, m, p)).toBe(verifySignature(s, m, p))
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
    for (const [s, m, p] of [...cases(7), nonCanonicalSignature()]) expect(await check(s, m, p)).toBe(verifySignature(s, m, p))
  })

  it('is absent without WebCrypto (a page that is not a secure context)', () => {
    expect(webCryptoSignatureCheck({})).toBeUndefined()
  })
})

describe('verifyQuorumCertificateAsync', () => {
  const keys = [1, 2, 3, 4].map(seed)
  const set = keys.map((k) => ed25519.getPublicKey(k))
  const genesisHash = new Uint8Array(32).fill(9)
  const header: Header = { chainId: 1, height: 5, parentHash: new Uint8Array(32), stateRoot: 3n, txRoot: 0n, timestamp: 1, validatorSetHash: hashValidatorSet(set), proposer: 1 }
  const headerHash = hashHeader(header)
  const votes = [0, 1, 3].map((i) => signVote(keys[i] as Uint8Array, genesisHash, headerHash, i))
  const qc = makeQuorumCertificate(headerHash, votes)
  const forged: QuorumCertificate = { ...qc, signatures: qc.signatures.map((v, i) => (i === 1 ? { ...v, signature: v.signature.map((b, j) => (j === 0 ? b ^ 1 : b)) } : v)) }

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
