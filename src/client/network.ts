// What the light client needs from the network, decoded: requests to one peer,
// connection events, gossiped heads, and serving its own verified data. The
// libp2p implementation lives in libp2p-network.ts; tests inject an in-memory one.
import type { AccountProof, BlockEntry, Header, QuorumCertificate, Transfer } from '../core/types.ts'
import type { TransportKind } from '../net/transports.ts'

export interface PeerStatus {
  chainId: number
  genesisHash: Uint8Array
  /** The peer's best proven (servable) head, with its certificate when it has one. */
  head: Header
  qc: QuorumCertificate | null
}

export interface CertifiedHead {
  header: Header
  qc: QuorumCertificate
}

export interface AccountProofAnswer {
  height: number
  /** The header the peer says the proof is against; only its height is used (the root comes from our verified view). */
  header: Header
  /** The peer's certificate on that header, if it has one: a hint of a head to sync to, checked before use. */
  qc: QuorumCertificate | null
  proof: AccountProof
}

export type SubmitAnswer = { ok: true } | { ok: false; reason: string }

/** A bodies-free range (docs/protocol.md#header-proofs): headers with their proofs, and the certificate of the last one. */
export interface HeaderProofsAnswer {
  entries: { header: Header; proof: Uint8Array | null }[]
  qc: QuorumCertificate
}

export interface RequestOptions {
  signal?: AbortSignal
  timeoutMs?: number
}

/**
 * Requests to one peer. Implementations throw named errors: `BadMessage` or
 * `MessageTooLarge` when the peer's bytes do not decode (proven misbehaviour),
 * `RequestTimeout` when it is silent, `PeerRefused` when it answered an error other
 * than `not-found` (e.g. `unavailable`), anything else for transport trouble. A
 * `not-found` answer is an empty list (headers, proofs) or null (account proofs).
 */
export interface PeerWire {
  status(peer: string, opts?: RequestOptions): Promise<PeerStatus>
  headers(peer: string, from: number, count: number, opts?: RequestOptions): Promise<Header[]>
  proofs(peer: string, from: number, count: number, opts?: RequestOptions): Promise<BlockEntry[]>
  /**
   * The same range without transfers and with one certificate; null on `not-found`. Throws
   * an error that isUnsupportedProtocol (src/net/errors.ts) recognises when the peer does
   * not speak it. Optional: a network without it syncs with `proofs` alone.
   */
  headerProofs?(peer: string, from: number, count: number, opts?: RequestOptions): Promise<HeaderProofsAnswer | null>
  /** `height` may be LATEST_HEIGHT (src/net/constants.ts): the peer's latest proven state. Null when it has none there (`not-found`). */
  accountProof(peer: string, index: number, height: number, opts?: RequestOptions): Promise<AccountProofAnswer | null>
  submitTransfer(peer: string, transfer: Transfer, opts?: RequestOptions): Promise<SubmitAnswer>
}

/** What this client serves to other light clients, from data it has verified. */
export interface ServeSource {
  status(): PeerStatus | undefined
  headers(from: number, count: number): Header[]
  /** Blocks whose transfers this client checked, ending on a certified one. */
  proofs(from: number, count: number): BlockEntry[]
  /** Any verified blocks as headers and proofs, ending on a certified one (undefined: none from `from`). */
  headerProofs(from: number, count: number): HeaderProofsAnswer | undefined
}

/** A byte-level request handler (see src/net/protocols.ts toBytesHandler). */
export type ServeHandler = (request: Uint8Array, ctx: { peer: string; signal: AbortSignal }) => Promise<Uint8Array>

export type NetworkEvent =
  | { type: 'connect'; peer: string }
  | { type: 'disconnect'; peer: string }
  /** A gossiped head; `head` is undefined when the bytes did not decode (`reason` says why). */
  | { type: 'head'; peer: string; head?: CertifiedHead; reason?: string }
  /** A bootstrap peer that could not be dialled (`error`), or that answered without speaking zklight (`protocols`). */
  | { type: 'unreachable'; peer: string; addrs: string[]; reason: 'dial-failed' | 'not-zklight'; error?: unknown; protocols?: string[] }

export interface ClientNetwork extends PeerWire {
  start(): Promise<void>
  stop(): Promise<void>
  /** Currently connected peers that speak the zklight protocols. */
  peers(): string[]
  /** Addresses other light clients can dial to reach this one (a browser tab: through a relay). */
  addresses?(): string[]
  /**
   * Whether `peer` said (identify) it serves account proofs and takes transfers: nodes do,
   * light clients do not. Unknown (undefined) means assume it does.
   */
  servesState?(peer: string): boolean | undefined
  /** Whether `peer` listed `protocol` (identify); undefined when not known (not identified, or a network that cannot tell). */
  supports?(peer: string, protocol: string): boolean | undefined
  /** The transport requests to a connected peer travel over; undefined when not connected (or not known). */
  transportOf?(peer: string): TransportKind | undefined
  on(fn: (ev: NetworkEvent) => void): void
  /** Hangs up on a peer and refuses it until `untilMs` (clock time). */
  ban(peer: string, untilMs: number): Promise<void>
  /** Dials more peers (bootstrap list, known addresses) when fewer than `want` are connected. */
  ensurePeers(want: number): Promise<void>
  /** Registers request handlers (protocol id → handler) on this client's own host. */
  serve(handlers: ReadonlyMap<string, ServeHandler>): void
}
