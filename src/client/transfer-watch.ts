// Waits for submitted transfers to appear in verified blocks: a match on
// (sender, nonce) whose transfer hash is ours resolves; a different transfer with
// the same sender nonce means ours can never land.
import { bytesToHex } from '../core/bytes.ts'
import { hashTransfer } from '../core/transfer.ts'
import { decodeTransfer } from '../core/codec.ts'
import type { Transfer } from '../core/types.ts'
import type { Clock } from '../core/platform.ts'
import { NoVerifiedAnswer, TransferNotIncluded, TransferRejected } from './errors.ts'
import { reportRequestError, type PeerReports } from '../net/peer-judgement.ts'
import type { PeerWire } from './network.ts'
import type { TransferProgress } from './options.ts'
import type { CheckedEntry } from './rules/range.ts'
import type { VerifiedBlock } from './verified-chain.ts'

export interface Inclusion {
  height: number
  headerHash: string
  /** Position of the transfer in the block. */
  index: number
  verified: true
}

interface Watch {
  hash: bigint
  resolve: (i: Inclusion) => void
  reject: (e: Error) => void
  timer: unknown
  onProgress?: (p: TransferProgress) => void
  /** Height of the certified block it was found in, once reported. */
  certifiedAt?: number
}

export class TransferWatch {
  private readonly watches = new Map<string, Watch>()

  constructor(
    private readonly chainTag: bigint,
    private readonly clock: Clock,
  ) {}

  /** Registers interest before submitting, so a fast block cannot be missed. */
  watch(t: Transfer, timeoutMs: number, onProgress?: (p: TransferProgress) => void): { done: Promise<Inclusion>; cancel: () => void } {
    const key = `${t.from}:${t.nonce}`
    let cancel = () => {}
    const done = new Promise<Inclusion>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => this.settle(key, (w) => w.reject(new TransferNotIncluded('timeout'))), timeoutMs)
      this.settle(key, (w) => w.reject(new TransferNotIncluded('nonce-taken')))
      this.watches.set(key, { hash: hashTransfer(this.chainTag, t), resolve, reject, timer, ...(onProgress ? { onProgress } : {}) })
      cancel = () => this.settle(key, () => {})
    })
    return { done, cancel }
  }

  /** Transfers still waiting for inclusion. */
  pending(): number {
    return this.watches.size
  }

  /**
   * Called with each range that passed every check but its proofs: a transfer found in a
   * block whose body matched its txRoot, under a verified certificate, is in a certified
   * block (its proof is being verified now).
   */
  checked(entries: readonly CheckedEntry[]): void {
    if (this.watches.size === 0) return
    for (const e of entries) {
      if (!e.bodyVerified) continue
      for (const t of e.block.transfers) {
        const w = this.watches.get(`${t.from}:${t.nonce}`)
        if (!w || w.certifiedAt !== undefined || hashTransfer(this.chainTag, t) !== w.hash) continue
        w.certifiedAt = e.block.header.height
        report(w, { stage: 'certified', height: w.certifiedAt })
      }
    }
  }

  /** Reports a stage of a watched transfer (accepted by a peer). */
  progress(t: Transfer, p: TransferProgress): void {
    const w = this.watches.get(`${t.from}:${t.nonce}`)
    if (w) report(w, p)
  }

  /** Called with each run of newly verified blocks. */
  verified(blocks: readonly VerifiedBlock[]): void {
    if (this.watches.size === 0) return
    for (const b of blocks) {
      if (!b.bodyVerified) continue // not authenticated: cannot show inclusion
      b.block.transfers.forEach((t, index) => {
        const key = `${t.from}:${t.nonce}`
        const w = this.watches.get(key)
        if (!w) return
        if (hashTransfer(this.chainTag, t) === w.hash) {
          report(w, { stage: 'verified', height: b.block.header.height })
          this.settle(key, (x) => x.resolve({ height: b.block.header.height, headerHash: bytesToHex(b.hash), index, verified: true }))
        } else this.settle(key, (x) => x.reject(new TransferNotIncluded('nonce-taken')))
      })
    }
  }

  failAll(err: Error): void {
    for (const key of [...this.watches.keys()]) this.settle(key, (w) => w.reject(err))
  }

  private settle(key: string, f: (w: Watch) => void): void {
    const w = this.watches.get(key)
    if (!w) return
    this.watches.delete(key)
    this.clock.clearTimeout(w.timer)
    f(w)
  }
}

/** A progress listener's bug is the application's: it never breaks the watch. */
function report(w: Watch, p: TransferProgress): void {
  try {
    w.onProgress?.(p)
  } catch {
    // ignored on purpose
  }
}

export interface SubmitContext {
  wire: PeerWire
  watch: TransferWatch
  peers: string[]
  requestTimeoutMs: number
  timeoutMs: number
  reports: PeerReports
  onProgress?: (p: TransferProgress) => void
}

/** Sends `signed` to peers until one accepts it, then waits for it in a verified block. */
export async function submitAndWait(ctx: SubmitContext, signed: Transfer | Uint8Array): Promise<Inclusion> {
  let transfer: Transfer
  if (signed instanceof Uint8Array) {
    const d = decodeTransfer(signed)
    if (!d.ok) throw new TransferRejected(d.reason)
    transfer = d.value
  } else transfer = signed
  const watch = ctx.watch.watch(transfer, ctx.timeoutMs, ctx.onProgress)
  let rejection: string | undefined
  for (const peer of ctx.peers) {
    let answer
    try {
      answer = await ctx.wire.submitTransfer(peer, transfer, { timeoutMs: ctx.requestTimeoutMs })
    } catch (err) {
      reportRequestError(ctx.reports, peer, err, 'submit answer')
      continue
    }
    if (answer.ok) {
      ctx.watch.progress(transfer, { stage: 'accepted', peer })
      return watch.done
    }
    rejection ??= answer.reason // another peer may still accept it: one liar cannot block a transfer
  }
  watch.cancel()
  if (rejection) throw new TransferRejected(rejection)
  throw new NoVerifiedAnswer('transfer acknowledgement')
}
