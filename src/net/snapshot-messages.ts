// The snapshot protocol's messages and spec (docs/protocol.md#snapshot): a request names a
// height and a chunk of the state tree; the answer carries that subtree's accounts and the
// siblings from its root up. Decoders return a value, never throw, for any input.
import { decodeWith, readAccount, writeAccount } from '../core/codec.ts'
import { MAX_SNAPSHOT_CHUNK_LEVEL, MAX_TREE_DEPTH } from '../core/constants.ts'
import type { SnapshotEntry } from '../core/snapshot.ts'
import type { Decoded } from '../core/types.ts'
import { MAX_FIXED_REQUEST_BYTES, MAX_SNAPSHOT_RESPONSE_BYTES, MSG, PROTOCOL, SNAPSHOT_TIMEOUT_MS } from './constants.ts'
import { begin, decodeReply, readType, type ErrorResponse } from './message-parts.ts'
import { encodeError, type Body } from './messages.ts'
import type { ProtocolSpec } from './protocols.ts'

/** Accounts in one chunk at most: a subtree of 2^MAX_SNAPSHOT_CHUNK_LEVEL leaves. */
export const MAX_SNAPSHOT_ACCOUNTS = 2 ** MAX_SNAPSHOT_CHUNK_LEVEL

export interface SnapshotRequest {
  /** The height whose state is asked for (the server's served head or a recent one). */
  height: number
  /** Which subtree: 0 .. 2^(D-L) - 1 (src/core/snapshot.ts snapshotLayout). */
  chunk: number
}

export interface SnapshotResponse {
  kind: 'snapshot'
  height: number
  chunk: number
  /** Present accounts of the chunk, in increasing index order. */
  accounts: SnapshotEntry[]
  /** Siblings from the chunk's root up to the state root (D - L of them). */
  siblings: bigint[]
}

export const encodeSnapshotRequest = (q: SnapshotRequest): Uint8Array => begin(MSG.snapshotRequest).safeU64(q.height).u32(q.chunk).finish()
export const decodeSnapshotRequest = (b: Uint8Array): Decoded<SnapshotRequest> =>
  decodeWith(b, (r) => {
    readType(r, [MSG.snapshotRequest])
    return { height: r.safeU64(), chunk: r.u32() }
  })

/** Throws RangeError for more than MAX_SNAPSHOT_ACCOUNTS accounts or MAX_TREE_DEPTH siblings (what the decoder refuses). */
export function encodeSnapshotResponse(s: Body<SnapshotResponse>): Uint8Array {
  const w = begin(MSG.snapshotResponse).safeU64(s.height).u32(s.chunk)
  w.list(s.accounts, MAX_SNAPSHOT_ACCOUNTS, (ww, e) => writeAccount(ww.u32(e.index), e.account))
  w.list(s.siblings, MAX_TREE_DEPTH, (ww, x) => ww.field(x))
  return w.finish()
}
export const decodeSnapshotResponse = (b: Uint8Array): Decoded<SnapshotResponse | ErrorResponse> =>
  decodeReply<SnapshotResponse>(b, MSG.snapshotResponse, (r) => ({
    kind: 'snapshot',
    height: r.safeU64(),
    chunk: r.u32(),
    accounts: r.list(MAX_SNAPSHOT_ACCOUNTS, (rr) => ({ index: rr.u32(), account: readAccount(rr) })),
    siblings: r.list(MAX_TREE_DEPTH, (rr) => rr.field()),
  }))

/** `/zklight/snapshot/1.0.0`: whether the chunk exists depends on the tree depth, so the server's handler checks it. */
export const SNAPSHOT: ProtocolSpec<SnapshotRequest, SnapshotResponse> = {
  id: PROTOCOL.snapshot,
  maxRequestBytes: MAX_FIXED_REQUEST_BYTES,
  maxResponseBytes: MAX_SNAPSHOT_RESPONSE_BYTES,
  timeoutMs: SNAPSHOT_TIMEOUT_MS,
  encodeRequest: encodeSnapshotRequest,
  decodeRequest: decodeSnapshotRequest,
  check: () => undefined,
  encodeResponse: (r) => (r.kind === 'error' ? encodeError(r) : encodeSnapshotResponse(r)),
  decodeResponse: decodeSnapshotResponse,
}
