// A node's chain: the durable block store plus two in-memory ledgers rebuilt from it —
// the state at the head (what new blocks and submitted transfers are checked against)
// and the state at the proven head (what light clients are served account proofs from).
import { equalBytes } from '../core/bytes.ts'
import { hashHeader } from '../core/header.ts'
import { applyBlockTransfers, cloneLedger, createLedger, getAccountProof, type LedgerState, type TransferStep } from '../core/ledger.ts'
import type { Account, AccountProof, Block, Header, ProofBytes, QuorumCertificate } from '../core/types.ts'
import { LATEST_HEIGHT } from '../net/constants.ts'
import { BlockStore } from '../store/block-store.ts'
import { chainIdentity, genesisBlock, genesisLedger, type ChainIdentity, type ChainSpec } from './chain-spec.ts'
import { ACCOUNT_HISTORY_BLOCKS, ACCOUNT_HISTORY_CACHE } from './constants.ts'
import { ChainMismatch, StateMismatch } from './errors.ts'

/** The best block a node serves: every block up to it is stored with its proof (or needs none). */
export interface ServedHead {
  header: Header
  /** Null only at genesis. */
  qc: QuorumCertificate | null
}

export interface AccountAnswer extends ServedHead {
  proof: AccountProof
}

export class ChainState {
  private served: ServedHead & { ledger: LedgerState }
  private readonly history = new Map<number, Promise<ServedHead & { ledger: LedgerState }>>()
  private readonly servedListeners: ((s: ServedHead) => void)[] = []
  private readonly committedListeners: ((s: ServedHead) => void)[] = []
  private lock: Promise<unknown> = Promise.resolve()

  private constructor(
    readonly spec: ChainSpec,
    readonly store: BlockStore,
    readonly genesisHash: Uint8Array,
    private headBlock: ServedHead,
    private headLedger: LedgerState,
    served: ServedHead & { ledger: LedgerState },
  ) {
    this.served = served
  }

  /** Opens the store in `dir`, writing genesis into an empty one; rebuilds both ledgers */
  static async open(dir: string, spec: ChainSpec): Promise<ChainState> {
    const store = await BlockStore.open(dir)
    try {
      const genesis = genesisBlock(spec)
      const gHash = hashHeader(genesis.header)
      if (store.head() === undefined) {
        const accounts = new Map<number, Account>()
        for (const [i, a] of genesisLedger(spec).accounts) accounts.set(i, a)
        await store.appendBlock({ block: genesis, accounts })
      } else {
        const stored = await store.getHeader(0)
        if (!stored || !equalBytes(hashHeader(stored), gHash)) throw new ChainMismatch(`${dir} holds another chain (its genesis differs from the chain spec)`)
      }
      const head = store.head() as number
      const headBlock = await readServed(store, head)
      const ledger = await rebuild(store, spec, head, headBlock.header)
      const proven = store.provenHeight() ?? 0
      const served = proven === head ? { ...headBlock, ledger: cloneLedger(ledger) } : await readServedWithState(store, spec, proven)
      return new ChainState(spec, store, gHash, headBlock, ledger, served)
    } catch (err) {
      await store.close()
      throw err
    }
  }

  /** The chain's parameters, genesis and signing tag (from the spec). */
  get identity(): ChainIdentity {
    return chainIdentity(this.spec)
  }

  get head(): Header {
    return this.headBlock.header
  }

  get headQc(): QuorumCertificate | null {
    return this.headBlock.qc
  }

  /** The state after the head block. Read-only for callers: clone before changing it. */
  get ledger(): LedgerState {
    return this.headLedger
  }

  get servedHead(): ServedHead {
    return { header: this.served.header, qc: this.served.qc }
  }

  get provenHeight(): number {
    return this.store.provenHeight() ?? 0
  }

  /** The lowest height with a block and state: 0, or the snapshot height the node joined at (it has nothing older). */
  get baseHeight(): number {
    return this.store.baseHeight()
  }

  onServed(fn: (s: ServedHead) => void): void {
    this.servedListeners.push(fn)
  }

  /** Called with each newly committed (certified) block, before its proof exists. */
  onCommitted(fn: (s: ServedHead) => void): void {
    this.committedListeners.push(fn)
  }

  /**
   * Commits the next block, already checked by the caller (validators or a follower),
   * in one atomic store batch, and returns the applied steps (the prover's witness).
   */
  append(block: Block, qc: QuorumCertificate): Promise<TransferStep[]> {
    return this.exclusive(async () => {
      const next = cloneLedger(this.headLedger)
      const steps = applyBlockTransfers(next, block.transfers)
      if (next.tree.root !== block.header.stateRoot) throw new StateMismatch(`block ${block.header.height} does not lead to its state root`)
      const accounts = new Map<number, Account>()
      for (const t of block.transfers) {
        for (const i of [t.from, t.to]) accounts.set(i, next.accounts.get(i) as Account)
      }
      await this.store.appendBlock({ block, qc, accounts })
      this.headLedger = next
      this.headBlock = { header: block.header, qc }
      for (const fn of this.committedListeners) fn({ header: block.header, qc })
      await this.advanceServed()
      return steps
    })
  }

  /** Stores the proof of block `height`; the served head moves over every block now proven. */
  putProof(height: number, proof: ProofBytes): Promise<void> {
    return this.exclusive(async () => {
      await this.store.putProof(height, proof)
      await this.advanceServed()
    })
  }

  /**
   * An account proof at `height` (LATEST_HEIGHT: the served head). Heights above the
   * served head, or more than ACCOUNT_HISTORY_BLOCKS below it, are not available.
   */
  async accountProof(index: number, height: number): Promise<AccountAnswer | undefined> {
    return this.readState(height, (s) => ({ header: s.header, qc: s.qc, proof: getAccountProof(s.ledger, index) }))
  }

  /**
   * Runs `read` on the state after block `height` (LATEST_HEIGHT: the served head) with that
   * block's header and certificate. `read` runs synchronously on a state that cannot move
   * under it; it must copy what it keeps. Undefined for heights above the served head, more
   * than ACCOUNT_HISTORY_BLOCKS below it, or below the base height.
   */
  async readState<T>(height: number, read: (s: ServedHead & { ledger: LedgerState }) => T): Promise<T | undefined> {
    const top = this.served
    const h = height === LATEST_HEIGHT ? top.header.height : height
    if (h === top.header.height) return read(top)
    if (h > top.header.height || h < this.baseHeight || top.header.height - h > ACCOUNT_HISTORY_BLOCKS) return undefined
    let state = this.history.get(h)
    if (!state) {
      // The promise is cached, so parallel requests for one past height (snapshot chunks) rebuild it once.
      const rebuilt = readServedWithState(this.store, this.spec, h)
      state = rebuilt
      this.history.set(h, rebuilt)
      rebuilt.catch(() => this.history.get(h) === rebuilt && this.history.delete(h))
      if (this.history.size > ACCOUNT_HISTORY_CACHE) this.history.delete(this.history.keys().next().value as number)
    }
    return read(await state)
  }

  close(): Promise<void> {
    return this.exclusive(() => this.store.close())
  }

  /** Applies newly proven blocks to the served ledger, then tells listeners once. */
  private async advanceServed(): Promise<void> {
    const proven = this.provenHeight
    if (proven <= this.served.header.height) return
    const ledger = this.served.ledger
    let last: ServedHead = this.served
    const blocks: Block[] = []
    for (let h = this.served.header.height + 1; h <= proven; h++) {
      const block = await this.store.getBlock(h)
      if (!block) throw new StateMismatch(`block ${h} missing from the store`)
      blocks.push(block)
      last = await readServed(this.store, h)
    }
    // Applied with no await in between: readers (account proofs, snapshot chunks) never see
    // the served ledger ahead of the served header.
    for (const block of blocks) applyBlockTransfers(ledger, block.transfers)
    if (ledger.tree.root !== last.header.stateRoot) throw new StateMismatch(`served state at ${last.header.height} does not match its header`)
    this.served = { ...last, ledger }
    for (const fn of this.servedListeners) fn(this.servedHead)
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn)
    this.lock = run.catch(() => {})
    return run
  }
}

async function readServed(store: BlockStore, height: number): Promise<ServedHead> {
  const header = await store.getHeader(height)
  if (!header) throw new StateMismatch(`header ${height} missing from the store`)
  return { header, qc: (await store.getQc(height)) ?? null }
}

async function readServedWithState(store: BlockStore, spec: ChainSpec, height: number): Promise<ServedHead & { ledger: LedgerState }> {
  const s = await readServed(store, height)
  return { ...s, ledger: await rebuild(store, spec, height, s.header) }
}

/** The ledger after block `height`, from the store's accounts and undo lists, checked against the header. */
async function rebuild(store: BlockStore, spec: ChainSpec, height: number, header: Header): Promise<LedgerState> {
  const accounts = await store.loadAccounts(height)
  const state = createLedger(
    chainIdentity(spec).chainTag,
    spec.profile.depth,
    [...accounts].map(([index, account]) => ({ index, account })),
  )
  if (state.tree.root !== header.stateRoot) throw new StateMismatch(`stored accounts at height ${height} do not match its state root`)
  return state
}
