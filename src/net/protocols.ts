// The five request/response protocols as data (id, caps, timeout, codecs, range
// checks) plus the typed glue between them and byte-level exchanges.
import type { Decoded } from '../core/types.ts'
import * as C from './constants.ts'
import { BadMessage } from './errors.ts'
import * as M from './messages.ts'
import type { ErrorResponse } from './messages.ts'

export interface ProtocolSpec<Req, Res extends { kind: string }> {
  id: string
  maxRequestBytes: number
  maxResponseBytes: number
  timeoutMs: number
  encodeRequest(q: Req): Uint8Array
  decodeRequest(b: Uint8Array): Decoded<Req>
  /** Checks a well-formed request before the handler runs: an error answer when it cannot be served as asked. */
  check(q: Req): ErrorResponse | undefined
  /** Encodes an answer; list answers keep the longest prefix within `maxResponseBytes`. */
  encodeResponse(r: Res | ErrorResponse): Uint8Array
  decodeResponse(b: Uint8Array): Decoded<Res | ErrorResponse>
}

const noCheck = () => undefined

function withError<Res extends { kind: string }>(encode: (r: Res) => Uint8Array) {
  return (r: Res | ErrorResponse): Uint8Array => (r.kind === 'error' ? M.encodeError(r as ErrorResponse) : encode(r as Res))
}

/**
 * The checks every server of a range protocol makes before looking at its chain, in
 * their precedence (docs/protocol.md#range-requests): a malformed range is `bad-request`
 * whatever its length, then a range too long is `range-too-long`; only a well-formed
 * range reaches the handler, which may answer `not-found`.
 */
export function checkRangeRequest(max: number) {
  return (q: { from: number; count: number }): ErrorResponse | undefined => {
    if (q.count === 0) return { kind: 'error', code: 'bad-request', message: 'count must be at least 1' }
    // Not `from + count - 1`: near 2^53 that sum is rounded and can land back in range.
    if (q.count - 1 > C.LATEST_HEIGHT - q.from) return { kind: 'error', code: 'bad-request', message: 'range ends above 2^53-1' }
    if (q.count > max) return { kind: 'error', code: 'range-too-long', message: `at most ${max} per request` }
    return undefined
  }
}

export const STATUS: ProtocolSpec<Record<string, never>, M.StatusResponse> = {
  id: C.PROTOCOL.status,
  maxRequestBytes: C.MAX_FIXED_REQUEST_BYTES,
  maxResponseBytes: C.MAX_STATUS_RESPONSE_BYTES,
  timeoutMs: C.STATUS_TIMEOUT_MS,
  encodeRequest: () => M.encodeStatusRequest(),
  decodeRequest: M.decodeStatusRequest,
  check: noCheck,
  encodeResponse: withError<M.StatusResponse>(M.encodeStatusResponse),
  decodeResponse: M.decodeStatusResponse,
}

export const HEADERS: ProtocolSpec<M.HeadersRequest, M.HeadersResponse> = {
  id: C.PROTOCOL.headers,
  maxRequestBytes: C.MAX_FIXED_REQUEST_BYTES,
  maxResponseBytes: C.MAX_HEADERS_RESPONSE_BYTES,
  timeoutMs: C.HEADERS_TIMEOUT_MS,
  encodeRequest: M.encodeHeadersRequest,
  decodeRequest: M.decodeHeadersRequest,
  check: checkRangeRequest(C.MAX_HEADERS_PER_REQUEST),
  encodeResponse: withError((r: M.HeadersResponse) => M.encodeHeadersResponse(r, C.MAX_HEADERS_RESPONSE_BYTES)),
  decodeResponse: M.decodeHeadersResponse,
}

export const PROOFS: ProtocolSpec<M.ProofsRequest, M.ProofsResponse> = {
  id: C.PROTOCOL.proofs,
  maxRequestBytes: C.MAX_FIXED_REQUEST_BYTES,
  maxResponseBytes: C.MAX_PROOFS_RESPONSE_BYTES,
  timeoutMs: C.PROOFS_TIMEOUT_MS,
  encodeRequest: M.encodeProofsRequest,
  decodeRequest: M.decodeProofsRequest,
  check: checkRangeRequest(C.MAX_PROOFS_PER_REQUEST),
  encodeResponse: withError((r: M.ProofsResponse) => M.encodeProofsResponse(r, C.MAX_PROOFS_RESPONSE_BYTES)),
  decodeResponse: M.decodeProofsResponse,
}

export const ACCOUNT: ProtocolSpec<M.AccountRequest, M.AccountResponse> = {
  id: C.PROTOCOL.account,
  maxRequestBytes: C.MAX_FIXED_REQUEST_BYTES,
  maxResponseBytes: C.MAX_ACCOUNT_RESPONSE_BYTES,
  timeoutMs: C.ACCOUNT_TIMEOUT_MS,
  encodeRequest: M.encodeAccountRequest,
  decodeRequest: M.decodeAccountRequest,
  check: noCheck,
  encodeResponse: withError<M.AccountResponse>(M.encodeAccountResponse),
  decodeResponse: M.decodeAccountResponse,
}

export const SUBMIT: ProtocolSpec<M.SubmitRequest, M.SubmitResponse> = {
  id: C.PROTOCOL.submit,
  maxRequestBytes: C.MAX_SUBMIT_REQUEST_BYTES,
  maxResponseBytes: C.MAX_SUBMIT_RESPONSE_BYTES,
  timeoutMs: C.SUBMIT_TIMEOUT_MS,
  encodeRequest: M.encodeSubmitRequest,
  decodeRequest: M.decodeSubmitRequest,
  check: noCheck,
  encodeResponse: withError<M.SubmitResponse>(M.encodeSubmitResponse),
  decodeResponse: M.decodeSubmitResponse,
}

export const ALL_PROTOCOLS = [STATUS, HEADERS, PROOFS, ACCOUNT, SUBMIT] as const

/** What a typed handler learns about the exchange besides the request. */
export interface ServeContext {
  /** The remote peer id as a string. */
  peer: string
  /** Aborts at the exchange's deadline; a handler doing slow work should watch it. */
  signal: AbortSignal
  /** Counts proven misbehaviour the handler found in a well-formed request (a transfer whose signature fails, a proof that does not check out) against the peer; absent where nothing counts. */
  report?(kind: 'bad-signature' | 'bad-proof'): void
}

export type TypedHandler<Req, Res> = (q: Req, ctx: ServeContext) => Promise<Res | ErrorResponse> | Res | ErrorResponse

/**
 * Turns a typed handler into a byte handler. A request that does not decode
 * throws BadMessage (the exchange layer blames the peer); a failing handler is
 * answered `unavailable` without its internals.
 */
export function toBytesHandler<Req, Res extends { kind: string }>(spec: ProtocolSpec<Req, Res>, handler: TypedHandler<Req, Res>) {
  return async (request: Uint8Array, ctx: ServeContext): Promise<Uint8Array> => {
    const q = spec.decodeRequest(request)
    if (!q.ok) throw new BadMessage(q.reason)
    const refused = spec.check(q.value)
    if (refused) return spec.encodeResponse(refused)
    let answer: Res | ErrorResponse
    try {
      answer = await handler(q.value, ctx)
    } catch (err) {
      if (ctx.signal.aborted) throw err
      answer = { kind: 'error', code: 'unavailable', message: 'internal error' }
    }
    return spec.encodeResponse(answer)
  }
}

/** Decodes an answer or throws BadMessage: malformed answers are the peer's fault, error answers are values. */
export function decodeAnswer<Req, Res extends { kind: string }>(spec: ProtocolSpec<Req, Res>, bytes: Uint8Array): Res | ErrorResponse {
  const r = spec.decodeResponse(bytes)
  if (!r.ok) throw new BadMessage(r.reason)
  return r.value
}
