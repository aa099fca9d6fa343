// The public surface of a light client as applications, the watch stores and the web
// components use it: a LightClient and a tab-shared client (shared-client.ts) both have it,
// so nothing above this line needs to know which tab holds the network.
import type { Transfer } from '../core/types.ts'
import type { VerifiedBalance } from './balance.ts'
import type { ClientEvents, Health, InspectedBlock, PeerView, TransferProgress } from './options.ts'
import type { StartPoint } from './rules/start-point.ts'
import type { Inclusion } from './transfer-watch.ts'

export interface LightClientView {
  /** Where the verified view started (undefined until known: a tab-shared client learns it from the leading tab). */
  readonly startPoint: StartPoint | undefined
  on<K extends keyof ClientEvents>(event: K, fn: (arg: ClientEvents[K]) => void): () => void
  off<K extends keyof ClientEvents>(event: K, fn: (arg: ClientEvents[K]) => void): void
  start(): Promise<void>
  stop(): Promise<void>
  health(): Health
  peers(): PeerView[]
  addresses(): string[]
  requireFresh(opts: { maxLagMs: number; maxLagBlocks?: number }): Promise<Health>
  whenSynced(signal?: AbortSignal): Promise<Health>
  getBalance(address: string, opts?: { signal?: AbortSignal; minHeight?: number }): Promise<VerifiedBalance>
  /** `onProgress` sees each stage (a tab-shared client that does not lead reports none: functions do not cross tabs). */
  submitTransfer(signed: Transfer | Uint8Array, opts?: { timeoutMs?: number; onProgress?: (p: TransferProgress) => void }): Promise<Inclusion>
  /** What the client verified about a block it holds (a tab-shared client asks the leading tab). */
  inspect(height: number): InspectedBlock | undefined | Promise<InspectedBlock | undefined>
}

/** What the watch stores and web components need: events, health and balances. */
export type LightClientLike = Pick<LightClientView, 'on' | 'off' | 'health' | 'getBalance'>
