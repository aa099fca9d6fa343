// Quorum certificates: Ed25519 votes of more than 2/3 of the validator set over a
// domain-separated header hash (docs/spec.md#blocks-headers-validators).
import { ed25519 } from '@noble/curves/ed25519.js'
import { QC_DOMAIN } from './constants.ts'
import { concatBytes, equalBytes } from './bytes.ts'
import { hashHeader, hashValidatorSet } from './header.ts'
import type { Header, QuorumCertificate, QuorumReason, ValidatorSet, Verdict, Vote } from './types.ts'

const domain = new TextEncoder().encode(QC_DOMAIN)

/** The bytes a validator signs: domain ‖ genesisHash ‖ headerHash, so a vote counts on one network only. */
export function qcMessage(genesisHash: Uint8Array, headerHash: Uint8Array): Uint8Array {
  if (genesisHash.length !== 32 || headerHash.length !== 32) throw new RangeError('genesis and header hashes are 32 bytes')
  return concatBytes(domain, genesisHash, headerHash)
}

export function validatorPublicKey(secretKey: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(secretKey)
}

export function signVote(secretKey: Uint8Array, genesisHash: Uint8Array, headerHash: Uint8Array, validator: number): Vote {
  return { validator, signature: ed25519.sign(qcMessage(genesisHash, headerHash), secretKey) }
}

/** Sorts the votes by validator index, the order verifyQuorumCertificate requires. */
export function makeQuorumCertificate(headerHash: Uint8Array, votes: readonly Vote[]): QuorumCertificate {
  return { headerHash, signatures: [...votes].sort((a, b) => a.validator - b.validator) }
}

/** Smallest signature count that is more than two thirds of n: 3·count > 2·n. */
export function quorumSize(n: number): number {
  return Math.floor((2 * n) / 3) + 1
}

/** An Ed25519 check with verifySignature's verdicts (a faster one may be passed in where one exists). */
export type SignatureCheck = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean

/** The same check, answered later: WebCrypto's verify (src/client/signature-check.ts). */
export type AsyncSignatureCheck = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => Promise<boolean>

/**
 * Checks `qc` on `header` against the validator set of the network whose genesis hash is
 * `genesisHash`. `check` must give verifySignature's verdicts; it is there so that a node can
 * check many certificates with a native implementation (src/node/signature-check.ts).
 */
export function verifyQuorumCertificate(header: Header, qc: QuorumCertificate, set: ValidatorSet, genesisHash: Uint8Array, check: SignatureCheck = verifySignature): Verdict<QuorumReason> {
  const shape = certificateShape(header, qc, set, genesisHash)
  if (!shape.ok) return shape
  for (const v of qc.signatures) {
    if (!check(v.signature, shape.message, set[v.validator] as Uint8Array)) return { ok: false, reason: 'bad-signature' }
  }
  return { ok: true }
}

/** verifyQuorumCertificate with a check that answers later; the signatures are checked at once, not one after another. */
export async function verifyQuorumCertificateAsync(header: Header, qc: QuorumCertificate, set: ValidatorSet, genesisHash: Uint8Array, check: AsyncSignatureCheck): Promise<Verdict<QuorumReason>> {
  const shape = certificateShape(header, qc, set, genesisHash)
  if (!shape.ok) return shape
  const verdicts = await Promise.all(qc.signatures.map((v) => check(v.signature, shape.message, set[v.validator] as Uint8Array)))
  return verdicts.every(Boolean) ? { ok: true } : { ok: false, reason: 'bad-signature' }
}

/** Everything verifyQuorumCertificate checks before any curve work; on success, the message every vote must sign. */
function certificateShape(header: Header, qc: QuorumCertificate, set: ValidatorSet, genesisHash: Uint8Array): { ok: false; reason: QuorumReason } | { ok: true; message: Uint8Array } {
  if (!equalBytes(hashValidatorSet(set), header.validatorSetHash)) return { ok: false, reason: 'wrong-validator-set' }
  if (!equalBytes(qc.headerHash, hashHeader(header))) return { ok: false, reason: 'wrong-header' }
  let previous = -1
  for (const v of qc.signatures) {
    if (!Number.isInteger(v.validator) || v.validator < 0 || v.validator >= set.length) return { ok: false, reason: 'unknown-signer' }
    // Strictly increasing indices make a repeated signer impossible to hide by reordering.
    if (v.validator <= previous) return { ok: false, reason: 'duplicate-signer' }
    previous = v.validator
  }
  // Counted before any signature is checked, so an under-quorum certificate costs no curve work.
  if (3 * qc.signatures.length <= 2 * set.length) return { ok: false, reason: 'quorum-missing' }
  return { ok: true, message: qcMessage(genesisHash, qc.headerHash) }
}

/**
 * Ed25519 verification that treats malformed keys or signatures as invalid rather than
 * throwing. ZIP-215 rules are pinned (noble's default for ed25519, stated here so a
 * library upgrade cannot change it): they define validity exactly, so every compatible
 * implementation accepts the same certificates. Honest signatures pass either rule set.
 */
export function verifySignature(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: true })
  } catch {
    return false
  }
}

export interface CertifiedHeader {
  header: Header
  qc: QuorumCertificate
}

/** Two valid certificates for different headers at one height: the validator set equivocated. */
export function detectEquivocation(a: CertifiedHeader, b: CertifiedHeader, set: ValidatorSet, genesisHash: Uint8Array): boolean {
  if (a.header.height !== b.header.height || a.header.chainId !== b.header.chainId) return false
  if (equalBytes(hashHeader(a.header), hashHeader(b.header))) return false
  return verifyQuorumCertificate(a.header, a.qc, set, genesisHash).ok && verifyQuorumCertificate(b.header, b.qc, set, genesisHash).ok
}

/** Why a key cannot be a validator's (checkValidatorKey). */
export type ValidatorKeyReason = 'bad-length' | 'not-a-point' | 'non-canonical' | 'small-order'

/**
 * A validator key a chain may list: a canonical Ed25519 point encoding, not of small order.
 * A small-order key (the identity among them) verifies forged signatures under ZIP-215
 * (R = identity, S = 0 checks for every message), so it could sign anything. ZIP-215
 * decoding (what verifySignature uses) also takes y >= p and a negative zero x: a second
 * spelling of a point, refused here so each key has one encoding.
 */
export function checkValidatorKey(key: Uint8Array): Verdict<ValidatorKeyReason> {
  if (key.length !== 32) return { ok: false, reason: 'bad-length' }
  let p: ReturnType<typeof ed25519.Point.fromBytes>
  try {
    p = ed25519.Point.fromBytes(key, true)
  } catch {
    return { ok: false, reason: 'not-a-point' }
  }
  if (!equalBytes(p.toBytes(), key)) return { ok: false, reason: 'non-canonical' }
  if (p.isSmallOrder()) return { ok: false, reason: 'small-order' }
  return { ok: true }
}

/** Whether `key` passes checkValidatorKey. */
export function isValidValidatorKey(key: Uint8Array): boolean {
  return checkValidatorKey(key).ok
}
