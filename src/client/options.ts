// Public types of the light client: options, events, health, and the tuning knobs
// with their defaults (each with the reason for its value).
import type { Logger } from '../core/logger.ts'
import type { Clock, RandomBytes } from '../core/platform.ts'
import type { Header, ProofBytes, TrustAnchor } from '../core/types.ts'
import type { Fault, Offence } from '../net/peer-judgement.ts'
import type { TransportKind } from '../net/transports.ts'
import type { ProofVerifier } from '../zk/proof-verifier.ts'
import type { VerifierPool, VerifierPoolOptions } from '../zk/verifier-pool.ts'
import type { VerifierBackend } from '../zk/verifier-backend.ts'
import type { CheckpointStoreLike } from './checkpoints.ts'
import type { DroppedHead, PendingHead } from './head-tracker.ts'
import type { ClientNetwork } from './network.ts'
import type { ClientStatus, StatusEvent } from './rules/live-status.ts'
import type { StartPoint } from './rules/start-point.ts'

export interface HeadEvent {
  height: number
  hash: string
  header: Header
  stateRoot: bigint
  verified: true
}

export interface BannedEvent {
  peer: string
  kind: 'offence' | 'fault'
  why: Offence | Fault
  detail: string
}

/** A run of blocks that was verified and adopted (for progress displays and charts). */
export interface BatchEvent {
  /** First and last height adopted. */
  from: number
  to: number
  /** Groth16 proofs verified in the batch (empty blocks carry none). */
  proofs: number
  /** Time from handing the proofs to the verifier to its verdict (0 when there were none). */
  verifyMs: number
  peer: string
  /** The best certified height seen when it was adopted: the sync's current target. */
  target: number
}

/**
 * A bootstrap peer the client could not use: every dial attempt failed (`error` is the
 * dial error), or it answered but speaks no zklight protocol (`protocols` are those it has).
 */
export interface UnreachableEvent {
  peer: string
  addrs: string[]
  reason: 'dial-failed' | 'not-zklight'
  error?: unknown
  protocols?: string[]
}

/**
 * Catch-up is stuck at `height`: a round towards `target` adopted nothing. Emitted once per
 * stuck height and reason (the client keeps retrying every `retryMs`); the next adopted
 * range ends it, and a later stall is reported again.
 */
export interface StalledEvent {
  /** The next height the client needs: its verified height + 1. */
  height: number
  /** The certified height it is trying to reach (the best a peer announced). */
  target: number
  /**
   * `no-answer`: no peer served the range (each said not-found, failed, or sent something
   * that did not check; peers at fault are reported by `banned`). `error`: the client's
   * own verifier or code failed, not a peer (`detail` says how).
   */
  reason: 'no-answer' | 'error'
  /** What the round got, in words: for `no-answer` the first range's answer or error and its peer; for `error` the failure. */
  detail?: string
  /** Connected peers that claim to have `height`. */
  peers: number
}

export interface ClientEvents extends Record<string, unknown> {
  head: HeadEvent
  pending: PendingHead
  dropped: DroppedHead
  status: StatusEvent
  banned: BannedEvent
  /** Where the client started: the stored checkpoint or the pinned one (and why a stored one was ignored). */
  checkpoint: StartPoint
  batch: BatchEvent
  unreachable: UnreachableEvent
  stalled: StalledEvent
}

/**
 * What the client verified about one block it holds, for a proof inspector: the header,
 * the certificate that covers it (its own, or that of a verified descendant: headers are
 * hash-linked, so a certificate on a later block covers every block before it), and the
 * block's proof when it carries one.
 */
export interface InspectedBlock {
  height: number
  hash: string
  header: Header
  /** 'checkpoint': the trusted start header (pinned or stored and re-checked); 'synced': verified by this client. */
  source: 'checkpoint' | 'synced'
  /** The 256-byte Groth16 proof of the block's state transition; null for an empty block (its root is its parent's) or the checkpoint. */
  proof: ProofBytes | null
  transfers: number
  /** Whether the block's transfers were checked against its txRoot. */
  bodyVerified: boolean
  certificate?: {
    /** Height and hash of the header the certificate signs (this block's, or a descendant's). */
    height: number
    headerHash: string
    /** Validator indices that signed, and the size of the set. */
    signers: number[]
    validators: number
  }
}

/** How far a submitted transfer has come (see LightClient.submitTransfer). */
export type TransferProgress = { stage: 'accepted'; peer: string } | { stage: 'certified'; height: number } | { stage: 'verified'; height: number }

export interface Health {
  verifiedHeight: number
  bestSeenHeight: number
  lagBlocks: number
  /** Time since the verified view was last known to be current; Infinity before any peer confirmed it. */
  lagMs: number
  status: ClientStatus
  reason?: string
  peers: number
}

/** One connected zklight peer, as `client.peers()` reports it. */
export interface PeerView {
  id: string
  /** How the client reaches it; `other` when the network cannot tell (in-memory peers). */
  transport: TransportKind
  score: number
  /** Best height it advertised with a valid certificate; -1 before its first answer. */
  height: number
  /** Clock time its ban ends, while it is banned. */
  bannedUntil?: number
  lastOffence?: Offence | Fault
}

export interface Tuning {
  /** Blocks per proofs-by-range request: the protocol's maximum. */
  chunk: number
  /** Range requests in flight: enough to keep two verifier workers and the network busy. */
  parallel: number
  requestTimeoutMs: number
  /** A proof batch without a verdict for this long means a stuck verifier worker (a batch of 64 takes ~0.1 s). */
  verifyTimeoutMs: number
  /** Status poll period: bounds the lag a synced client can show between polls. */
  statusIntervalMs: number
  /** No confirmation for this long means the view is stale. */
  staleAfterMs: number
  /** At most one checkpoint write per this period (IndexedDB writes are not free). */
  saveIntervalMs: number
  /**
   * Nodes and bootstrap peers to keep connected: more than one, so no single peer controls
   * what the client sees. Light clients that connected to this one do not count.
   */
  wantPeers: number
  /** Back-off after a round that made no progress. */
  retryMs: number
  banMs: number
  /** How long getBalance waits for sync to reach the height a peer answered at. */
  balanceWaitMs: number
  transferTimeoutMs: number
  /** Verified blocks kept in memory to serve other light clients. */
  cacheBlocks: number
  /** Blocks below the target by more than this are synced without checking their transfers (see rules/range.ts). */
  bodyWindow: number
  /**
   * Fetch the blocks below the body window without their transfers (header-proofs,
   * docs/protocol.md#header-proofs) from peers that speak it; false: proofs-by-range only.
   */
  bodiesFree: boolean
  /** Ask for the next ranges while the proofs of the last ones are verified, check them and queue their proofs behind (false: one round at a time). */
  pipeline: boolean
}

export const DEFAULT_TUNING: Tuning = {
  chunk: 64,
  parallel: 4,
  requestTimeoutMs: 10_000,
  verifyTimeoutMs: 60_000,
  statusIntervalMs: 1_000,
  staleAfterMs: 10_000,
  saveIntervalMs: 1_000,
  wantPeers: 3,
  retryMs: 500,
  banMs: 10 * 60_000,
  balanceWaitMs: 5_000,
  transferTimeoutMs: 120_000,
  cacheBlocks: 4096,
  bodyWindow: 64,
  bodiesFree: true,
  pipeline: true,
}

export interface LightClientOptions {
  /** Multiaddrs to dial, or the URL of a bootstrap.json ({ multiaddrs: [...] }). Only addresses are taken from it. */
  bootstrap?: string[] | URL | string
  /**
   * What the client trusts, never taken from the network: the genesis header and the
   * parameters it commits to (network id, circuit B and D, verification-key hash, setup
   * class), and the checkpoint to start from (genesis or a pinned later one).
   */
  anchor: TrustAnchor
  store?: CheckpointStoreLike
  rtc?: { iceServers: { urls: string | string[]; username?: string; credential?: string }[] }
  /** Proof verifier (worker pool). When absent, one is built from `verificationKey`. */
  verifier?: ProofVerifier
  /**
   * Verifier workers started before the key was known (startBrowserVerifier,
   * VerifierPool.beforeKey): the client hands them `verificationKey` once it has checked it
   * against the anchor, and closes them when it stops. Used instead of building a pool.
   */
  startedVerifier?: VerifierPool
  /** The backend of the pool the client builds when given neither `verifier` nor `startedVerifier` (default mcl). */
  verifierBackend?: VerifierBackend
  /** The scheduling of that pool (default: batches that wait for a busy worker go out together; `{ coalesce: false }` splits each across all workers). */
  verifierPoolOptions?: VerifierPoolOptions
  /** The Groth16 verification key (snarkjs JSON); refused unless its hash is the one the anchor's genesis commits to. */
  verificationKey?: unknown
  clock?: Clock
  random?: RandomBytes
  /** Where the client reports what it does (failed saves, failed sync rounds); silent by default. */
  logger?: Logger
  /**
   * Browser only. WARNING: lets the tab dial loopback and private addresses and
   * plain ws:// (needed for a devnet on 127.0.0.1; leave off on a public network).
   */
  allowPrivateAddresses?: boolean
  /** Ask only these peers (peer ids), e.g. another tab or one's own nodes; other connections are not used for zklight requests. */
  onlyPeers?: string[]
  /** Per dial attempt (two attempts per address group); default src/net's DIAL_TIMEOUT_MS. A CLI on a LAN can ask for less. */
  dialTimeoutMs?: number
  /** An existing libp2p host to run on (for sharing one host). */
  host?: unknown
  /** A ready network (tests inject an in-memory one); replaces bootstrap/rtc/host. */
  network?: ClientNetwork
  tuning?: Partial<Tuning>
}
