// PeerWire over any byte transport: encodes requests and decodes answers with the
// protocol specs of src/net, so the libp2p network and in-memory test peers share
// one decoding path (and malformed bytes are judged the same way everywhere).
import type { BlockEntry, Header, Transfer } from '../core/types.ts'
import { ACCOUNT, HEADERS, PROOFS, STATUS, SUBMIT, decodeAnswer, type ProtocolSpec } from '../net/protocols.ts'
import { PeerRefused } from '../net/errors.ts'
import { HEADER_PROOFS } from '../net/header-proofs-messages.ts'
import type { ErrorResponse } from '../net/messages.ts'
import type { AccountProofAnswer, HeaderProofsAnswer, PeerStatus, PeerWire, RequestOptions, SubmitAnswer } from './network.ts'

/** Sends one request frame to `peer` on `protocol` and returns the answer frame. */
export type SendBytes = (peer: string, protocol: string, request: Uint8Array, opts: { maxResponseBytes: number; timeoutMs: number; signal?: AbortSignal }) => Promise<Uint8Array>

/**
 * What an error answer means to the caller (docs/protocol.md#clients): `not-found` is a
 * normal answer ("nothing there"), returned as `missing`; any other code is thrown as
 * PeerRefused, which peer-judgement.ts turns into a fault.
 */
function missingOr<T>(r: ErrorResponse, missing: T): T {
  if (r.code === 'not-found') return missing
  throw new PeerRefused(r.code)
}

export function createWireClient(send: SendBytes): PeerWire & Required<Pick<PeerWire, 'headerProofs'>> {
  async function ask<Req, Res extends { kind: string }>(spec: ProtocolSpec<Req, Res>, peer: string, q: Req, opts: RequestOptions = {}): Promise<Res | ErrorResponse> {
    const bytes = await send(peer, spec.id, spec.encodeRequest(q), {
      maxResponseBytes: spec.maxResponseBytes,
      timeoutMs: Math.min(opts.timeoutMs ?? spec.timeoutMs, spec.timeoutMs),
      ...(opts.signal ? { signal: opts.signal } : {}),
    })
    return decodeAnswer(spec, bytes)
  }

  return {
    async status(peer, opts): Promise<PeerStatus> {
      const r = await ask(STATUS, peer, {}, opts)
      if (r.kind === 'error') throw new PeerRefused(r.code)
      return { chainId: r.chainId, genesisHash: r.genesisHash, head: r.headHeader, qc: r.headQc }
    },
    async headers(peer, from, count, opts): Promise<Header[]> {
      const r = await ask(HEADERS, peer, { from, count }, opts)
      return r.kind === 'error' ? missingOr(r, []) : r.headers.map((e) => e.header)
    },
    async proofs(peer, from, count, opts): Promise<BlockEntry[]> {
      const r = await ask(PROOFS, peer, { from, count }, opts)
      return r.kind === 'error' ? missingOr(r, []) : r.entries
    },
    async headerProofs(peer, from, count, opts): Promise<HeaderProofsAnswer | null> {
      const r = await ask(HEADER_PROOFS, peer, { from, count }, opts)
      return r.kind === 'error' ? missingOr(r, null) : { entries: r.entries, qc: r.qc }
    },
    async accountProof(peer, index, height, opts): Promise<AccountProofAnswer | null> {
      const r = await ask(ACCOUNT, peer, { index, height }, opts)
      return r.kind === 'error' ? missingOr(r, null) : { height: r.height, header: r.header, qc: r.qc, proof: r.accountProof }
    },
    async submitTransfer(peer, transfer: Transfer, opts): Promise<SubmitAnswer> {
      const r = await ask(SUBMIT, peer, { transfer }, opts)
      if (r.kind === 'error') throw new PeerRefused(r.code)
      return r.accepted ? { ok: true } : { ok: false, reason: r.reason }
    },
  }
}
