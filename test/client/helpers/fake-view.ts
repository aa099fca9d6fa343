// A scripted stand-in for a light client's public surface (LightClientView): the tests set
// its health and balances and emit its events, to drive the watch stores and the tab-shared
// client without a network.
import { Emitter } from '../../../src/client/emitter.ts'
import type { LightClientView } from '../../../src/client/client-view.ts'
import type { VerifiedBalance } from '../../../src/client/balance.ts'
import { ClientStopped } from '../../../src/client/errors.ts'
import type { ClientEvents, Health, HeadEvent, InspectedBlock, PeerView, TransferProgress } from '../../../src/client/options.ts'
import type { StartPoint } from '../../../src/client/rules/start-point.ts'
import type { Header } from '../../../src/core/types.ts'

export class FakeView implements LightClientView {
  readonly events = new Emitter<ClientEvents>()
  h: Health = { verifiedHeight: 0, bestSeenHeight: 0, lagBlocks: 0, lagMs: Infinity, status: 'syncing', peers: 0 }
  startPoint: StartPoint | undefined = undefined
  started = false
  stopped = false
  peerList: PeerView[] = []
  /** What getBalance answers (or throws); `calls` records each call's arguments. */
  balance: (address: string, opts: { minHeight?: number }) => Promise<VerifiedBalance> = async () => {
    throw new Error('no balance scripted')
  }
  calls: { address: string; minHeight?: number }[] = []

  on<K extends keyof ClientEvents>(event: K, fn: (arg: ClientEvents[K]) => void): () => void {
    return this.events.on(event, fn)
  }
  off<K extends keyof ClientEvents>(event: K, fn: (arg: ClientEvents[K]) => void): void {
    this.events.off(event, fn)
  }
  async start(): Promise<void> {
    this.started = true
  }
  async stop(): Promise<void> {
    this.stopped = true
  }
  health(): Health {
    return { ...this.h }
  }
  peers(): PeerView[] {
    return this.peerList
  }
  addresses(): string[] {
    return []
  }
  async requireFresh(): Promise<Health> {
    return this.health()
  }
  async whenSynced(): Promise<Health> {
    return this.health()
  }
  async getBalance(address: string, opts: { minHeight?: number } = {}): Promise<VerifiedBalance> {
    if (this.stopped) throw new ClientStopped()
    this.calls.push({ address, ...(opts.minHeight === undefined ? {} : { minHeight: opts.minHeight }) })
    return this.balance(address, opts)
  }
  /** What submitTransfer reports to onProgress before it answers; `progressSeen` says whether a callback came. */
  progress: TransferProgress[] = []
  progressSeen: boolean[] = []
  async submitTransfer(_signed: unknown, opts: { onProgress?: (p: TransferProgress) => void } = {}): Promise<never> {
    this.progressSeen.push(opts.onProgress !== undefined)
    for (const p of this.progress) opts.onProgress?.(p)
    throw new Error('not scripted')
  }
  /** The blocks inspect answers, by height. */
  blocks = new Map<number, InspectedBlock>()
  inspect(height: number): InspectedBlock | undefined {
    return this.blocks.get(height)
  }

  /** Verifies a head at `height`, stamped `ageMs` before now (the view's lag follows it). */
  verify(height: number, ageMs = 0): HeadEvent {
    const header = { height, timestamp: Date.now() - ageMs } as Header
    const head: HeadEvent = { height, hash: `h${height}`, header, stateRoot: BigInt(height), verified: true }
    this.h = { ...this.h, verifiedHeight: height, bestSeenHeight: Math.max(height, this.h.bestSeenHeight), lagBlocks: 0, lagMs: ageMs, status: 'synced' }
    this.events.emit('head', head)
    return head
  }
}

export function balanceAt(height: number, balance: bigint): VerifiedBalance {
  return { balance, nonce: 0, exists: true, height, stateRoot: BigInt(height), proof: {} as VerifiedBalance['proof'], verified: true }
}
