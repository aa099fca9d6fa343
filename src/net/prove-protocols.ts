// The three proving protocols as data (id, caps, timeout, codecs), in the shape of
// protocols.ts so that serve() and call() in rpc.ts carry them like the others.
import * as C from './constants.ts'
import { encodeError, type ErrorResponse } from './messages.ts'
import type { ProtocolSpec } from './protocols.ts'
import * as P from './prove-messages.ts'

function withError<Res extends { kind: string }>(encode: (r: Res) => Uint8Array) {
  return (r: Res | ErrorResponse): Uint8Array => (r.kind === 'error' ? encodeError(r as ErrorResponse) : encode(r as Res))
}

const noCheck = () => undefined

export const PROVE_INFO: ProtocolSpec<Record<string, never>, P.ProveInfoResponse> = {
  id: C.PROVE_PROTOCOL.info,
  maxRequestBytes: C.MAX_FIXED_REQUEST_BYTES,
  maxResponseBytes: C.MAX_PROVE_INFO_RESPONSE_BYTES,
  timeoutMs: C.PROVE_INFO_TIMEOUT_MS,
  encodeRequest: () => P.encodeProveInfoRequest(),
  decodeRequest: P.decodeProveInfoRequest,
  check: noCheck,
  encodeResponse: withError<P.ProveInfoResponse>(P.encodeProveInfoResponse),
  decodeResponse: P.decodeProveInfoResponse,
}

export const PROVE_LEASE: ProtocolSpec<P.LeaseRequest, P.LeaseResponse> = {
  id: C.PROVE_PROTOCOL.lease,
  maxRequestBytes: C.MAX_FIXED_REQUEST_BYTES,
  maxResponseBytes: C.MAX_PROVE_LEASE_RESPONSE_BYTES,
  timeoutMs: C.PROVE_LEASE_TIMEOUT_MS,
  encodeRequest: P.encodeLeaseRequest,
  decodeRequest: P.decodeLeaseRequest,
  check: (q) => (q.workers === 0 ? { kind: 'error', code: 'bad-request', message: 'workers must be at least 1' } : undefined),
  encodeResponse: withError<P.LeaseResponse>(P.encodeLeaseResponse),
  decodeResponse: P.decodeLeaseResponse,
}

export const PROVE_SUBMIT: ProtocolSpec<P.ProofSubmitRequest, P.ProofSubmitResponse> = {
  id: C.PROVE_PROTOCOL.submit,
  maxRequestBytes: C.MAX_PROVE_SUBMIT_REQUEST_BYTES,
  maxResponseBytes: C.MAX_PROVE_SUBMIT_RESPONSE_BYTES,
  timeoutMs: C.PROVE_SUBMIT_TIMEOUT_MS,
  encodeRequest: P.encodeProofSubmitRequest,
  decodeRequest: P.decodeProofSubmitRequest,
  check: noCheck,
  encodeResponse: withError<P.ProofSubmitResponse>(P.encodeProofSubmitResponse),
  decodeResponse: P.decodeProofSubmitResponse,
}

export const PROVE_PROTOCOLS = [PROVE_INFO, PROVE_LEASE, PROVE_SUBMIT] as const
