// The bodies-free range protocol (docs/protocol.md#header-proofs): for catch-up below the
// blocks whose transfers a light client checks, a range of headers with their proofs and
// one certificate, on the last header, instead of whole blocks with a certificate each.
// The proof binds header.txRoot and the headers are hash-linked, so a state root needs no
// body. Decoders return a value, never throw, for any input.
import { DecodeError } from '../core/bytes.ts'
import { decodeWith, readHeader, readProof, readQuorumCertificate, writeHeader, writeProof, writeQuorumCertificate } from '../core/codec.ts'
import type { Decoded, Header, ProofBytes, QuorumCertificate } from '../core/types.ts'
import { HEADER_PROOFS_TIMEOUT_MS, MAX_FIXED_REQUEST_BYTES, MAX_HEADER_PROOFS_RESPONSE_BYTES, MAX_PROOFS_PER_REQUEST, MSG, PROTOCOL } from './constants.ts'
import { begin, decodeReply, readType, type ErrorResponse } from './message-parts.ts'
import { encodeError, type Body, type ProofsRequest } from './messages.ts'
import { checkRangeRequest, type ProtocolSpec } from './protocols.ts'

/** Same shape as a proofs request: `from u64 ‖ count u16`, 1 ≤ count ≤ 64. */
export type HeaderProofsRequest = ProofsRequest

/** One header and its proof: null for an empty block (`txRoot = 0`). */
export interface HeaderProof {
  header: Header
  proof: ProofBytes | null
}

export interface HeaderProofsResponse {
  kind: 'header-proofs'
  /** Consecutive headers from the request's `from`: at least one, at most 64. */
  entries: HeaderProof[]
  /** The certificate of the last entry's header (the only one sent: the headers before it are hash-linked to it). */
  qc: QuorumCertificate
}

export const encodeHeaderProofsRequest = (q: HeaderProofsRequest): Uint8Array => begin(MSG.headerProofsRequest).safeU64(q.from).u16(q.count).finish()
export const decodeHeaderProofsRequest = (b: Uint8Array): Decoded<HeaderProofsRequest> =>
  decodeWith(b, (r) => {
    readType(r, [MSG.headerProofsRequest])
    return { from: r.safeU64(), count: r.u16() }
  })

/** Throws RangeError for no entry or more than 64 (what the decoder refuses). */
export function encodeHeaderProofsResponse(res: Body<HeaderProofsResponse>): Uint8Array {
  if (res.entries.length === 0) throw new RangeError('a header-proofs answer holds at least one header')
  const w = begin(MSG.headerProofsResponse)
  w.list(res.entries, MAX_PROOFS_PER_REQUEST, (ww, e) => {
    writeHeader(ww, e.header)
    ww.optional(e.proof, writeProof)
  })
  writeQuorumCertificate(w, res.qc)
  return w.finish()
}
export const decodeHeaderProofsResponse = (b: Uint8Array): Decoded<HeaderProofsResponse | ErrorResponse> =>
  decodeReply<HeaderProofsResponse>(b, MSG.headerProofsResponse, (r) => {
    const entries = r.list(MAX_PROOFS_PER_REQUEST, (rr) => ({ header: readHeader(rr), proof: rr.optional(readProof) }))
    // An empty list has no last header for the certificate (docs/protocol.md#range-requests: never empty).
    if (entries.length === 0) throw new DecodeError('out-of-range')
    return { kind: 'header-proofs', entries, qc: readQuorumCertificate(r) }
  })

/** `/zklight/header-proofs/1.0.0`: a proofs request's range checks, a far smaller answer. */
export const HEADER_PROOFS: ProtocolSpec<HeaderProofsRequest, HeaderProofsResponse> = {
  id: PROTOCOL.headerProofs,
  maxRequestBytes: MAX_FIXED_REQUEST_BYTES,
  maxResponseBytes: MAX_HEADER_PROOFS_RESPONSE_BYTES,
  timeoutMs: HEADER_PROOFS_TIMEOUT_MS,
  encodeRequest: encodeHeaderProofsRequest,
  decodeRequest: decodeHeaderProofsRequest,
  check: checkRangeRequest(MAX_PROOFS_PER_REQUEST),
  encodeResponse: (r) => (r.kind === 'error' ? encodeError(r) : encodeHeaderProofsResponse(r)),
  decodeResponse: decodeHeaderProofsResponse,
}
