// Wire messages between validators (docs/protocol.md#consensus) and of the two node
// protocols that go with them: certified blocks by range (for catching up) and evidence
// of double votes. Decoders return a value, never throw, for any input; error answers
// use the node protocols' error message (type 0x1f).
import { DecodeError, type ByteReader, type ByteWriter } from '../core/bytes.ts'
import { decodeWith, readBlock, readQuorumCertificate, writeBlock, writeQuorumCertificate } from '../core/codec.ts'
import type { SignedPromise } from '../core/consensus.ts'
import { MAX_VALIDATORS } from '../core/constants.ts'
import type { Block, Decoded, QuorumCertificate } from '../core/types.ts'
import { MAX_BLOCKS_PER_REQUEST, MAX_EVIDENCE_PER_RESPONSE, MSG } from './constants.ts'
import { begin, decodeReply, encodeListWithin, readText, readType, writeText, type ErrorResponse } from './message-parts.ts'

const SIGNATURE_BYTES = 64

/** Opens round `round` at `height`: the round's proposer asks every validator for a promise. */
export interface PrepareRequest {
  height: number
  round: number
  /** The proposer's validator index and its signature over prepareMessage. */
  validator: number
  signature: Uint8Array
}

/** A promise, and the block the validator voted for at that height (so it can be proposed again). */
export interface PrepareResponse {
  kind: 'prepare'
  promise: SignedPromise
  block: Block | null
}

export interface ProposeRequest {
  height: number
  round: number
  block: Block
  /** The proposer's validator index and its signature over proposalMessage. */
  validator: number
  signature: Uint8Array
  /** Round 0: none. Later rounds: the quorum of promises that justifies this header. */
  promises: SignedPromise[]
}

/**
 * `voted`: `signature` is the validator's certificate signature on the header. `locked`:
 * it already voted for another header at this height (the vote comes along). `refused`:
 * the proposal broke a rule, named by `reason`.
 */
export type ProposeResponse =
  | { kind: 'propose'; status: 'voted'; validator: number; signature: Uint8Array }
  | { kind: 'propose'; status: 'locked'; validator: number; headerHash: Uint8Array; signature: Uint8Array }
  | { kind: 'propose'; status: 'refused'; validator: number; reason: string }

export interface CommitRequest {
  block: Block
  qc: QuorumCertificate
}

export interface CommitResponse {
  kind: 'commit'
  /** False when the receiver could not append it (yet): it is behind and catching up, or the block was refused. */
  accepted: boolean
}

export interface BlocksRequest {
  from: number
  count: number
}

export interface CertifiedBlock {
  block: Block
  qc: QuorumCertificate
}

export interface BlocksResponse {
  kind: 'blocks'
  blocks: CertifiedBlock[]
}

/** Two certificate signatures of one validator on different headers at one height: proof it double-signed. */
export interface Evidence {
  height: number
  validator: number
  a: { headerHash: Uint8Array; signature: Uint8Array }
  b: { headerHash: Uint8Array; signature: Uint8Array }
}

export interface EvidenceRequest {
  from: number
}

export interface EvidenceResponse {
  kind: 'evidence'
  evidence: Evidence[]
}

const readSig = (r: ByteReader) => r.raw(SIGNATURE_BYTES)
function writeSig(w: ByteWriter, s: Uint8Array): void {
  if (s.length !== SIGNATURE_BYTES) throw new RangeError('an Ed25519 signature is 64 bytes')
  w.raw(s)
}

function writePromise(w: ByteWriter, p: SignedPromise): void {
  w.u16(p.validator)
  writeSig(w, p.signature)
  w.optional(p.vote, (ww, v) => {
    ww.u32(v.round).bytes32(v.headerHash)
    writeSig(ww, v.voteSignature)
    writeSig(ww, v.proposalSignature)
  })
}
function readPromise(r: ByteReader): SignedPromise {
  return {
    validator: r.u16(),
    signature: readSig(r),
    vote: r.optional((rr) => ({ round: rr.u32(), headerHash: rr.bytes32(), voteSignature: readSig(rr), proposalSignature: readSig(rr) })),
  }
}

function writeCertifiedBlock(w: ByteWriter, c: CertifiedBlock): void {
  writeBlock(w, c.block)
  writeQuorumCertificate(w, c.qc)
}
const readCertifiedBlock = (r: ByteReader): CertifiedBlock => ({ block: readBlock(r), qc: readQuorumCertificate(r) })

// --- prepare ---
export function encodePrepareRequest(q: PrepareRequest): Uint8Array {
  const w = begin(MSG.prepareRequest).safeU64(q.height).u32(q.round).u16(q.validator)
  writeSig(w, q.signature)
  return w.finish()
}
export const decodePrepareRequest = (b: Uint8Array): Decoded<PrepareRequest> =>
  decodeWith(b, (r) => {
    readType(r, [MSG.prepareRequest])
    return { height: r.safeU64(), round: r.u32(), validator: r.u16(), signature: readSig(r) }
  })

export function encodePrepareResponse(p: PrepareResponse): Uint8Array {
  const w = begin(MSG.prepareResponse)
  writePromise(w, p.promise)
  w.optional(p.block, writeBlock)
  return w.finish()
}
export const decodePrepareResponse = (b: Uint8Array) => decodeReply<PrepareResponse>(b, MSG.prepareResponse, (r) => ({ kind: 'prepare', promise: readPromise(r), block: r.optional(readBlock) }))

// --- propose ---
export function encodeProposeRequest(q: ProposeRequest): Uint8Array {
  const w = begin(MSG.proposeRequest).safeU64(q.height).u32(q.round).u16(q.validator)
  writeSig(w, q.signature)
  writeBlock(w, q.block)
  w.list(q.promises, MAX_VALIDATORS, writePromise)
  return w.finish()
}
export const decodeProposeRequest = (b: Uint8Array): Decoded<ProposeRequest> =>
  decodeWith(b, (r) => {
    readType(r, [MSG.proposeRequest])
    const height = r.safeU64()
    const round = r.u32()
    const validator = r.u16()
    const signature = readSig(r)
    const block = readBlock(r)
    return { height, round, validator, signature, block, promises: r.list(MAX_VALIDATORS, readPromise) }
  })

const STATUS_BYTE = { voted: 0, locked: 1, refused: 2 } as const
export function encodeProposeResponse(p: ProposeResponse): Uint8Array {
  const w = begin(MSG.proposeResponse).u8(STATUS_BYTE[p.status]).u16(p.validator)
  if (p.status === 'voted') writeSig(w, p.signature)
  else if (p.status === 'locked') writeSig(w.bytes32(p.headerHash), p.signature)
  else writeText(w, p.reason)
  return w.finish()
}
export const decodeProposeResponse = (b: Uint8Array) =>
  decodeReply<ProposeResponse>(b, MSG.proposeResponse, (r): ProposeResponse => {
    const status = r.u8()
    const validator = r.u16()
    if (status === 0) return { kind: 'propose', status: 'voted', validator, signature: readSig(r) }
    if (status === 1) return { kind: 'propose', status: 'locked', validator, headerHash: r.bytes32(), signature: readSig(r) }
    if (status === 2) return { kind: 'propose', status: 'refused', validator, reason: readText(r) }
    throw new DecodeError('out-of-range')
  })

// --- commit ---
export function encodeCommitRequest(q: CommitRequest): Uint8Array {
  const w = begin(MSG.commitRequest)
  writeCertifiedBlock(w, q)
  return w.finish()
}
export const decodeCommitRequest = (b: Uint8Array): Decoded<CommitRequest> =>
  decodeWith(b, (r) => {
    readType(r, [MSG.commitRequest])
    return readCertifiedBlock(r)
  })
export const encodeCommitResponse = (p: CommitResponse): Uint8Array => begin(MSG.commitResponse).bool(p.accepted).finish()
export const decodeCommitResponse = (b: Uint8Array) => decodeReply<CommitResponse>(b, MSG.commitResponse, (r) => ({ kind: 'commit', accepted: r.bool() }))

// --- certified blocks by range ---
export const encodeBlocksRequest = (q: BlocksRequest): Uint8Array => begin(MSG.blocksRequest).safeU64(q.from).u16(q.count).finish()
export const decodeBlocksRequest = (b: Uint8Array): Decoded<BlocksRequest> =>
  decodeWith(b, (r) => {
    readType(r, [MSG.blocksRequest])
    return { from: r.safeU64(), count: r.u16() }
  })
export const encodeBlocksResponse = (p: BlocksResponse, maxBytes: number): Uint8Array => encodeListWithin(MSG.blocksResponse, p.blocks, MAX_BLOCKS_PER_REQUEST, maxBytes, writeCertifiedBlock)
export const decodeBlocksResponse = (b: Uint8Array) => decodeReply<BlocksResponse>(b, MSG.blocksResponse, (r) => ({ kind: 'blocks', blocks: r.list(MAX_BLOCKS_PER_REQUEST, readCertifiedBlock) }))

// --- evidence ---
export const encodeEvidenceRequest = (q: EvidenceRequest): Uint8Array => begin(MSG.evidenceRequest).safeU64(q.from).finish()
export const decodeEvidenceRequest = (b: Uint8Array): Decoded<EvidenceRequest> =>
  decodeWith(b, (r) => {
    readType(r, [MSG.evidenceRequest])
    return { from: r.safeU64() }
  })
function writeEvidence(w: ByteWriter, e: Evidence): void {
  w.safeU64(e.height).u16(e.validator).bytes32(e.a.headerHash)
  writeSig(w, e.a.signature)
  w.bytes32(e.b.headerHash)
  writeSig(w, e.b.signature)
}
export const encodeEvidenceResponse = (p: EvidenceResponse, maxBytes: number): Uint8Array => encodeListWithin(MSG.evidenceResponse, p.evidence, MAX_EVIDENCE_PER_RESPONSE, maxBytes, writeEvidence)
export const decodeEvidenceResponse = (b: Uint8Array) =>
  decodeReply<EvidenceResponse>(b, MSG.evidenceResponse, (r) => ({
    kind: 'evidence',
    evidence: r.list(MAX_EVIDENCE_PER_RESPONSE, (rr) => ({
      height: rr.safeU64(),
      validator: rr.u16(),
      a: { headerHash: rr.bytes32(), signature: readSig(rr) },
      b: { headerHash: rr.bytes32(), signature: readSig(rr) },
    })),
  }))

export type { ErrorResponse }
