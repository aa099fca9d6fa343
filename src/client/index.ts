// The light client's public surface (also the package's main entry via src/index.ts).
// Security: everything it reports as verified was checked against a trusted checkpoint
// — quorum certificates, hash links, Groth16 state-transition proofs, Merkle account proofs.
export { createLightClient, resolveBootstrap, depthForChain } from './create.ts'
export { LightClient } from './light-client.ts'
export type { ClientEvents, ClientStatus, Health, HeadEvent, StatusEvent, BannedEvent, LightClientOptions, Tuning } from './options.ts'
export { DEFAULT_TUNING } from './options.ts'
export type { VerifiedBalance } from './balance.ts'
export type { Inclusion } from './transfer-watch.ts'
export type { PendingHead, DroppedHead } from './head-tracker.ts'
export type { StartPoint, CheckpointStoreLike } from './checkpoints.ts'
export type { ClientNetwork, PeerWire, NetworkEvent, ServeHandler } from './network.ts'
export type { Clock, ProofVerifier, ProofItem, RandomSource } from './deps.ts'
export { systemClock } from './deps.ts'
export { StaleView, ClientHalted, ClientStopped, NoVerifiedAnswer, BadAddress, TransferRejected, TransferNotIncluded, BootstrapFailed } from './errors.ts'
