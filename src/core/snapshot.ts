// Snapshot chunks of the state tree (docs/protocol.md#snapshot): the tree is cut at level L
// into 2^(D-L) subtrees; a chunk is one subtree's accounts plus the D-L siblings from its
// root up, so every chunk is checked on its own against a trusted state root.
import { hashAccount } from './account.ts'
import { FIELD_MODULUS, MAX_AMOUNT, MAX_NONCE, MAX_SNAPSHOT_CHUNK_LEVEL, MAX_TREE_DEPTH } from './constants.ts'
import type { LedgerState } from './ledger.ts'
import { poseidon } from './poseidon.ts'
import { computeRootFromLeaf, emptyHash } from './smt.ts'
import type { Account, Verdict } from './types.ts'

/** How a tree of depth D is cut into chunks. */
export interface SnapshotLayout {
  depth: number
  /** Level of the chunk roots, counting up from the leaves: a chunk covers 2^level leaves. */
  level: number
  chunkCount: number
  chunkSize: number
}

/** L = ceil(D/2), at most MAX_SNAPSHOT_CHUNK_LEVEL: as many chunks as accounts per chunk, about sqrt(2^D). */
export function snapshotLayout(depth: number): SnapshotLayout {
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_TREE_DEPTH) throw new RangeError(`tree depth ${depth} outside 1..${MAX_TREE_DEPTH}`)
  const level = Math.min(Math.ceil(depth / 2), MAX_SNAPSHOT_CHUNK_LEVEL)
  return { depth, level, chunkCount: 2 ** (depth - level), chunkSize: 2 ** level }
}

export interface SnapshotEntry {
  index: number
  account: Account
}

/** One subtree's present accounts in index order and the siblings from its root up (level L first). */
export interface SnapshotChunk {
  accounts: SnapshotEntry[]
  siblings: bigint[]
}

/** What a peer answered: the chunk and the height and chunk number it says it is for. */
export interface SnapshotAnswer extends SnapshotChunk {
  height: number
  chunk: number
}

/** What the receiver trusts and asked for. */
export interface SnapshotTarget {
  /** The proven state root at `height`. */
  stateRoot: bigint
  depth: number
  height: number
  chunk: number
}

export type SnapshotChunkReason = 'chunk-out-of-range' | 'wrong-chunk' | 'too-many-accounts' | 'bad-sibling-count' | 'index-outside-chunk' | 'not-in-order' | 'out-of-range' | 'root-mismatch'

/** Chunk `chunk` of `state` (what a server sends). Throws RangeError for a chunk outside the layout. */
export function snapshotChunkOf(state: LedgerState, chunk: number): SnapshotChunk {
  const layout = snapshotLayout(state.depth)
  if (!isChunk(layout, chunk)) throw new RangeError(`chunk ${chunk} outside 0..${layout.chunkCount - 1}`)
  const base = chunk * layout.chunkSize
  const accounts: SnapshotEntry[] = []
  // 2^L lookups rather than a scan of every account: the whole snapshot costs 2^D lookups.
  for (let i = base; i < base + layout.chunkSize; i++) {
    const a = state.accounts.get(i)
    if (a) accounts.push({ index: i, account: { ...a } })
  }
  return { accounts, siblings: state.tree.siblings(base).slice(layout.level) }
}

/** Root of the subtree of 2^level leaves starting at leaf `base`, from its present accounts. */
export function subtreeRoot(level: number, base: number, accounts: readonly SnapshotEntry[]): bigint {
  let nodes = new Map<number, bigint>()
  for (const { index, account } of accounts) nodes.set(index - base, hashAccount(account))
  for (let k = 0; k < level; k++) {
    const up = new Map<number, bigint>()
    for (const pos of nodes.keys()) {
      const parent = Math.floor(pos / 2)
      if (up.has(parent)) continue
      up.set(parent, poseidon([nodes.get(2 * parent) ?? emptyHash(k), nodes.get(2 * parent + 1) ?? emptyHash(k)]))
    }
    nodes = up
  }
  return nodes.get(0) ?? emptyHash(level)
}

/**
 * Checks a served chunk against the trusted state root, in this order: the chunk asked
 * for exists, the answer names it, at most 2^L accounts, D-L siblings, every index inside
 * the chunk and strictly increasing (one encoding per chunk), every value in range, and
 * the subtree root folded with the siblings gives the state root. Changes nothing.
 */
export function verifySnapshotChunk(target: SnapshotTarget, answer: SnapshotAnswer): Verdict<SnapshotChunkReason> {
  const layout = snapshotLayout(target.depth)
  if (!isChunk(layout, target.chunk)) return { ok: false, reason: 'chunk-out-of-range' }
  if (answer.height !== target.height || answer.chunk !== target.chunk) return { ok: false, reason: 'wrong-chunk' }
  // Checked before any hashing, so an oversized answer costs no Poseidon work.
  if (answer.accounts.length > layout.chunkSize) return { ok: false, reason: 'too-many-accounts' }
  if (answer.siblings.length !== layout.depth - layout.level) return { ok: false, reason: 'bad-sibling-count' }
  const base = target.chunk * layout.chunkSize
  let previous = -1
  for (const { index } of answer.accounts) {
    if (!Number.isInteger(index) || index < base || index >= base + layout.chunkSize) return { ok: false, reason: 'index-outside-chunk' }
    if (index <= previous) return { ok: false, reason: 'not-in-order' }
    previous = index
  }
  // The codec already guarantees these; a caller that builds answers itself may not.
  if (!answer.siblings.every(isField) || !answer.accounts.every(({ account }) => isAccount(account))) return { ok: false, reason: 'out-of-range' }
  const root = computeRootFromLeaf(subtreeRoot(layout.level, base, answer.accounts), target.chunk, answer.siblings)
  if (root !== target.stateRoot) return { ok: false, reason: 'root-mismatch' }
  return { ok: true }
}

function isChunk(layout: SnapshotLayout, chunk: number): boolean {
  return Number.isInteger(chunk) && chunk >= 0 && chunk < layout.chunkCount
}

function isField(x: bigint): boolean {
  return typeof x === 'bigint' && x >= 0n && x < FIELD_MODULUS
}

function isAccount(a: Account): boolean {
  return isField(a.pubKey[0]) && isField(a.pubKey[1]) && a.balance >= 0n && a.balance <= MAX_AMOUNT && Number.isInteger(a.nonce) && a.nonce >= 0 && a.nonce <= MAX_NONCE
}
