// The light client's public surface (also the package's main entry via src/index.ts).
// Security: everything it reports as verified was checked against a trusted checkpoint
// — quorum certificates, hash links, Groth16 state-transition proofs, Merkle account proofs.
export { createLightClient, resolveBootstrap } from './create.ts'
export { LightClient } from './light-client.ts'
export type { ClientEvents, Health, HeadEvent, BannedEvent, BatchEvent, UnreachableEvent, StalledEvent, InspectedBlock, TransferProgress, LightClientOptions, PeerView, Tuning } from './options.ts'
export type { TransportKind } from '../net/transports.ts'
export type { ClientStatus, StatusEvent } from './rules/live-status.ts'
export type { Equivocation } from './rules/certificate-book.ts'
export { DEFAULT_TUNING } from './options.ts'
export type { VerifiedBalance } from './balance.ts'
export type { Inclusion } from './transfer-watch.ts'
export type { PendingHead, DroppedHead } from './head-tracker.ts'
export type { CheckpointStoreLike } from './checkpoints.ts'
export type { StartPoint } from './rules/start-point.ts'
export type { ClientNetwork, PeerWire, NetworkEvent, ServeHandler } from './network.ts'
export type { Offence, Fault } from '../net/peer-judgement.ts'
export type { Clock, RandomBytes } from '../core/platform.ts'
export { createLogger, silentLogger, formatLogEntry, type Logger, type LogEntry, type LogLevel } from '../core/logger.ts'
export type { ProofVerifier, BatchItem, BatchResult } from '../zk/proof-verifier.ts'
export { systemClock } from './deps.ts'
export {
  StaleView,
  ClientHalted,
  ClientStopped,
  NoVerifiedAnswer,
  BadAddress,
  TransferRejected,
  TransferNotIncluded,
  BootstrapFailed,
  BadTrustAnchor,
  VerificationKeyMismatch,
  LeaderUnavailable,
} from './errors.ts'
export { loadBootstrap, type BootstrapDocument, type LoadedBootstrap } from './bootstrap.ts'
export type { LightClientView, LightClientLike } from './client-view.ts'
export { createSharedLightClient, SharedLightClient, type SharedClientOptions, type SharedClientEvents, type TabRole } from './shared-client.ts'
export { watchHealth, watchBalance, type ExternalStore, type WatchOptions, type HealthSnapshot, type BalanceSnapshot, type BalanceState, type ViewState, type PendingView } from './watch-store.ts'
export { judgeFreshness, type Freshness, type FreshnessReason, type FreshnessBounds } from './rules/freshness.ts'
