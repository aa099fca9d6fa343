// Defaults and limits of the ledger node, devnet and CLI, each with the reason for
// its value. Wire limits live in src/net/constants.ts, ledger rules in src/core.

/** One block a second: light clients see a live chain (empty blocks) and transfers land within a few seconds. */
export const DEFAULT_BLOCK_TIME_MS = 1_000

/** Queued transfers at most: ~1k signature checks (20 ms each) bound the work one flood can cause. */
export const MEMPOOL_MAX_TRANSFERS = 1_024

/**
 * Blocks with transfers waiting for a proof (the one being proven included) before the
 * proposer cuts only empty blocks: proving (2-9 s a block) is slower than block time, and
 * without this bound the proven head would fall further behind the head without limit.
 */
export const MAX_UNPROVEN_BLOCKS = 2

/**
 * Voting rounds: round r at a height lasts (r = 0: the block interval, plus) (r + 1) steps of
 * max(MIN_ROUND_STEP_MS, 2 × block interval), capped at MAX_ROUND_TIMEOUT_MS. A step covers a
 * prepare, a proposal and the votes on loopback or a LAN with room for a busy machine;
 * growing rounds let validators that started a height at different times meet in one.
 */
export const MIN_ROUND_STEP_MS = 1_000
export const MAX_ROUND_TIMEOUT_MS = 60_000

/**
 * Submits a peer may send at once (token-bucket size), and the rate the bucket refills at.
 * A chain takes B transfers a block (4 a second on the devnet), so a peer sending more for
 * long gains nothing; at 4 a second a flooding peer costs at most 4 signature checks
 * (~1 ms each) a second, while a burst of 16 leaves a wallet room to queue several nonces.
 */
export const SUBMIT_BURST = 16
export const SUBMIT_RATE_PER_S = 4

/** A validator refuses a header stamped further than this in its future. */
export const MAX_CLOCK_DRIFT_MS = 5_000

/** Past heights whose account proofs a node rebuilds from its store's undo lists; older ones are `not-found`. */
export const ACCOUNT_HISTORY_BLOCKS = 256

/** Rebuilt past states kept in memory: light clients ask at their verified tip, usually one of a few recent heights. */
export const ACCOUNT_HISTORY_CACHE = 4

/** A follower asks its peers for their head this often (and at once when gossip announces a new head). */
export const FOLLOW_POLL_MS = 1_000

/** How long a peer that sent oversized or malformed bytes, or served an invalid block, is refused. */
export const BAN_MS = 10 * 60_000

/** Demo balance of each devnet account (u64). */
export const DEVNET_BALANCE = 1_000_000_000n

/** Accounts the devnet's transfer generator sends from; kept apart from the listed demo accounts so their nonces stay the user's. */
export const TRAFFIC_ACCOUNTS = 4

/** Defaults of `zklight devnet`. */
export const DEVNET_DEFAULTS = {
  dir: 'devnet-data',
  validators: 4,
  accounts: 8,
  txRate: 0.2,
  profile: 'devnet',
  httpPort: 8080,
} as const

/** Largest HTTP request path the devnet server looks at; anything longer is a 414. */
export const MAX_HTTP_PATH = 1_024

/**
 * A joining node takes as its snapshot height the lowest head among peers within this many
 * blocks of the best one, so every near-tip peer can serve it (they keep ACCOUNT_HISTORY_BLOCKS).
 */
export const SNAPSHOT_HEAD_WINDOW = 64

/** Proofs-by-range requests a joining node keeps in flight while it checks the header chain. */
export const SNAPSHOT_RANGES_IN_FLIGHT = 4

/**
 * Blocks below the snapshot height a joining node writes per store batch (each fsynced):
 * about 0.5 MB at 4 validators, so the history costs one fsync per ~1,000 blocks and never
 * has to sit in memory whole.
 */
export const SNAPSHOT_HISTORY_BATCH_BLOCKS = 1024

/** Chunk requests in flight per peer, and in all: a server serves 8 streams per protocol and connection. */
export const SNAPSHOT_CHUNKS_PER_PEER = 2
export const SNAPSHOT_CHUNKS_IN_FLIGHT = 8

/** Faults (timeouts, errors, not-found) after which a peer is left out of the rest of a join round. */
export const SNAPSHOT_MAX_PEER_FAULTS = 2

/** A join that has not completed after this long fails (SnapshotJoinFailed); rounds are retried until then. */
export const SNAPSHOT_JOIN_TIMEOUT_MS = 120_000

// Proving by leased jobs (docs/node.md, "Proving and serving"): in-process workers and
// `zklight prover` processes take jobs from the node's job board.

/** Expected proving time per transfer slot: 3.0 s (test profile) to 3.9 s (devnet) measured on 2 idle cores (docs/performance.md). */
export const PROVE_MS_PER_SLOT = 4_000

/** A lease lasts this many expected proving times: room for a busy machine before the job goes to another prover. */
export const LEASE_PROVING_TIMES = 4

/**
 * A lease lasts at least this many times the slowest of the node's last PROOF_TIMES_KEPT
 * proofs (lease to proof): on machines slower than expected, a lease that runs out before
 * any prover can finish only makes provers repeat each other's work.
 */
export const LEASE_SLOWEST_PROOFS = 2
export const PROOF_TIMES_KEPT = 8

/**
 * Unproven blocks with transfers allowed per prover worker before the proposer cuts only
 * empty blocks: one being proven and one waiting, so a worker that finishes finds the
 * next job at once. MAX_UNPROVEN_BLOCKS stays the floor (no prover connected).
 */
export const BACKLOG_BLOCKS_PER_WORKER = 2

/** A remote prover counts towards the proving capacity this long after its last lease request (it asks every NO_JOB_RETRY_MS when idle). */
export const PROVER_ACTIVE_MS = 10_000

/** Workers one remote prover may declare: an allowed prover cannot raise the backlog limit without bound. */
export const MAX_PROVER_WORKERS = 16

/** When the board is empty a prover asks again after this long: about one block interval, when the next job can appear. */
export const NO_JOB_RETRY_MS = 1_000

/** Back-off of a respawned worker or a prover that lost its node: doubling from the first to the second. */
export const PROVER_BACKOFF_MS = { first: 500, max: 30_000 } as const
