// Wire-protocol constants: protocol ids, gossip topic, message types, byte caps,
// timeouts, range limits and penalties. docs/protocol.md is the normative text.

/** Stream protocols (multistream-select ids). The version is bumped on any incompatible change. */
export const PROTOCOL = {
  status: '/zklight/status/1.0.0',
  headers: '/zklight/headers/1.0.0',
  proofs: '/zklight/proofs/1.0.0',
  account: '/zklight/account/1.0.0',
  submit: '/zklight/submit/1.0.0',
  prepare: '/zklight/consensus/prepare/1.0.0',
  propose: '/zklight/consensus/propose/1.0.0',
  commit: '/zklight/consensus/commit/1.0.0',
  blocks: '/zklight/blocks/1.0.0',
  evidence: '/zklight/evidence/1.0.0',
  snapshot: '/zklight/snapshot/1.0.0',
  headerProofs: '/zklight/header-proofs/1.0.0',
} as const

/** Gossipsub topic for certified heads (docs/protocol.md#gossip). */
export const HEADS_TOPIC = 'zklight/heads/1'

/** Version byte after every message type; a peer that sees another version rejects the message (`bad-version`). */
export const MESSAGE_VERSION = 1

/** Leading byte of every wire message; 0x10.. so that no message is mistaken for a bare core object (tags 1..9). */
export const MSG = {
  statusRequest: 0x10,
  statusResponse: 0x11,
  headersRequest: 0x12,
  headersResponse: 0x13,
  proofsRequest: 0x14,
  proofsResponse: 0x15,
  accountRequest: 0x16,
  accountResponse: 0x17,
  submitRequest: 0x18,
  submitResponse: 0x19,
  headAnnouncement: 0x1e,
  error: 0x1f,
  // Between validators (docs/protocol.md#consensus), and certified blocks for catching up.
  prepareRequest: 0x20,
  prepareResponse: 0x21,
  proposeRequest: 0x22,
  proposeResponse: 0x23,
  commitRequest: 0x24,
  commitResponse: 0x25,
  blocksRequest: 0x26,
  blocksResponse: 0x27,
  evidenceRequest: 0x28,
  evidenceResponse: 0x29,
  // 0x40..0x4f: state snapshots (src/net/snapshot-messages.ts).
  snapshotRequest: 0x40,
  snapshotResponse: 0x41,
  // 0x50..0x5f: bodies-free catch-up (src/net/header-proofs-messages.ts).
  headerProofsRequest: 0x50,
  headerProofsResponse: 0x51,
} as const

/** Error codes of the error response, as carried on the wire (u8). */
export const ERROR_CODE = { 'not-found': 1, 'range-too-long': 2, 'bad-request': 3, unavailable: 4 } as const

/** Headers per request: 512 headers with small certificates stay well under the response cap. */
export const MAX_HEADERS_PER_REQUEST = 512
/** Blocks per proofs request: 64 full blocks (~200 KiB each at the codec maximum) stay under 16 MiB; the cap trims further. */
export const MAX_PROOFS_PER_REQUEST = 64
/** Height meaning "your latest proven state" in an account request (2^53 - 1, the largest wire height). */
export const LATEST_HEIGHT = Number.MAX_SAFE_INTEGER
/** Free-text strings (error messages, rejection reasons) are u8-length-prefixed UTF-8. */
export const MAX_TEXT_BYTES = 255

// Byte caps, frame payload only (the varint prefix is not counted). Sizes below
// use docs/spec.md encodings: header 152 B, transfer 182 B, proof 258 B,
// certificate 36 + 66 per signature (<= 16,932 B at 256 validators),
// account proof <= 1,111 B at depth 32.

/** Every request is a few fixed fields; 64 B leaves room and refuses floods early. */
export const MAX_FIXED_REQUEST_BYTES = 64
/** A submit request is one transfer (2 + 182 B). */
export const MAX_SUBMIT_REQUEST_BYTES = 512
/** Status: 2 + 4 + 32 + 152 + 1 + 16,932 B at most. */
export const MAX_STATUS_RESPONSE_BYTES = 32 * 1024
/** Headers: a server returns the longest prefix that fits; 1 MiB holds 512 headers with ~1.8 KiB certificates each. */
export const MAX_HEADERS_RESPONSE_BYTES = 1024 * 1024
/** Proofs: a server returns the longest prefix that fits; a maximal block with proof and certificate is ~204 KiB. */
export const MAX_PROOFS_RESPONSE_BYTES = 4 * 1024 * 1024
/** Account: 2 + 152 + 1 + 16,932 + 1,111 B at most. */
export const MAX_ACCOUNT_RESPONSE_BYTES = 32 * 1024
/** Submit result: 2 + 1 + 1 + 255 B. Also the floor of every response cap, so an error response always fits. */
export const MAX_SUBMIT_RESPONSE_BYTES = 512
/** Gossiped head: 2 + 152 + 16,932 B at most. */
export const MAX_HEAD_ANNOUNCEMENT_BYTES = 32 * 1024
/**
 * Header-proofs: 2 + 2 + 64 × (152 + 1 + 258) + 16,932 = 43,242 B at most (64 headers with
 * proofs, one certificate of 256 signatures); it always fits, so an answer is never cut.
 */
export const MAX_HEADER_PROOFS_RESPONSE_BYTES = 64 * 1024
/** Snapshot chunk: 2 + 8 + 4 + 2 + 4,096 accounts × 82 + 2 + 32 siblings × 32 B = 336,914 B at most (MAX_SNAPSHOT_CHUNK_LEVEL 12). */
export const MAX_SNAPSHOT_RESPONSE_BYTES = 512 * 1024

// Gossip scoring (docs/protocol.md#gossip): only rejected announcements count. A sender
// with n rejected ones (decaying) scores INVALID_HEAD_WEIGHT * n^2: one puts it below
// gossipsub's gossip threshold (-10), two at its graylist threshold (-80) and three below
// it, where everything it sends is ignored. Honest peers never forward an announcement
// that fails validation, so they never pay this.

/** Score per (rejected head announcements)^2. */
export const INVALID_HEAD_WEIGHT = -20
/** Each second the count of rejected announcements is multiplied by this: three fall back under two in about 4 s, and gossipsub forgets them after about 30 s. */
export const INVALID_HEAD_DECAY = 0.9
/** Gossipsub score thresholds (its defaults, named here because the weights above are set against them). */
export const GOSSIP_THRESHOLDS = { gossipThreshold: -10, publishThreshold: -50, graylistThreshold: -80 } as const

// Timeouts cover a whole exchange (open stream, send request, receive response).
// Loopback round trips are ~1-3 ms and a 1 MiB echo ~150-230 ms (docs/architecture.md#platform-facts), so
// these leave room for slow links and a busy node.

export const STATUS_TIMEOUT_MS = 5_000
export const HEADERS_TIMEOUT_MS = 10_000
/** 4 MiB over a slow link, plus the node reading blocks from disk. */
export const PROOFS_TIMEOUT_MS = 30_000
export const ACCOUNT_TIMEOUT_MS = 5_000
/** The node checks the transfer against its ledger before answering. */
export const SUBMIT_TIMEOUT_MS = 5_000
/** Up to 512 KiB, and a server may first rebuild a past state from its undo lists. */
export const SNAPSHOT_TIMEOUT_MS = 15_000
/** At most 43 KB: a headers request's budget. */
export const HEADER_PROOFS_TIMEOUT_MS = 10_000

/**
 * A consensus message carries at most one block (~186 KiB at MAX_BLOCK_TRANSFERS) with a
 * certificate or a promise per validator (~230 B each, 256 at most).
 */
export const MAX_CONSENSUS_MESSAGE_BYTES = 512 * 1024
/** A prepare request is fixed-size (height, round, index, signature). */
export const MAX_PREPARE_REQUEST_BYTES = 96
/** Certified blocks per blocks request: what a validator catching up fetches at once. */
export const MAX_BLOCKS_PER_REQUEST = 64
/** Blocks answer: the longest prefix that fits. */
export const MAX_BLOCKS_RESPONSE_BYTES = 4 * 1024 * 1024
/** Evidence records per answer. */
export const MAX_EVIDENCE_PER_RESPONSE = 256
export const MAX_EVIDENCE_RESPONSE_BYTES = 256 * 1024
/** A vote or promise is a signature away on loopback or a LAN; a proposal also carries the block to check. */
export const CONSENSUS_TIMEOUT_MS = 5_000

/** Concurrent inbound streams per protocol and connection: a light client needs one or two. */
export const MAX_INBOUND_STREAMS = 8

// Penalties (docs/protocol.md#penalties): oversized or malformed bytes are proof
// of a broken or hostile peer and cost the connection at once; a peer that opens
// streams and stays silent may just be slow, so it gets a few chances.

/** Silent request streams (server side timeouts) tolerated before hanging up. */
export const MAX_SILENT_REQUESTS = 3
/**
 * Submitted transfers whose signature fails that a server answers before it hangs up on
 * the peer and bans it: each costs a full signature check (~1 ms), and an honest signer
 * never sends one; a few allow for a user trying the wrong key file.
 */
export const MAX_BAD_SIGNATURES = 3
/** Peers whose misbehaviour counts are remembered (oldest forgotten first), so the table cannot grow without bound. */
export const MAX_TRACKED_PEERS = 4096

/** Fresh attempts of one dial: WebRTC private-to-private loses ~6% of dials to a race in @libp2p/webrtc 6.0.33 (docs/architecture.md#platform-facts). */
export const DIAL_ATTEMPTS = 3
/** Time for one dial attempt; WebRTC via relay signalling took ~830 ms to a first round trip on loopback. */
export const DIAL_TIMEOUT_MS = 10_000

// Proving protocols (docs/protocol.md#proving): a producing node leases the witness
// input of an unproven block to one of its own provers and takes the proof back.
// Type bytes 0x30..0x3f are theirs.

export const PROVE_PROTOCOL = {
  info: '/zklight/prove/info/1.0.0',
  lease: '/zklight/prove/lease/1.0.0',
  submit: '/zklight/prove/submit/1.0.0',
} as const

export const PROVE_MSG = {
  infoRequest: 0x30,
  infoResponse: 0x31,
  leaseRequest: 0x32,
  leaseResponse: 0x33,
  submitRequest: 0x34,
  submitResponse: 0x35,
} as const

/** Info: 2 + 4 + 32 + 256 (profile name) + 2 + 1 + 32 + 4 B at most. */
export const MAX_PROVE_INFO_RESPONSE_BYTES = 512
/**
 * Lease: a job is 2 + 1 + 8 + 4 B plus the witness input, 32 B a field element: a
 * devnet-profile block (B=4, D=16: 196 elements) is about 6.6 KiB, a B=8, D=20 one about
 * 15 KiB; 64 KiB leaves room for bigger profiles and refuses floods early.
 */
export const MAX_PROVE_LEASE_RESPONSE_BYTES = 64 * 1024
/** Submit: 2 + 8 + 258 (proof) + 1 + 32 per public signal (4 today, at most 16). */
export const MAX_PROVE_SUBMIT_REQUEST_BYTES = 1024
/** Submit result: the same shape and cap as the transfer submit result. */
export const MAX_PROVE_SUBMIT_RESPONSE_BYTES = 512
/** Public signals a submitted proof may carry (the circuit has PUBLIC_SIGNAL_COUNT). */
export const MAX_PROVE_SIGNALS = 16
/** Named arrays in a witness input (the state-transition circuit has 22). */
export const MAX_INPUT_SIGNALS = 64
/** Length of one array dimension in a witness input (B or D: 8 and 20 at the largest profile). */
export const MAX_INPUT_DIMENSION = 1024

export const PROVE_INFO_TIMEOUT_MS = 5_000
/** The node may rebuild a block's witness input from its store (blocks left unproven by a restart). */
export const PROVE_LEASE_TIMEOUT_MS = 10_000
/** The node verifies the proof before answering; its verifier may be busy with other proofs. */
export const PROVE_SUBMIT_TIMEOUT_MS = 30_000
