// The proposer: every block interval it cuts a block from the mempool (up to the
// circuit batch B; none while the provers are a backlog limit behind), has every
// validator review it, and commits it once more than 2/3 signed. An interval with no
// transfers still yields an empty block (no proof needed: same state root, txRoot 0),
// so light clients can tell a live chain from a stalled one by the head's timestamp.
import { hashHeader } from '../core/header.ts'
import { applyBlockTransfers, cloneLedger, type TransferStep } from '../core/ledger.ts'
import { makeQuorumCertificate, quorumSize } from '../core/quorum.ts'
import { computeTxRoot } from '../core/tx-root.ts'
import type { Logger } from '../core/logger.ts'
import type { Block, Header, Vote } from '../core/types.ts'
import type { ChainState } from './chain.ts'
import { MAX_UNPROVEN_BLOCKS } from './constants.ts'
import type { Mempool } from './mempool.ts'
import { proposerFor, type Validator } from './validator.ts'

export interface ProducerDeps {
  chain: ChainState
  mempool: Mempool
  validators: Validator[]
  blockTimeMs: number
  /** Blocks with transfers still waiting for their proof. */
  unproven: () => number
  /** Unproven blocks at which only empty blocks are cut (backlog-policy.ts; default MAX_UNPROVEN_BLOCKS). */
  backlogLimit?: () => number
  /** Called after each committed block with the steps its transfers made. */
  onBlock: (block: Block, steps: TransferStep[], parentRoot: bigint) => void
  logger: Logger
  now?: () => number
}

export class BlockProducer {
  private timer: ReturnType<typeof setTimeout> | undefined
  private running = false
  private current: Promise<void> = Promise.resolve()

  constructor(private readonly deps: ProducerDeps) {}

  start(): void {
    this.running = true
    this.schedule(this.deps.blockTimeMs)
  }

  /** Stops cutting blocks; waits for a block in progress to be committed. */
  async stop(): Promise<void> {
    this.running = false
    clearTimeout(this.timer)
    await this.current
  }

  /** Builds, certifies and commits one block now (the timer's tick; tests call it directly). */
  produce(): Promise<Block | undefined> {
    const run = this.current.then(() => this.produceOne())
    this.current = run.then(
      () => {},
      () => {},
    )
    return run
  }

  private schedule(delay: number): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      const t0 = Date.now()
      this.produce()
        .catch((err: unknown) => this.deps.logger.error('block production failed', err))
        .finally(() => this.schedule(Math.max(0, this.deps.blockTimeMs - (Date.now() - t0))))
    }, delay)
  }

  private async produceOne(): Promise<Block | undefined> {
    const { chain, mempool, validators } = this.deps
    const now = (this.deps.now ?? Date.now)()
    const parent = chain.head
    const parentState = chain.ledger
    const batch = chain.spec.profile.batch
    const transfers = this.deps.unproven() >= (this.deps.backlogLimit?.() ?? MAX_UNPROVEN_BLOCKS) ? [] : mempool.peek(batch)
    const scratch = cloneLedger(parentState)
    applyBlockTransfers(scratch, transfers)
    const height = parent.height + 1
    const header: Header = {
      chainId: parent.chainId,
      height,
      parentHash: hashHeader(parent),
      stateRoot: scratch.tree.root,
      txRoot: computeTxRoot(chain.identity.chainTag, transfers),
      timestamp: Math.max(now, parent.timestamp),
      validatorSetHash: parent.validatorSetHash,
      proposer: proposerFor(height, validators.length),
    }
    const block: Block = { header, transfers }

    const votes: Vote[] = []
    const refusals: string[] = []
    for (const v of validators) {
      const review = v.review(parent, parentState, block, now)
      if (review.ok) votes.push(review.vote)
      else refusals.push(`validator ${v.index}: ${review.reason}`)
      // Each review re-checks every signature (~20 ms each): let the network run in between.
      if (transfers.length > 0) await new Promise((r) => setImmediate(r))
    }
    if (votes.length < quorumSize(validators.length)) {
      // Only a node bug or a changed head gets here: drop the block's transfers so the next interval can go on.
      this.deps.logger.warn(`block ${height} refused (${refusals.join(', ')}); dropping its ${transfers.length} transfer(s)`)
      mempool.discard(transfers, chain.ledger)
      return undefined
    }
    const qc = makeQuorumCertificate(hashHeader(header), votes)
    const steps = await chain.append(block, qc)
    mempool.committed(transfers, chain.ledger)
    this.deps.onBlock(block, steps, parent.stateRoot)
    return block
  }
}
