// The mempool: transfers checked with the core rules against the head state plus
// every transfer queued before them, kept in arrival order for the proposer.
// No fees, so no replacement: a second transfer for a sender's nonce is refused.
import { bytesToHex } from '../core/bytes.ts'
import { encodeTransfer } from '../core/codec.ts'
import { applyTransfer, cloneLedger, verifyTransfer, type LedgerState } from '../core/ledger.ts'
import type { Account, Transfer, TransferReason, Verdict } from '../core/types.ts'
import { MEMPOOL_MAX_TRANSFERS } from './constants.ts'

/** Why a transfer was not queued: a ledger rule, or a node condition. */
export type SubmitReason = TransferReason | 'duplicate' | 'mempool-full'

export class Mempool {
  private queue: Transfer[] = []
  private readonly ids = new Set<string>()
  private pending: LedgerState

  constructor(
    head: LedgerState,
    private readonly maxSize = MEMPOOL_MAX_TRANSFERS,
  ) {
    this.pending = cloneLedger(head)
  }

  get size(): number {
    return this.queue.length
  }

  /** Checks `t` against the head state with every queued transfer applied; queues it if valid. */
  add(t: Transfer): Verdict<SubmitReason> {
    const id = idOf(t)
    if (this.ids.has(id)) return { ok: false, reason: 'duplicate' }
    if (this.queue.length >= this.maxSize) return { ok: false, reason: 'mempool-full' }
    const v = verifyTransfer(this.pending, t)
    if (!v.ok) return v
    applyTransfer(this.pending, t)
    this.queue.push(t)
    this.ids.add(id)
    return { ok: true }
  }

  /** The oldest `max` transfers, still queued (a block is cut from them; `committed` removes them). */
  peek(max: number): Transfer[] {
    return this.queue.slice(0, max)
  }

  /** The account as it will be once every queued transfer is applied (the next nonce to sign with). */
  pendingAccount(index: number): Account | undefined {
    return this.pending.accounts.get(index)
  }

  /**
   * Drops the transfers of a block committed on top of `head`. When they were the
   * queue's first ones (the proposer's case) the pending state is unchanged; otherwise
   * every queued transfer is checked again from the new head and invalid ones are dropped.
   */
  committed(transfers: readonly Transfer[], head: LedgerState): void {
    const ids = transfers.map(idOf)
    const prefix = ids.every((id, i) => this.queue[i] !== undefined && idOf(this.queue[i] as Transfer) === id)
    if (prefix) {
      this.queue.splice(0, ids.length)
      for (const id of ids) this.ids.delete(id)
      return
    }
    this.discard(transfers, head)
  }

  /** Drops `transfers` (a refused block's) and checks the rest again from `head`. */
  discard(transfers: readonly Transfer[], head: LedgerState): void {
    const gone = new Set(transfers.map(idOf))
    this.reset(
      head,
      this.queue.filter((t) => !gone.has(idOf(t))),
    )
  }

  /** Rebuilds the pending state from `head`, keeping the transfers of `keep` that are still valid. */
  reset(head: LedgerState, keep: readonly Transfer[] = this.queue): void {
    const old = [...keep]
    this.queue = []
    this.ids.clear()
    this.pending = cloneLedger(head)
    for (const t of old) this.add(t)
  }
}

function idOf(t: Transfer): string {
  return bytesToHex(encodeTransfer(t))
}
