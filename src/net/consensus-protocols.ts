// The consensus and catch-up protocols as data (docs/protocol.md#consensus), in the same
// shape as the node protocols of protocols.ts so serve() and call() apply unchanged.
import * as C from './constants.ts'
import * as K from './consensus-messages.ts'
import type { ErrorResponse } from './messages.ts'
import { encodeError } from './messages.ts'
import { checkRangeRequest, type ProtocolSpec } from './protocols.ts'

const noCheck = () => undefined

function withError<Res extends { kind: string }>(encode: (r: Res) => Uint8Array) {
  return (r: Res | ErrorResponse): Uint8Array => (r.kind === 'error' ? encodeError(r as ErrorResponse) : encode(r as Res))
}

export const PREPARE: ProtocolSpec<K.PrepareRequest, K.PrepareResponse> = {
  id: C.PROTOCOL.prepare,
  maxRequestBytes: C.MAX_PREPARE_REQUEST_BYTES,
  maxResponseBytes: C.MAX_CONSENSUS_MESSAGE_BYTES,
  timeoutMs: C.CONSENSUS_TIMEOUT_MS,
  encodeRequest: K.encodePrepareRequest,
  decodeRequest: K.decodePrepareRequest,
  check: noCheck,
  encodeResponse: withError(K.encodePrepareResponse),
  decodeResponse: K.decodePrepareResponse,
}

export const PROPOSE: ProtocolSpec<K.ProposeRequest, K.ProposeResponse> = {
  id: C.PROTOCOL.propose,
  maxRequestBytes: C.MAX_CONSENSUS_MESSAGE_BYTES,
  maxResponseBytes: C.MAX_CONSENSUS_MESSAGE_BYTES,
  timeoutMs: C.CONSENSUS_TIMEOUT_MS,
  encodeRequest: K.encodeProposeRequest,
  decodeRequest: K.decodeProposeRequest,
  check: noCheck,
  encodeResponse: withError(K.encodeProposeResponse),
  decodeResponse: K.decodeProposeResponse,
}

export const COMMIT: ProtocolSpec<K.CommitRequest, K.CommitResponse> = {
  id: C.PROTOCOL.commit,
  maxRequestBytes: C.MAX_CONSENSUS_MESSAGE_BYTES,
  maxResponseBytes: C.MAX_FIXED_REQUEST_BYTES,
  timeoutMs: C.CONSENSUS_TIMEOUT_MS,
  encodeRequest: K.encodeCommitRequest,
  decodeRequest: K.decodeCommitRequest,
  check: noCheck,
  encodeResponse: withError(K.encodeCommitResponse),
  decodeResponse: K.decodeCommitResponse,
}

export const BLOCKS: ProtocolSpec<K.BlocksRequest, K.BlocksResponse> = {
  id: C.PROTOCOL.blocks,
  maxRequestBytes: C.MAX_FIXED_REQUEST_BYTES,
  maxResponseBytes: C.MAX_BLOCKS_RESPONSE_BYTES,
  timeoutMs: C.PROOFS_TIMEOUT_MS,
  encodeRequest: K.encodeBlocksRequest,
  decodeRequest: K.decodeBlocksRequest,
  // The same precedence as every range request (docs/protocol.md#range-requests).
  check: checkRangeRequest(C.MAX_BLOCKS_PER_REQUEST),
  encodeResponse: withError((r: K.BlocksResponse) => K.encodeBlocksResponse(r, C.MAX_BLOCKS_RESPONSE_BYTES)),
  decodeResponse: K.decodeBlocksResponse,
}

export const EVIDENCE: ProtocolSpec<K.EvidenceRequest, K.EvidenceResponse> = {
  id: C.PROTOCOL.evidence,
  maxRequestBytes: C.MAX_FIXED_REQUEST_BYTES,
  maxResponseBytes: C.MAX_EVIDENCE_RESPONSE_BYTES,
  timeoutMs: C.STATUS_TIMEOUT_MS,
  encodeRequest: K.encodeEvidenceRequest,
  decodeRequest: K.decodeEvidenceRequest,
  check: noCheck,
  encodeResponse: withError((r: K.EvidenceResponse) => K.encodeEvidenceResponse(r, C.MAX_EVIDENCE_RESPONSE_BYTES)),
  decodeResponse: K.decodeEvidenceResponse,
}

export const CONSENSUS_PROTOCOLS = [PREPARE, PROPOSE, COMMIT, BLOCKS, EVIDENCE] as const
