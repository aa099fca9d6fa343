// Wire messages of the zklight protocols: type ‖ version ‖ body, bodies built
// from the canonical core encodings (docs/protocol.md#messages). Decoders return
// a value, never throw, for any input.
import type { ByteWriter } from '../core/bytes.ts'
import {
  decodeWith,
  readAccountProof,
  readBlock,
  readHeader,
  readProof,
  readQuorumCertificate,
  readTransfer,
  writeAccountProof,
  writeBlock,
  writeHeader,
  writeProof,
  writeQuorumCertificate,
  writeTransfer,
} from '../core/codec.ts'
import type { AccountProof, BlockEntry, Decoded, Header, QuorumCertificate, Transfer, TransferReason } from '../core/types.ts'
import { ERROR_CODE, MAX_HEADERS_PER_REQUEST, MAX_PROOFS_PER_REQUEST, MSG } from './constants.ts'
import { begin, decodeReply, encodeListWithin, readText, readType, writeText, type ErrorResponse, type MessageType } from './message-parts.ts'

export { clampText, type ErrorCode, type ErrorResponse, type MessageType } from './message-parts.ts'

export interface HeadersRequest {
  from: number
  /** 1..512 are served; 0 is `bad-request`, more is `range-too-long` (decoding accepts any u16). */
  count: number
}
export type ProofsRequest = HeadersRequest
export interface AccountRequest {
  index: number
  /** A height, or LATEST_HEIGHT for the server's latest proven state. */
  height: number
}
export interface SubmitRequest {
  transfer: Transfer
}

export interface StatusResponse {
  kind: 'status'
  chainId: number
  genesisHash: Uint8Array
  /** Always `headHeader.height` (not on the wire twice). */
  headHeight: number
  headHeader: Header
  /** Null only while the head is genesis, which the checkpoint already trusts. */
  headQc: QuorumCertificate | null
}
export interface HeaderEntry {
  header: Header
  qc: QuorumCertificate | null
}
export interface HeadersResponse {
  kind: 'headers'
  headers: HeaderEntry[]
}
export interface ProofsResponse {
  kind: 'proofs'
  entries: BlockEntry[]
}
export interface AccountResponse {
  kind: 'account'
  /** Always `header.height`. */
  height: number
  header: Header
  qc: QuorumCertificate | null
  accountProof: AccountProof
}
export type SubmitResponse = { kind: 'submit'; accepted: true } | { kind: 'submit'; accepted: false; reason: string }
/**
 * The reasons a zklight node refuses a submit with (docs/protocol.md#submit-refusals): a
 * ledger rule, or a node condition. The wire carries free text, so a peer may see others.
 */
export type SubmitRefusal = TransferReason | 'duplicate' | 'mempool-full' | 'busy' | 'no-upstream' | 'rate-limited'
/** A message without its `kind` discriminant (what encoders need), kept distributive over unions. */
export type Body<T> = T extends unknown ? Omit<T, 'kind'> : never
/** Gossiped on HEADS_TOPIC: a head with the certificate that makes it canonical. */
export interface HeadAnnouncement {
  header: Header
  qc: QuorumCertificate
}

// --- error ---

export function encodeError(e: Body<ErrorResponse>): Uint8Array {
  const w = begin(MSG.error).u8(ERROR_CODE[e.code])
  writeText(w, e.message)
  return w.finish()
}

// --- status ---

export const encodeStatusRequest = (): Uint8Array => begin(MSG.statusRequest).finish()
export const decodeStatusRequest = (b: Uint8Array): Decoded<Record<string, never>> =>
  decodeWith(b, (r) => {
    readType(r, [MSG.statusRequest])
    return {}
  })

export function encodeStatusResponse(s: Body<StatusResponse>): Uint8Array {
  if (s.headHeight !== s.headHeader.height) throw new RangeError('headHeight must equal headHeader.height')
  const w = begin(MSG.statusResponse).u32(s.chainId).bytes32(s.genesisHash)
  writeHeader(w, s.headHeader)
  w.optional(s.headQc, writeQuorumCertificate)
  return w.finish()
}
export const decodeStatusResponse = (b: Uint8Array) =>
  decodeReply<StatusResponse>(b, MSG.statusResponse, (r) => {
    const chainId = r.u32()
    const genesisHash = r.bytes32()
    const headHeader = readHeader(r)
    const headQc = r.optional(readQuorumCertificate)
    return { kind: 'status', chainId, genesisHash, headHeight: headHeader.height, headHeader, headQc }
  })

// --- headers and proofs (same request shape, different type and limit) ---

function rangeCodec(type: MessageType) {
  return {
    encode: (q: HeadersRequest): Uint8Array => begin(type).safeU64(q.from).u16(q.count).finish(),
    decode: (b: Uint8Array): Decoded<HeadersRequest> =>
      decodeWith(b, (r) => {
        readType(r, [type])
        return { from: r.safeU64(), count: r.u16() }
      }),
  }
}
const headersRange = rangeCodec(MSG.headersRequest)
const proofsRange = rangeCodec(MSG.proofsRequest)
export const encodeHeadersRequest = headersRange.encode
export const decodeHeadersRequest = headersRange.decode
export const encodeProofsRequest: (q: ProofsRequest) => Uint8Array = proofsRange.encode
export const decodeProofsRequest: (b: Uint8Array) => Decoded<ProofsRequest> = proofsRange.decode

function writeHeaderEntry(w: ByteWriter, e: HeaderEntry): void {
  writeHeader(w, e.header)
  w.optional(e.qc, writeQuorumCertificate)
}

export function encodeHeadersResponse(res: Body<HeadersResponse>, maxBytes: number): Uint8Array {
  return encodeListWithin(MSG.headersResponse, res.headers, MAX_HEADERS_PER_REQUEST, maxBytes, writeHeaderEntry)
}
export const decodeHeadersResponse = (b: Uint8Array) =>
  decodeReply<HeadersResponse>(b, MSG.headersResponse, (r) => ({
    kind: 'headers',
    headers: r.list(MAX_HEADERS_PER_REQUEST, (rr) => ({ header: readHeader(rr), qc: rr.optional(readQuorumCertificate) })),
  }))

function writeProofEntry(w: ByteWriter, e: BlockEntry): void {
  writeBlock(w, e.block)
  w.optional(e.proof, writeProof)
  w.optional(e.qc, writeQuorumCertificate)
}

export function encodeProofsResponse(res: Body<ProofsResponse>, maxBytes: number): Uint8Array {
  return encodeListWithin(MSG.proofsResponse, res.entries, MAX_PROOFS_PER_REQUEST, maxBytes, writeProofEntry)
}
export const decodeProofsResponse = (b: Uint8Array) =>
  decodeReply<ProofsResponse>(b, MSG.proofsResponse, (r) => ({
    kind: 'proofs',
    entries: r.list(MAX_PROOFS_PER_REQUEST, (rr) => ({
      block: readBlock(rr),
      proof: rr.optional(readProof),
      qc: rr.optional(readQuorumCertificate),
    })),
  }))

// --- account ---

export const encodeAccountRequest = (q: AccountRequest): Uint8Array => begin(MSG.accountRequest).u32(q.index).safeU64(q.height).finish()
export const decodeAccountRequest = (b: Uint8Array): Decoded<AccountRequest> =>
  decodeWith(b, (r) => {
    readType(r, [MSG.accountRequest])
    return { index: r.u32(), height: r.safeU64() }
  })

export function encodeAccountResponse(a: Body<AccountResponse>): Uint8Array {
  if (a.height !== a.header.height) throw new RangeError('height must equal header.height')
  const w = begin(MSG.accountResponse)
  writeHeader(w, a.header)
  w.optional(a.qc, writeQuorumCertificate)
  writeAccountProof(w, a.accountProof)
  return w.finish()
}
export const decodeAccountResponse = (b: Uint8Array) =>
  decodeReply<AccountResponse>(b, MSG.accountResponse, (r) => {
    const header = readHeader(r)
    const qc = r.optional(readQuorumCertificate)
    return { kind: 'account', height: header.height, header, qc, accountProof: readAccountProof(r) }
  })

// --- submit ---

export function encodeSubmitRequest(q: SubmitRequest): Uint8Array {
  const w = begin(MSG.submitRequest)
  writeTransfer(w, q.transfer)
  return w.finish()
}
export const decodeSubmitRequest = (b: Uint8Array): Decoded<SubmitRequest> =>
  decodeWith(b, (r) => {
    readType(r, [MSG.submitRequest])
    return { transfer: readTransfer(r) }
  })

export function encodeSubmitResponse(s: Body<SubmitResponse>): Uint8Array {
  const w = begin(MSG.submitResponse).u8(s.accepted ? 1 : 0)
  if (!s.accepted) writeText(w, s.reason)
  return w.finish()
}
export const decodeSubmitResponse = (b: Uint8Array) =>
  decodeReply<SubmitResponse>(b, MSG.submitResponse, (r) => (r.bool() ? { kind: 'submit', accepted: true } : { kind: 'submit', accepted: false, reason: readText(r) }))

// --- gossip ---

export function encodeHeadAnnouncement(a: HeadAnnouncement): Uint8Array {
  const w = begin(MSG.headAnnouncement)
  writeHeader(w, a.header)
  writeQuorumCertificate(w, a.qc)
  return w.finish()
}
export const decodeHeadAnnouncement = (b: Uint8Array): Decoded<HeadAnnouncement> =>
  decodeWith(b, (r) => {
    readType(r, [MSG.headAnnouncement])
    return { header: readHeader(r), qc: readQuorumCertificate(r) }
  })
