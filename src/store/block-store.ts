// Durable storage of a ledger node (Node only, LevelDB via classic-level). Everything
// one block changes — block, header, certificate, accounts, undo list, head pointer —
// goes in one atomic batch, so a crash at any instant leaves a whole prefix of the chain.
import { mkdir } from 'node:fs/promises'
import { ClassicLevel } from 'classic-level'
import { equalBytes } from '../core/bytes.ts'
import { decodeAccount, decodeBlock, decodeHeader, decodeProof, decodeQuorumCertificate, encodeAccount, encodeBlock, encodeHeader, encodeProof, encodeQuorumCertificate } from '../core/codec.ts'
import { hashHeader } from '../core/header.ts'
import type { Account, Block, Decoded, Header, ProofBytes, QuorumCertificate } from '../core/types.ts'
import * as K from './block-keys.ts'
import { StoreCorrupt, StoreMisuse } from './errors.ts'

type Db = ClassicLevel<Uint8Array, Uint8Array>
type Op = { type: 'put'; key: Uint8Array; value: Uint8Array }

export interface AppendInput {
  block: Block
  /** The certificate that committed the block; genesis has none. */
  qc?: QuorumCertificate
  /** Every account the block changed (genesis: every initial account), as it is after the block. */
  accounts: Map<number, Account>
}

/** The state at a proven height H that a snapshot-joining node starts its store from. */
export interface SnapshotInput {
  /** The chain's genesis header, stored at height 0 so the store still names its chain. */
  genesis: Header
  /** Block H (its body, so the node serves proofs from H on), its certificate and its proof (null when it has no transfers). */
  block: Block
  qc: QuorumCertificate
  proof: ProofBytes | null
  /** Every account of the state after block H. */
  accounts: Map<number, Account>
}

export interface BlockStoreOptions {
  /** fsync every batch (default true): a block the node has announced must survive a power cut. */
  sync?: boolean
}

export class BlockStore {
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly db: Db,
    private readonly sync: boolean,
    private headHeight: number | undefined,
    private headHash: Uint8Array | undefined,
    private proven: number | undefined,
    private base: number,
  ) {}

  /** Opens (creating if needed) the store in `dir`. LevelDB locks the folder: one process at a time. */
  static async open(dir: string, options: BlockStoreOptions = {}): Promise<BlockStore> {
    await mkdir(dir, { recursive: true })
    const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
    await db.open()
    try {
      const head = await readPointer(db, K.HEAD_KEY, 'head')
      const proven = await readPointer(db, K.PROVEN_KEY, 'proven')
      let headHash: Uint8Array | undefined
      if (head !== undefined) {
        const header = await readValue(db, K.heightKey('header', head), `header ${head}`, decodeHeader)
        if (header === undefined) throw new StoreCorrupt(`header ${head}`, 'missing at head')
        headHash = hashHeader(header)
      }
      if (proven !== undefined && (head === undefined || proven > head)) throw new StoreCorrupt('proven', 'above head')
      const base = (await readPointer(db, K.BASE_KEY, 'base')) ?? 0
      if (base > 0 && (head === undefined || proven === undefined || base > proven)) throw new StoreCorrupt('base', 'above the proven head')
      return new BlockStore(db, options.sync ?? true, head, headHash, proven, base)
    } catch (err) {
      await db.close()
      throw err
    }
  }

  /** Height of the last durable block, undefined while empty. */
  head(): number | undefined {
    return this.headHeight
  }

  /** Every block up to this height has a stored proof or needs none (no transfers). */
  provenHeight(): number | undefined {
    return this.proven
  }

  /**
   * The lowest height with a stored block and state history: 0 for a store that started at
   * genesis, H for one started from a snapshot at H (below H it holds only the genesis header).
   */
  baseHeight(): number {
    return this.base
  }

  /**
   * Starts an empty store at a snapshot: genesis header, block H with its certificate and
   * proof, every account, and the head, proven and base pointers at H, in one atomic batch
   * (a crash leaves the store empty or whole). The caller has checked all of it.
   */
  initFromSnapshot(input: SnapshotInput): Promise<void> {
    return this.serialise(async () => {
      const { genesis, block, qc, proof, accounts } = input
      const height = block.header.height
      if (this.headHeight !== undefined) throw new StoreMisuse('a snapshot starts an empty store only')
      if (genesis.height !== 0 || height < 1) throw new StoreMisuse(`snapshot at height ${height} over a genesis at ${genesis.height}`)
      const hash = hashHeader(block.header)
      if (!equalBytes(qc.headerHash, hash)) throw new StoreMisuse(`certificate does not name block ${height}`)
      if (needsProof(block) !== (proof !== null)) throw new StoreMisuse(`block ${height} ${proof === null ? 'needs' : 'takes no'} proof`)
      const ops: Op[] = [
        put(K.heightKey('header', 0), encodeHeader(genesis)),
        put(K.hashKey(hashHeader(genesis)), K.encodeHeight(0)),
        put(K.heightKey('block', height), encodeBlock(block)),
        put(K.heightKey('header', height), encodeHeader(block.header)),
        put(K.hashKey(hash), K.encodeHeight(height)),
        put(K.heightKey('qc', height), encodeQuorumCertificate(qc)),
      ]
      if (proof !== null) ops.push(put(K.heightKey('proof', height), encodeProof(proof)))
      for (const [index, account] of accounts) ops.push(put(K.accountKey(index), encodeAccount(account)))
      for (const key of [K.HEAD_KEY, K.PROVEN_KEY, K.BASE_KEY]) ops.push(put(key, K.encodeHeight(height)))
      await this.db.batch(ops, { sync: this.sync })
      this.headHeight = height
      this.headHash = hash
      this.proven = height
      this.base = height
    })
  }

  /** Appends the next block (height 0 first, then head + 1) in one atomic batch. */
  appendBlock(input: AppendInput): Promise<void> {
    return this.serialise(() => this.doAppend(input))
  }

  private async doAppend({ block, qc, accounts }: AppendInput): Promise<void> {
    const { header } = block
    const height = header.height
    const expected = this.headHeight === undefined ? 0 : this.headHeight + 1
    if (height !== expected) throw new StoreMisuse(`append of height ${height}, expected ${expected}`)
    const hash = hashHeader(header)
    if (this.headHash !== undefined && !equalBytes(header.parentHash, this.headHash)) throw new StoreMisuse(`block ${height} does not extend the head`)
    if (qc !== undefined && !equalBytes(qc.headerHash, hash)) throw new StoreMisuse(`certificate does not name block ${height}`)

    const ops: Op[] = [put(K.heightKey('block', height), encodeBlock(block)), put(K.heightKey('header', height), encodeHeader(header)), put(K.hashKey(hash), K.encodeHeight(height))]
    if (qc !== undefined) ops.push(put(K.heightKey('qc', height), encodeQuorumCertificate(qc)))
    const indices = [...accounts.keys()].sort((a, b) => a - b)
    if (height > 0) {
      // The undo list lets loadAccounts(h) roll back to any earlier height (the prover restarts from provenHeight).
      const before = await this.db.getMany(indices.map(K.accountKey))
      const undo = indices.map((index, i) => {
        const raw = before[i]
        return { index, account: raw === undefined ? null : decodeOrThrow(decodeAccount(plain(raw)), `account ${index}`) }
      })
      ops.push(put(K.heightKey('undo', height), K.encodeUndo(undo)))
    }
    for (const index of indices) ops.push(put(K.accountKey(index), encodeAccount(accounts.get(index) as Account)))
    ops.push(put(K.HEAD_KEY, K.encodeHeight(height)))
    // Genesis has no parent state to prove from; an empty block needs no proof.
    const selfProven = height === 0 || !needsProof(block)
    const provenAfter = selfProven && this.provenOrBelow() === height - 1 ? height : this.proven
    if (provenAfter !== this.proven) ops.push(put(K.PROVEN_KEY, K.encodeHeight(provenAfter as number)))

    await this.db.batch(ops, { sync: this.sync })
    this.headHeight = height
    this.headHash = hash
    this.proven = provenAfter
  }

  /** Stores the proof of block `height` (its own batch) and advances provenHeight over any now-contiguous run. */
  putProof(height: number, proof: ProofBytes): Promise<void> {
    return this.serialise(async () => {
      if (this.headHeight === undefined || height > this.headHeight || height < this.base) throw new StoreMisuse(`no block at height ${height}`)
      const ops: Op[] = [put(K.heightKey('proof', height), encodeProof(proof))]
      let p = this.provenOrBelow()
      while (p < this.headHeight) {
        const next = p + 1
        if (next !== height && !(await this.db.has(K.heightKey('proof', next)))) {
          const block = await this.getBlock(next)
          if (block === undefined) throw new StoreCorrupt(`block ${next}`, 'missing below head')
          if (needsProof(block)) break
        }
        p = next
      }
      if (p !== this.provenOrBelow()) ops.push(put(K.PROVEN_KEY, K.encodeHeight(p)))
      await this.db.batch(ops, { sync: this.sync })
      if (p !== this.provenOrBelow()) this.proven = p
    })
  }

  async getBlock(height: number): Promise<Block | undefined> {
    return this.read(K.heightKey('block', height), `block ${height}`, decodeBlock)
  }

  async getHeader(height: number): Promise<Header | undefined> {
    return this.read(K.heightKey('header', height), `header ${height}`, decodeHeader)
  }

  async getQc(height: number): Promise<QuorumCertificate | undefined> {
    return this.read(K.heightKey('qc', height), `qc ${height}`, decodeQuorumCertificate)
  }

  async getProof(height: number): Promise<ProofBytes | undefined> {
    return this.read(K.heightKey('proof', height), `proof ${height}`, decodeProof)
  }

  /** The height of the stored header with this hash. */
  async heightOf(headerHash: Uint8Array): Promise<number | undefined> {
    return this.read(K.hashKey(headerHash), 'header index', K.decodeHeight)
  }

  /**
   * The accounts after block `height` (default: head; not below baseHeight). Past heights are
   * rebuilt by applying undo lists from the head down, so cost grows with head - height.
   */
  async loadAccounts(height?: number): Promise<Map<number, Account>> {
    // Reads under the write queue: a half-applied view of an append is never returned.
    return this.serialise(async () => {
      const accounts = new Map<number, Account>()
      if (this.headHeight === undefined) return accounts
      const target = height ?? this.headHeight
      // Below the base there are no undo lists: a snapshot-started store has no older state.
      if (!Number.isSafeInteger(target) || target < this.base || target > this.headHeight) throw new StoreMisuse(`no state at height ${target}`)
      for await (const [key, value] of this.db.iterator(K.ACCOUNT_RANGE)) {
        const index = K.accountIndexOf(key)
        accounts.set(index, decodeOrThrow(decodeAccount(plain(value)), `account ${index}`))
      }
      for (let h = this.headHeight; h > target; h--) {
        const undo = await this.read(K.heightKey('undo', h), `undo ${h}`, K.decodeUndo)
        if (undo === undefined) throw new StoreCorrupt(`undo ${h}`, 'missing below head')
        for (const { index, account } of undo) {
          if (account === null) accounts.delete(index)
          else accounts.set(index, account)
        }
      }
      return accounts
    })
  }

  async close(): Promise<void> {
    await this.queue.catch(() => {})
    await this.db.close()
  }

  private provenOrBelow(): number {
    return this.proven ?? -1
  }

  private async read<T>(key: Uint8Array, what: string, decode: (b: Uint8Array) => Decoded<T>): Promise<T | undefined> {
    return readValue(this.db, key, what, decode)
  }

  /** Writers (and whole-state readers) run one at a time, in call order. */
  private serialise<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn)
    this.queue = run.catch(() => {})
    return run
  }
}

/** Blocks without transfers carry no proof (docs/spec.md#blocks-headers-validators). */
function needsProof(block: Block): boolean {
  return block.transfers.length > 0
}

function put(key: Uint8Array, value: Uint8Array): Op {
  return { type: 'put', key, value }
}

function decodeOrThrow<T>(decoded: Decoded<T>, what: string): T {
  if (!decoded.ok) throw new StoreCorrupt(what, decoded.reason)
  return decoded.value
}

async function readPointer(db: Db, key: Uint8Array, what: string): Promise<number | undefined> {
  return readValue(db, key, what, K.decodeHeight)
}

async function readValue<T>(db: Db, key: Uint8Array, what: string, decode: (b: Uint8Array) => Decoded<T>): Promise<T | undefined> {
  const raw = await db.get(key)
  return raw === undefined ? undefined : decodeOrThrow(decode(plain(raw)), what)
}

/**
 * classic-level hands back Node Buffers; decoded byte fields would be Buffers too
 * (whose `slice` shares memory). Copy into a plain Uint8Array at the boundary.
 */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}
