// The devnet's transfer generator: at up to a fixed rate it signs a small transfer from
// one of its own traffic accounts to a random account and queues it. It only adds work
// while the prover is idle and the mempool short, so users' transfers are never stuck
// behind it, and it never sends from the demo accounts users hold keys for.
import { signTransfer } from '../core/transfer.ts'
import type { Logger } from '../core/logger.ts'
import type { Point, Transfer } from '../core/types.ts'
import type { AccountKey } from './account-key.ts'
import type { Mempool } from './mempool.ts'

export interface GeneratorDeps {
  /** Read for the senders' next nonces and whether transfers are queued. */
  mempool: Pick<Mempool, 'size' | 'pendingAccount'>
  /** Queues a transfer (a validator also relays it to the others). */
  submit: (t: Transfer) => Promise<{ ok: true } | { ok: false; reason: string }>
  chainTag: bigint
  senders: AccountKey[]
  receivers: { index: number; pubKey: Point }[]
  ratePerSecond: number
  /** True while blocks wait for proofs: the generator then holds back. */
  proverBusy: () => boolean
  logger: Logger
  /** A uniform random integer in [0, n). */
  randomInt?: (n: number) => number
}

export class TransferGenerator {
  private timer: ReturnType<typeof setInterval> | undefined
  private refusals = 0
  sent = 0

  constructor(private readonly deps: GeneratorDeps) {}

  start(): void {
    if (this.deps.ratePerSecond <= 0 || this.deps.senders.length === 0) return
    this.timer = setInterval(() => this.tick(), Math.max(10, 1000 / this.deps.ratePerSecond))
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private tick(): void {
    const { mempool, senders, receivers } = this.deps
    if (mempool.size > 0 || this.deps.proverBusy()) return
    const rand = this.deps.randomInt ?? ((n: number) => Math.floor(Math.random() * n))
    const from = senders[rand(senders.length)] as AccountKey
    const sender = mempool.pendingAccount(from.index)
    const targets = receivers.filter((r) => r.index !== from.index)
    const to = targets[rand(targets.length)]
    if (!sender || !to || sender.balance < 1_000n) return
    const t = signTransfer(from.privateKey, this.deps.chainTag, {
      from: from.index,
      to: to.index,
      toPubKey: to.pubKey,
      amount: BigInt(1 + rand(999)),
      nonce: sender.nonce,
    })
    void this.deps.submit(t).then((v) => {
      if (v.ok) this.sent++
      else if (this.refusals++ < 3) this.deps.logger.warn(`refused (${v.reason})`)
    })
  }
}
