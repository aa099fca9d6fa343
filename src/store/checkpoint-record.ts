// The stored form of a checkpoint, shared by every checkpoint store so bit rot, torn
// writes and records of another chain are caught the same way everywhere:
// version u8 ‖ encodeCertifiedCheckpoint (checkpoint, its header, the certificate on it) ‖
// sha256 of all before. The checksum catches damage, not tampering: whoever can write the
// store can write a valid checksum, which is why the client re-checks the header and the
// certificate against its trust anchor on load (src/client/rules/start-point.ts).
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, equalBytes } from '../core/bytes.ts'
import { decodeCertifiedCheckpoint, encodeCertifiedCheckpoint } from '../core/codec.ts'
import type { Bytes32, CertifiedCheckpoint } from '../core/types.ts'

/** Bumped when the layout above changes; an unknown version loads as 'corrupt'. (2: certified records.) */
export const CHECKPOINT_RECORD_VERSION = 2
const CHECKSUM_BYTES = 32

/** Why a stored record was ignored; a store never trusts such a record. */
export type LoadProblem = 'corrupt' | 'foreign-chain' | 'bad-checksum'

export type LoadResult = { record: CertifiedCheckpoint } | { record: undefined; problem?: LoadProblem }

/** What a store expects of every record it loads. */
export interface ChainExpectation {
  chainId: number
  /** When set, a record of another genesis is 'foreign-chain'. */
  genesisHash?: Bytes32
}

export function encodeCheckpointRecord(record: CertifiedCheckpoint): Uint8Array {
  const body = concatBytes(Uint8Array.of(CHECKPOINT_RECORD_VERSION), encodeCertifiedCheckpoint(record))
  return concatBytes(body, sha256(body))
}

/**
 * Checks a stored record. The checksum is checked first: a torn or rotted record
 * says 'bad-checksum'; a well-sealed record that does not decode says 'corrupt'.
 */
export function decodeCheckpointRecord(raw: unknown, expect: ChainExpectation): LoadResult {
  const bytes = asBytes(raw)
  if (bytes === undefined || bytes.length < 1 + CHECKSUM_BYTES) return { record: undefined, problem: 'corrupt' }
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES)
  if (!equalBytes(sha256(body), bytes.subarray(bytes.length - CHECKSUM_BYTES))) return { record: undefined, problem: 'bad-checksum' }
  if (body[0] !== CHECKPOINT_RECORD_VERSION) return { record: undefined, problem: 'corrupt' }
  // A copy: for a Node Buffer `slice` is a shared view, and decoded fields would alias the record.
  const decoded = decodeCertifiedCheckpoint(new Uint8Array(body.subarray(1)))
  if (!decoded.ok) return { record: undefined, problem: 'corrupt' }
  const cp = decoded.value.checkpoint
  if (cp.chainId !== expect.chainId) return { record: undefined, problem: 'foreign-chain' }
  if (expect.genesisHash !== undefined && !equalBytes(cp.genesisHash, expect.genesisHash)) return { record: undefined, problem: 'foreign-chain' }
  return { record: decoded.value }
}

/** Whether a store should replace its record (`stored`) with `next`: heights only grow unless forced. */
export function shouldReplace(stored: LoadResult, next: CertifiedCheckpoint, force: boolean): boolean {
  if (force || stored.record === undefined) return true
  // Equal height keeps the first record: the same height with another header is
  // a conflict for the caller to settle (with `force`), not for the store to pick.
  return next.checkpoint.height > stored.record.checkpoint.height
}

/** IndexedDB may hand back an ArrayBuffer or a view from another realm; anything else is not a record. */
function asBytes(raw: unknown): Uint8Array | undefined {
  if (raw instanceof Uint8Array) return raw
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw)
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
  return undefined
}
