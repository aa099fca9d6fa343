// The stored form of a checkpoint, shared by every checkpoint store so bit rot, torn
// writes and records of another chain are caught the same way everywhere:
// version u8 ‖ genesis hash (32 bytes, zero = not pinned) ‖ encodeCheckpoint ‖ sha256 of all before.
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, equalBytes } from '../core/bytes.ts'
import { decodeCheckpoint, encodeCheckpoint } from '../core/codec.ts'
import type { Bytes32, Checkpoint } from '../core/types.ts'

/** Bumped when the layout above changes; an unknown version loads as 'corrupt'. */
export const CHECKPOINT_RECORD_VERSION = 1
const GENESIS_BYTES = 32
const CHECKSUM_BYTES = 32
const NO_GENESIS = new Uint8Array(GENESIS_BYTES)

/** Why a stored record was ignored; a store never trusts such a record. */
export type LoadProblem = 'corrupt' | 'foreign-chain' | 'bad-checksum'

export type LoadResult = { checkpoint: Checkpoint } | { checkpoint: undefined; problem?: LoadProblem }

/** What a store expects of every record it loads. */
export interface ChainExpectation {
  chainId: number
  /** When set, a record saved under another (or no) pinned genesis is 'foreign-chain'. */
  genesisHash?: Bytes32
}

export function encodeCheckpointRecord(cp: Checkpoint, genesisHash?: Bytes32): Uint8Array {
  if (genesisHash !== undefined && genesisHash.length !== GENESIS_BYTES) throw new RangeError('a genesis hash is 32 bytes')
  const body = concatBytes(Uint8Array.of(CHECKPOINT_RECORD_VERSION), genesisHash ?? NO_GENESIS, encodeCheckpoint(cp))
  return concatBytes(body, sha256(body))
}

/**
 * Checks a stored record. The checksum is checked first: a torn or rotted record
 * says 'bad-checksum'; a well-sealed record that does not decode says 'corrupt'.
 */
export function decodeCheckpointRecord(raw: unknown, expect: ChainExpectation): LoadResult {
  const bytes = asBytes(raw)
  if (bytes === undefined || bytes.length < 1 + GENESIS_BYTES + CHECKSUM_BYTES) return { checkpoint: undefined, problem: 'corrupt' }
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES)
  if (!equalBytes(sha256(body), bytes.subarray(bytes.length - CHECKSUM_BYTES))) return { checkpoint: undefined, problem: 'bad-checksum' }
  if (body[0] !== CHECKPOINT_RECORD_VERSION) return { checkpoint: undefined, problem: 'corrupt' }
  const genesis = body.subarray(1, 1 + GENESIS_BYTES)
  // A copy: for a Node Buffer `slice` is a shared view, and decoded fields would alias the record.
  const decoded = decodeCheckpoint(new Uint8Array(body.subarray(1 + GENESIS_BYTES)))
  if (!decoded.ok) return { checkpoint: undefined, problem: 'corrupt' }
  const cp = decoded.value
  if (cp.chainId !== expect.chainId) return { checkpoint: undefined, problem: 'foreign-chain' }
  if (expect.genesisHash !== undefined) {
    if (!equalBytes(genesis, expect.genesisHash)) return { checkpoint: undefined, problem: 'foreign-chain' }
    if (cp.height === 0 && !equalBytes(cp.headerHash, expect.genesisHash)) return { checkpoint: undefined, problem: 'foreign-chain' }
  }
  return { checkpoint: cp }
}

/** Whether a store should replace its record (`stored`) with `next`: heights only grow unless forced. */
export function shouldReplace(stored: LoadResult, next: Checkpoint, force: boolean): boolean {
  if (force || stored.checkpoint === undefined) return true
  // Equal height keeps the first record: the same height with another header is
  // a conflict for the caller to settle (with `force`), not for the store to pick.
  return next.height > stored.checkpoint.height
}

/** IndexedDB may hand back an ArrayBuffer or a view from another realm; anything else is not a record. */
function asBytes(raw: unknown): Uint8Array | undefined {
  if (raw instanceof Uint8Array) return raw
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw)
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
  return undefined
}
