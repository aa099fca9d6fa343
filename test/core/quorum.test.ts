// Quorum certificates: RFC 8032 vectors through the Ed25519 API quorum.ts uses, exact
// thresholds, one negative per QuorumReason, and equivocation detection.
import { describe, expect, it } from 'vitest'
import { ed25519 } from '@noble/curves/ed25519.js'
import { bytesToHex, hexToBytes } from '../../src/core/bytes.ts'
import { hashHeader } from '../../src/core/header.ts'
import { detectEquivocation, makeQuorumCertificate, qcMessage, quorumSize, signVote, validatorPublicKey, verifyQuorumCertificate } from '../../src/core/quorum.ts'
import type { QuorumCertificate } from '../../src/core/types.ts'
import { certify, SAMPLE_GENESIS_HASH, sampleChild, sampleGenesis, validatorKeys } from '../fixtures/core-samples.ts'

// RFC 8032 section 7.1, TEST 1-3 (secret key, public key, message, signature).
const RFC8032 = [
  {
    name: 'TEST 1',
    secretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    secretKey: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3',
    secretKey: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
]

describe('Ed25519 (RFC 8032 section 7.1)', () => {
  it.each(RFC8032)('$name: key derivation, signing and verification', (v) => {
    const sk = hexToBytes(v.secretKey)
    const msg = hexToBytes(v.message)
    expect(bytesToHex(validatorPublicKey(sk))).toBe(v.publicKey)
    expect(bytesToHex(ed25519.sign(msg, sk))).toBe(v.signature)
    expect(ed25519.verify(hexToBytes(v.signature), msg, hexToBytes(v.publicKey), { zip215: true })).toBe(true)
    const tampered = hexToBytes(v.signature)
    tampered[0] = (tampered[0] as number) ^ 1
    expect(ed25519.verify(tampered, msg, hexToBytes(v.publicKey), { zip215: true })).toBe(false)
  })
})

const keys = validatorKeys(4)
const genesis = sampleGenesis(keys.set)
const header = sampleChild(genesis, 4)

/** A header and keys for a set of n validators, for threshold tests. */
function setOf(n: number) {
  const k = validatorKeys(n, `set-${n}`)
  return { keys: k, header: sampleChild(sampleGenesis(k.set), n) }
}

describe('qcMessage and votes', () => {
  it('is domain ‖ genesis hash ‖ header hash', () => {
    const h = hashHeader(header)
    expect(bytesToHex(qcMessage(SAMPLE_GENESIS_HASH, h))).toBe(`${bytesToHex(new TextEncoder().encode('zklight-qc-v2'))}${bytesToHex(SAMPLE_GENESIS_HASH)}${bytesToHex(h)}`)
  })

  it('binds a vote to one network: the same vote does not count under another genesis', () => {
    const qc = certify(header, keys, [0, 1, 2])
    expect(verifyQuorumCertificate(header, qc, keys.set, SAMPLE_GENESIS_HASH)).toEqual({ ok: true })
    const otherNetwork = new Uint8Array(32).fill(0xab)
    expect(verifyQuorumCertificate(header, qc, keys.set, otherNetwork)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('signs deterministically and verifiably', () => {
    const h = hashHeader(header)
    const v = signVote(keys.secretKeys[2] as Uint8Array, SAMPLE_GENESIS_HASH, h, 2)
    expect(v).toEqual(signVote(keys.secretKeys[2] as Uint8Array, SAMPLE_GENESIS_HASH, h, 2))
    expect(v.validator).toBe(2)
    expect(ed25519.verify(v.signature, qcMessage(SAMPLE_GENESIS_HASH, h), keys.set[2] as Uint8Array)).toBe(true)
  })

  it('makeQuorumCertificate sorts votes by validator index without touching its input', () => {
    const h = hashHeader(header)
    const votes = [2, 0, 1].map((i) => signVote(keys.secretKeys[i] as Uint8Array, SAMPLE_GENESIS_HASH, h, i))
    const qc = makeQuorumCertificate(h, votes)
    expect(qc.signatures.map((s) => s.validator)).toEqual([0, 1, 2])
    expect(votes.map((s) => s.validator)).toEqual([2, 0, 1])
  })
})

describe('thresholds: 3·count > 2·n', () => {
  it('quorumSize matches the inequality for every set size', () => {
    for (let n = 1; n <= 256; n++) {
      const q = quorumSize(n)
      expect(3 * q > 2 * n && 3 * (q - 1) <= 2 * n).toBe(true)
    }
    expect([1, 3, 4, 6, 7].map(quorumSize)).toEqual([1, 3, 3, 5, 5])
  })

  it.each([
    [4, 3],
    [3, 3],
    [1, 1],
    [6, 5],
    [7, 5],
  ])('n=%i accepts %i signatures and rejects one fewer', (n, needed) => {
    const s = setOf(n)
    const all = Array.from({ length: n }, (_, i) => i)
    expect(verifyQuorumCertificate(s.header, certify(s.header, s.keys, all.slice(0, needed)), s.keys.set, SAMPLE_GENESIS_HASH)).toEqual({ ok: true })
    expect(verifyQuorumCertificate(s.header, certify(s.header, s.keys, all.slice(n - needed)), s.keys.set, SAMPLE_GENESIS_HASH)).toEqual({ ok: true })
    expect(verifyQuorumCertificate(s.header, certify(s.header, s.keys, all.slice(0, needed - 1)), s.keys.set, SAMPLE_GENESIS_HASH)).toEqual({ ok: false, reason: 'quorum-missing' })
  })
})

describe('verifyQuorumCertificate negatives', () => {
  const good = certify(header, keys, [0, 1, 2])
  const reject = (qc: QuorumCertificate, set = keys.set, h = header) => verifyQuorumCertificate(h, qc, set, SAMPLE_GENESIS_HASH)

  it('accepts the good certificate and every signer subset of size 3 or 4', () => {
    expect(reject(good)).toEqual({ ok: true })
    for (const signers of [
      [0, 1, 3],
      [0, 2, 3],
      [1, 2, 3],
      [0, 1, 2, 3],
    ])
      expect(reject(certify(header, keys, signers))).toEqual({ ok: true })
  })

  it('wrong-validator-set: the set does not hash to the header commitment', () => {
    expect(reject(good, validatorKeys(4, 'other').set)).toEqual({ ok: false, reason: 'wrong-validator-set' })
    expect(reject(good, [...keys.set].reverse())).toEqual({ ok: false, reason: 'wrong-validator-set' })
  })

  it('wrong-header: the certificate names another header', () => {
    expect(reject(certify(genesis, keys, [0, 1, 2]))).toEqual({ ok: false, reason: 'wrong-header' })
  })

  it('unknown-signer: an index outside the set', () => {
    const extra = signVote(keys.secretKeys[0] as Uint8Array, SAMPLE_GENESIS_HASH, good.headerHash, 4)
    expect(reject({ ...good, signatures: [...good.signatures, extra] })).toEqual({ ok: false, reason: 'unknown-signer' })
    expect(reject({ ...good, signatures: [{ ...extra, validator: -1 }, ...good.signatures] })).toEqual({ ok: false, reason: 'unknown-signer' })
  })

  it('duplicate-signer: a repeated index, also when the list is merely unsorted', () => {
    const [a, b, c] = good.signatures as [QuorumCertificate['signatures'][0], QuorumCertificate['signatures'][0], QuorumCertificate['signatures'][0]]
    expect(reject({ ...good, signatures: [a, b, b, c] })).toEqual({ ok: false, reason: 'duplicate-signer' })
    expect(reject({ ...good, signatures: [b, a, c] })).toEqual({ ok: false, reason: 'duplicate-signer' })
  })

  it('bad-signature: tampered, wrong key, wrong chain, malformed', () => {
    const sigs = good.signatures
    const tampered = sigs.map((s, i) => (i === 1 ? { ...s, signature: s.signature.map((x, j) => (j === 10 ? x ^ 0x80 : x)) } : s))
    expect(reject({ ...good, signatures: tampered })).toEqual({ ok: false, reason: 'bad-signature' })
    const byWrongKey = signVote(keys.secretKeys[3] as Uint8Array, SAMPLE_GENESIS_HASH, good.headerHash, 1)
    expect(reject({ ...good, signatures: [sigs[0]!, byWrongKey, sigs[2]!] })).toEqual({ ok: false, reason: 'bad-signature' })
    const otherChain = signVote(keys.secretKeys[1] as Uint8Array, new Uint8Array(32).fill(0xcd), good.headerHash, 1)
    expect(reject({ ...good, signatures: [sigs[0]!, otherChain, sigs[2]!] })).toEqual({ ok: false, reason: 'bad-signature' })
    expect(reject({ ...good, signatures: [sigs[0]!, { validator: 1, signature: new Uint8Array(64) }, sigs[2]!] })).toEqual({ ok: false, reason: 'bad-signature' })
    expect(reject({ ...good, signatures: [sigs[0]!, { validator: 1, signature: new Uint8Array(3) }, sigs[2]!] })).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('bad-signature, not an exception, when a set key is not a curve point', () => {
    const set = [...keys.set]
    set[1] = new Uint8Array(32).fill(0xff)
    const h = sampleChild(sampleGenesis(set), 4)
    expect(verifyQuorumCertificate(h, certify(h, keys, [0, 1, 2]), set, SAMPLE_GENESIS_HASH)).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('quorum-missing, including an empty certificate', () => {
    expect(reject(certify(header, keys, [0, 3]))).toEqual({ ok: false, reason: 'quorum-missing' })
    expect(reject(makeQuorumCertificate(good.headerHash, []))).toEqual({ ok: false, reason: 'quorum-missing' })
  })
})

describe('detectEquivocation', () => {
  const fork = { ...header, stateRoot: header.stateRoot + 1n }
  const a = { header, qc: certify(header, keys, [0, 1, 2]) }
  const b = { header: fork, qc: certify(fork, keys, [1, 2, 3]) }

  it('is true for two valid certificates on different headers at one height', () => {
    expect(detectEquivocation(a, b, keys.set, SAMPLE_GENESIS_HASH)).toBe(true)
    expect(detectEquivocation(b, a, keys.set, SAMPLE_GENESIS_HASH)).toBe(true)
  })

  it('is false for the same header, a different height, or an invalid certificate', () => {
    expect(detectEquivocation(a, { header, qc: certify(header, keys, [1, 2, 3]) }, keys.set, SAMPLE_GENESIS_HASH)).toBe(false)
    const next = sampleChild(header, 4)
    expect(detectEquivocation(a, { header: next, qc: certify(next, keys, [0, 1, 2]) }, keys.set, SAMPLE_GENESIS_HASH)).toBe(false)
    expect(detectEquivocation(a, { header: fork, qc: certify(fork, keys, [1, 2]) }, keys.set, SAMPLE_GENESIS_HASH)).toBe(false)
    expect(detectEquivocation(a, b, validatorKeys(4, 'other').set, SAMPLE_GENESIS_HASH)).toBe(false)
  })
})
