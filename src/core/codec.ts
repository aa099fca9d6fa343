// Canonical binary encoding of every object that crosses the wire or is hashed
// (docs/spec.md#canonical-binary-encoding): tag ‖ version ‖ fields, deterministic,
// with typed rejections for truncated, trailing, over-long or out-of-range input.
import { BABYJUB_SUBORDER, BASE_FIELD_MODULUS, CODEC_VERSION, MAX_BLOCK_TRANSFERS, MAX_TREE_DEPTH, MAX_VALIDATORS, PROOF_BYTES, TAG } from './constants.ts'
import { ByteReader, ByteWriter, DecodeError, bytesToBigInt, bytesToHex } from './bytes.ts'
import type {
  Account,
  AccountProof,
  Block,
  CertifiedCheckpoint,
  ChainParams,
  Checkpoint,
  Decoded,
  Header,
  ProofBytes,
  QuorumCertificate,
  SetupClass,
  Transfer,
  TrustAnchor,
  ValidatorSet,
  Vote,
} from './types.ts'

// Every writeX throws RangeError for a value its readX would reject, so whatever
// encodes also decodes, and every accepted encoding re-encodes to the same bytes.

type Tag = (typeof TAG)[keyof typeof TAG]

function writeTag(w: ByteWriter, tag: Tag): void {
  w.u8(tag).u8(CODEC_VERSION)
}

function readTag(r: ByteReader, tag: Tag): void {
  if (r.u8() !== tag) throw new DecodeError('bad-tag')
  if (r.u8() !== CODEC_VERSION) throw new DecodeError('bad-version')
}

/** Runs a reader over the whole input, turning decode errors into rejections. */
export function decodeWith<T>(bytes: Uint8Array, read: (r: ByteReader) => T): Decoded<T> {
  try {
    const r = new ByteReader(bytes)
    const value = read(r)
    r.end()
    return { ok: true, value }
  } catch (err) {
    if (err instanceof DecodeError) return { ok: false, reason: err.reason }
    throw err
  }
}

export function encodeWith<T>(x: T, write: (w: ByteWriter, x: T) => void): Uint8Array {
  const w = new ByteWriter()
  write(w, x)
  return w.finish()
}

// --- header ---
export function writeHeader(w: ByteWriter, h: Header): void {
  writeTag(w, TAG.header)
  w.u32(h.chainId).safeU64(h.height).bytes32(h.parentHash).field(h.stateRoot).field(h.txRoot).safeU64(h.timestamp).bytes32(h.validatorSetHash).u16(h.proposer)
}
export function readHeader(r: ByteReader): Header {
  readTag(r, TAG.header)
  return {
    chainId: r.u32(),
    height: r.safeU64(),
    parentHash: r.bytes32(),
    stateRoot: r.field(),
    txRoot: r.field(),
    timestamp: r.safeU64(),
    validatorSetHash: r.bytes32(),
    proposer: r.u16(),
  }
}

// --- transfer ---
export function writeTransfer(w: ByteWriter, t: Transfer): void {
  if (t.sig.S < 0n || t.sig.S >= BABYJUB_SUBORDER) throw new RangeError('signature S must be below the Baby Jubjub subgroup order')
  writeTag(w, TAG.transfer)
  w.u32(t.from).u32(t.to).field(t.toPubKey[0]).field(t.toPubKey[1]).u64(t.amount).u32(t.nonce)
  w.field(t.sig.R8[0]).field(t.sig.R8[1]).field(t.sig.S)
}
export function readTransfer(r: ByteReader): Transfer {
  readTag(r, TAG.transfer)
  const from = r.u32()
  const to = r.u32()
  const toPubKey = [r.field(), r.field()] as const
  const amount = r.u64()
  const nonce = r.u32()
  const R8 = [r.field(), r.field()] as const
  const S = r.field()
  // S >= l would make the signature malleable (S and S + l both verify).
  if (S >= BABYJUB_SUBORDER) throw new DecodeError('out-of-range')
  return { from, to, toPubKey, amount, nonce, sig: { R8, S } }
}

// --- block ---
export function writeBlock(w: ByteWriter, b: Block): void {
  writeTag(w, TAG.block)
  writeHeader(w, b.header)
  w.list(b.transfers, MAX_BLOCK_TRANSFERS, writeTransfer)
}
export function readBlock(r: ByteReader): Block {
  readTag(r, TAG.block)
  return { header: readHeader(r), transfers: r.list(MAX_BLOCK_TRANSFERS, readTransfer) }
}

// --- validator set ---
export function writeValidatorSet(w: ByteWriter, set: ValidatorSet): void {
  if (set.length < 1) throw new RangeError('a validator set has at least one key')
  if (hasDuplicates(set)) throw new RangeError('a validator set has no duplicate keys')
  writeTag(w, TAG.validatorSet)
  w.list(set, MAX_VALIDATORS, (ww, k) => ww.bytes32(k))
}
export function readValidatorSet(r: ByteReader): ValidatorSet {
  readTag(r, TAG.validatorSet)
  const set = r.list(MAX_VALIDATORS, (rr) => rr.bytes32())
  if (set.length < 1) throw new DecodeError('out-of-range')
  // A repeated key would count twice towards a quorum.
  if (hasDuplicates(set)) throw new DecodeError('not-canonical')
  return set
}
function hasDuplicates(set: ValidatorSet): boolean {
  return new Set(set.map(bytesToHex)).size !== set.length
}

// --- quorum certificate ---
export function writeQuorumCertificate(w: ByteWriter, qc: QuorumCertificate): void {
  writeTag(w, TAG.quorumCertificate)
  w.bytes32(qc.headerHash)
  w.list(qc.signatures, MAX_VALIDATORS, (ww, v: Vote) => {
    if (v.signature.length !== 64) throw new RangeError('an Ed25519 signature is 64 bytes')
    ww.u16(v.validator).raw(v.signature)
  })
}
/** Does not check signer order or duplicates: verifyQuorumCertificate rejects those with a reason. */
export function readQuorumCertificate(r: ByteReader): QuorumCertificate {
  readTag(r, TAG.quorumCertificate)
  const headerHash = r.bytes32()
  const signatures = r.list(MAX_VALIDATORS, (rr) => ({ validator: rr.u16(), signature: rr.raw(64) }))
  return { headerHash, signatures }
}

// --- account ---
export function writeAccount(w: ByteWriter, a: Account): void {
  writeTag(w, TAG.account)
  w.field(a.pubKey[0]).field(a.pubKey[1]).u64(a.balance).u32(a.nonce)
}
export function readAccount(r: ByteReader): Account {
  readTag(r, TAG.account)
  return { pubKey: [r.field(), r.field()], balance: r.u64(), nonce: r.u32() }
}

// --- account proof ---
// The codec does not relate index and sibling count to a tree depth: the verifier knows
// the depth and rejects a mismatch (smt.ts verifyAccountProof: bad-proof-length,
// index-out-of-range), and a node must be able to encode whatever proof it serves.
export function writeAccountProof(w: ByteWriter, p: AccountProof): void {
  writeTag(w, TAG.accountProof)
  w.u32(p.index).optional(p.account, writeAccount)
  w.list(p.siblings, MAX_TREE_DEPTH, (ww, s) => ww.field(s))
}
export function readAccountProof(r: ByteReader): AccountProof {
  readTag(r, TAG.accountProof)
  const index = r.u32()
  const account = r.optional(readAccount)
  const siblings = r.list(MAX_TREE_DEPTH, (rr) => rr.field())
  return { index, account, siblings }
}

// --- checkpoint ---
export function writeCheckpoint(w: ByteWriter, c: Checkpoint): void {
  writeTag(w, TAG.checkpoint)
  w.u32(c.chainId).bytes32(c.genesisHash).safeU64(c.height).bytes32(c.headerHash).field(c.stateRoot)
  writeValidatorSet(w, c.validatorSet)
}
export function readCheckpoint(r: ByteReader): Checkpoint {
  readTag(r, TAG.checkpoint)
  return { chainId: r.u32(), genesisHash: r.bytes32(), height: r.safeU64(), headerHash: r.bytes32(), stateRoot: r.field(), validatorSet: readValidatorSet(r) }
}

// --- chain parameters ---
const SETUP_CLASSES: readonly SetupClass[] = ['insecure-dev', 'single-party', 'ceremony']
export function writeChainParams(w: ByteWriter, p: ChainParams): void {
  const cls = SETUP_CLASSES.indexOf(p.setupClass)
  if (cls < 0) throw new RangeError(`unknown setup class ${String(p.setupClass)}`)
  if (!Number.isInteger(p.batch) || p.batch < 1 || p.batch > MAX_BLOCK_TRANSFERS) throw new RangeError('batch out of range')
  if (!Number.isInteger(p.depth) || p.depth < 1 || p.depth > MAX_TREE_DEPTH) throw new RangeError('depth out of range')
  writeTag(w, TAG.chainParams)
  w.bytes32(p.networkId).u16(p.batch).u8(p.depth).bytes32(p.vkHash).u8(cls).u16(p.contributions).bytes32(p.transcriptHash)
}
export function readChainParams(r: ByteReader): ChainParams {
  readTag(r, TAG.chainParams)
  const networkId = r.bytes32()
  const batch = r.u16()
  const depth = r.u8()
  if (batch < 1 || batch > MAX_BLOCK_TRANSFERS || depth < 1 || depth > MAX_TREE_DEPTH) throw new DecodeError('out-of-range')
  const vkHash = r.bytes32()
  const setupClass = SETUP_CLASSES[r.u8()]
  if (setupClass === undefined) throw new DecodeError('out-of-range')
  return { networkId, batch, depth, vkHash, setupClass, contributions: r.u16(), transcriptHash: r.bytes32() }
}

// --- trust anchor ---
export function writeTrustAnchor(w: ByteWriter, a: TrustAnchor): void {
  writeTag(w, TAG.trustAnchor)
  writeHeader(w, a.genesis)
  writeChainParams(w, a.params)
  writeCheckpoint(w, a.checkpoint)
}
export function readTrustAnchor(r: ByteReader): TrustAnchor {
  readTag(r, TAG.trustAnchor)
  return { genesis: readHeader(r), params: readChainParams(r), checkpoint: readCheckpoint(r) }
}

// --- certified checkpoint ---
export function writeCertifiedCheckpoint(w: ByteWriter, c: CertifiedCheckpoint): void {
  writeTag(w, TAG.certifiedCheckpoint)
  writeCheckpoint(w, c.checkpoint)
  writeHeader(w, c.header)
  w.optional(c.qc, writeQuorumCertificate)
}
export function readCertifiedCheckpoint(r: ByteReader): CertifiedCheckpoint {
  readTag(r, TAG.certifiedCheckpoint)
  return { checkpoint: readCheckpoint(r), header: readHeader(r), qc: r.optional(readQuorumCertificate) }
}

// --- proof ---
// Coordinates at or above the base field modulus q would be reduced silently by a
// verifier, giving one proof several encodings.
function coordinatesInRange(p: ProofBytes): boolean {
  for (let i = 0; i < PROOF_BYTES; i += 32) if (bytesToBigInt(p.subarray(i, i + 32)) >= BASE_FIELD_MODULUS) return false
  return true
}
export function writeProof(w: ByteWriter, p: ProofBytes): void {
  if (p.length !== PROOF_BYTES) throw new RangeError(`a proof is ${PROOF_BYTES} bytes`)
  if (!coordinatesInRange(p)) throw new RangeError('proof coordinate not below the base field modulus')
  writeTag(w, TAG.proof)
  w.raw(p)
}
export function readProof(r: ByteReader): ProofBytes {
  readTag(r, TAG.proof)
  const p = r.raw(PROOF_BYTES)
  if (!coordinatesInRange(p)) throw new DecodeError('out-of-range')
  return p
}

export const encodeHeader = (x: Header): Uint8Array => encodeWith(x, writeHeader)
export const decodeHeader = (b: Uint8Array): Decoded<Header> => decodeWith(b, readHeader)
export const encodeTransfer = (x: Transfer): Uint8Array => encodeWith(x, writeTransfer)
export const decodeTransfer = (b: Uint8Array): Decoded<Transfer> => decodeWith(b, readTransfer)
export const encodeBlock = (x: Block): Uint8Array => encodeWith(x, writeBlock)
export const decodeBlock = (b: Uint8Array): Decoded<Block> => decodeWith(b, readBlock)
export const encodeValidatorSet = (x: ValidatorSet): Uint8Array => encodeWith(x, writeValidatorSet)
export const decodeValidatorSet = (b: Uint8Array): Decoded<ValidatorSet> => decodeWith(b, readValidatorSet)
export const encodeQuorumCertificate = (x: QuorumCertificate): Uint8Array => encodeWith(x, writeQuorumCertificate)
export const decodeQuorumCertificate = (b: Uint8Array): Decoded<QuorumCertificate> => decodeWith(b, readQuorumCertificate)
export const encodeAccount = (x: Account): Uint8Array => encodeWith(x, writeAccount)
export const decodeAccount = (b: Uint8Array): Decoded<Account> => decodeWith(b, readAccount)
export const encodeAccountProof = (x: AccountProof): Uint8Array => encodeWith(x, writeAccountProof)
export const decodeAccountProof = (b: Uint8Array): Decoded<AccountProof> => decodeWith(b, readAccountProof)
export const encodeCheckpoint = (x: Checkpoint): Uint8Array => encodeWith(x, writeCheckpoint)
export const decodeCheckpoint = (b: Uint8Array): Decoded<Checkpoint> => decodeWith(b, readCheckpoint)
export const encodeChainParams = (x: ChainParams): Uint8Array => encodeWith(x, writeChainParams)
export const decodeChainParams = (b: Uint8Array): Decoded<ChainParams> => decodeWith(b, readChainParams)
export const encodeTrustAnchor = (x: TrustAnchor): Uint8Array => encodeWith(x, writeTrustAnchor)
export const decodeTrustAnchor = (b: Uint8Array): Decoded<TrustAnchor> => decodeWith(b, readTrustAnchor)
export const encodeCertifiedCheckpoint = (x: CertifiedCheckpoint): Uint8Array => encodeWith(x, writeCertifiedCheckpoint)
export const decodeCertifiedCheckpoint = (b: Uint8Array): Decoded<CertifiedCheckpoint> => decodeWith(b, readCertifiedCheckpoint)
export const encodeProof = (x: ProofBytes): Uint8Array => encodeWith(x, writeProof)
export const decodeProof = (b: Uint8Array): Decoded<ProofBytes> => decodeWith(b, readProof)
