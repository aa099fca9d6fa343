// Key layout of the node's block store, and the encoding of its two store-only
// records (height pointers, per-block undo lists). Heights are 8-byte big-endian so
// LevelDB's byte order is height order; every other value uses the core codec.
import { ByteReader, ByteWriter, concatBytes } from '../core/bytes.ts'
import { decodeWith, readAccount, writeAccount } from '../core/codec.ts'
import type { Account, Decoded } from '../core/types.ts'

const PREFIX = {
  block: 0x62, // 'b' ‖ height → encodeBlock
  header: 0x68, // 'h' ‖ height → encodeHeader (served without decoding transfers)
  qc: 0x71, // 'q' ‖ height → encodeQuorumCertificate
  proof: 0x70, // 'p' ‖ height → encodeProof
  undo: 0x75, // 'u' ‖ height → accounts as they were before the block
  byHash: 0x48, // 'H' ‖ header hash → height
  account: 0x61, // 'a' ‖ u32 index → encodeAccount (state after the head block)
  meta: 0x6d, // 'm' ‖ name → store metadata
} as const

type HeightPrefix = 'block' | 'header' | 'qc' | 'proof' | 'undo'

export function heightKey(kind: HeightPrefix, height: number): Uint8Array {
  return concatBytes(Uint8Array.of(PREFIX[kind]), encodeHeight(height))
}

export function hashKey(headerHash: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(PREFIX.byHash), headerHash)
}

export function accountKey(index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) throw new RangeError(`bad account index ${index}`)
  const key = new Uint8Array(5)
  key[0] = PREFIX.account
  new DataView(key.buffer).setUint32(1, index)
  return key
}

/** Bounds for iterating every account key: [gte, lt). */
export const ACCOUNT_RANGE = { gte: Uint8Array.of(PREFIX.account), lt: Uint8Array.of(PREFIX.account + 1) }

export function accountIndexOf(key: Uint8Array): number {
  if (key.length !== 5) throw new RangeError('not an account key')
  return new DataView(key.buffer, key.byteOffset, key.byteLength).getUint32(1)
}

export const HEAD_KEY = concatBytes(Uint8Array.of(PREFIX.meta), new TextEncoder().encode('head'))
export const PROVEN_KEY = concatBytes(Uint8Array.of(PREFIX.meta), new TextEncoder().encode('proven'))
/** Lowest height with a stored body and state history: 0, or the height a snapshot started the store at. */
export const BASE_KEY = concatBytes(Uint8Array.of(PREFIX.meta), new TextEncoder().encode('base'))

/** A height as 8 bytes big-endian (heights stay below 2^53, docs/spec.md#fields-and-integers). */
export function encodeHeight(height: number): Uint8Array {
  if (!Number.isSafeInteger(height) || height < 0) throw new RangeError(`bad height ${height}`)
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(height))
  return out
}

export function decodeHeight(bytes: Uint8Array): Decoded<number> {
  return decodeWith(bytes, (r) => r.safeU64())
}

/** One entry of an undo list: the account at `index` before a block, or null if the slot was empty. */
export interface UndoEntry {
  index: number
  account: Account | null
}

/** u32 count ‖ (u32 index ‖ u8 present ‖ account?)* — u32 because genesis may create 2^16+ accounts. */
export function encodeUndo(entries: UndoEntry[]): Uint8Array {
  const w = new ByteWriter()
  w.u32(entries.length)
  for (const e of entries) {
    w.u32(e.index)
    if (e.account === null) w.u8(0)
    else writeAccount(w.u8(1), e.account)
  }
  return w.finish()
}

export function decodeUndo(bytes: Uint8Array): Decoded<UndoEntry[]> {
  return decodeWith(bytes, (r: ByteReader) => {
    const n = r.u32()
    const out: UndoEntry[] = []
    for (let i = 0; i < n; i++) {
      const index = r.u32()
      out.push({ index, account: r.bool() ? readAccount(r) : null })
    }
    return out
  })
}
