// The accounts tree: a fixed-depth binary Poseidon Merkle tree keyed by account
// index, stored sparsely (only non-empty nodes), with inclusion and non-inclusion proofs.
import { MAX_TREE_DEPTH } from './constants.ts'
import { poseidon } from './poseidon.ts'
import type { AccountProof, Verdict } from './types.ts'
import { hashAccount } from './account.ts'

export type AccountProofReason = 'bad-proof-length' | 'index-out-of-range' | 'root-mismatch'

const zeroCache: bigint[] = [0n]

/** Empty-subtree hashes: Z[0] = 0, Z[k+1] = H(Z[k], Z[k]). */
export function emptyHash(level: number): bigint {
  while (zeroCache.length <= level) {
    const z = zeroCache[zeroCache.length - 1] as bigint
    zeroCache.push(poseidon([z, z]))
  }
  return zeroCache[level] as bigint
}

export class StateTree {
  readonly depth: number
  /** levels[k] maps a node position at level k to its hash; absent = empty subtree. */
  private readonly levels: Map<number, bigint>[]

  constructor(depth: number, levels?: Map<number, bigint>[]) {
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_TREE_DEPTH) throw new RangeError(`tree depth ${depth} outside 1..${MAX_TREE_DEPTH}`)
    this.depth = depth
    this.levels = levels ?? Array.from({ length: depth + 1 }, () => new Map<number, bigint>())
  }

  get root(): bigint {
    return this.node(this.depth, 0)
  }

  getLeaf(index: number): bigint {
    this.checkIndex(index)
    return this.node(0, index)
  }

  setLeaf(index: number, leaf: bigint): void {
    this.checkIndex(index)
    let pos = index
    let value = leaf
    for (let level = 0; level <= this.depth; level++) {
      const map = this.levels[level] as Map<number, bigint>
      if (value === emptyHash(level)) map.delete(pos)
      else map.set(pos, value)
      if (level === this.depth) break
      const sibling = this.node(level, pos ^ 1)
      value = pos % 2 === 0 ? poseidon([value, sibling]) : poseidon([sibling, value])
      pos = Math.floor(pos / 2)
    }
  }

  /** Sibling hashes from the leaf level up (level 0 first). */
  siblings(index: number): bigint[] {
    this.checkIndex(index)
    const out: bigint[] = []
    let pos = index
    for (let level = 0; level < this.depth; level++) {
      out.push(this.node(level, pos ^ 1))
      pos = Math.floor(pos / 2)
    }
    return out
  }

  clone(): StateTree {
    return new StateTree(
      this.depth,
      this.levels.map((m) => new Map(m)),
    )
  }

  private node(level: number, pos: number): bigint {
    return (this.levels[level] as Map<number, bigint>).get(pos) ?? emptyHash(level)
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= 2 ** this.depth) throw new RangeError(`account index ${index} outside the tree`)
  }
}

/** Recomputes the root from a leaf, its index and its siblings (level 0 first). */
export function computeRootFromLeaf(leaf: bigint, index: number, siblings: readonly bigint[]): bigint {
  let value = leaf
  let pos = index
  for (const sibling of siblings) {
    value = pos % 2 === 0 ? poseidon([value, sibling]) : poseidon([sibling, value])
    pos = Math.floor(pos / 2)
  }
  return value
}

/** Checks an account proof (inclusion, or non-inclusion when `account` is null) against a root. */
export function verifyAccountProof(root: bigint, proof: AccountProof, depth: number): Verdict<AccountProofReason> {
  if (proof.siblings.length !== depth) return { ok: false, reason: 'bad-proof-length' }
  if (!Number.isInteger(proof.index) || proof.index < 0 || proof.index >= 2 ** depth) return { ok: false, reason: 'index-out-of-range' }
  const leaf = proof.account ? hashAccount(proof.account) : 0n
  if (computeRootFromLeaf(leaf, proof.index, proof.siblings) !== root) return { ok: false, reason: 'root-mismatch' }
  return { ok: true }
}
