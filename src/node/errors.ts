// Named failures of the node ring. The CLI maps them to exit codes by name (cli-exit.ts):
// usage 2, trust 3, network 4, anything else 1; tests assert `name`, never message text.

/** A command line that cannot be run as given (unknown flag, missing value, bad number). */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** A genesis file (chain spec) that does not parse or is inconsistent; `reason` names the rule where there is one. */
export class ChainSpecError extends Error {
  override name = 'ChainSpecError'
  constructor(
    message: string,
    readonly reason?: string,
  ) {
    super(message)
  }
}

/** The node's folder holds another chain than the one it was asked to run. */
export class ChainMismatch extends Error {
  override name = 'ChainMismatch'
}

/** The state rebuilt from the store does not match the stored head: damage or a bug. */
export class StateMismatch extends Error {
  override name = 'StateMismatch'
}

/** A key file that does not hold what it should. */
export class BadKeyFile extends Error {
  override name = 'BadKeyFile'
}

/** No trusted checkpoint (or verification key) could be loaded for a light-client command. */
export class NoTrustAnchor extends Error {
  override name = 'NoTrustAnchor'
}

/** The HTTP port asked for is taken. */
export class PortInUse extends Error {
  override name = 'PortInUse'
}

/** What a ceremony folder failed on (see docs/node.md, "Trusted setup ceremony"). */
export type CeremonyInvalidReason =
  | 'bad-manifest'
  | 'bad-transcript'
  | 'missing-file'
  | 'transcript-mismatch'
  | 'chain-broken'
  | 'r1cs-mismatch'
  | 'wasm-mismatch'
  | 'circuit-mismatch'
  | 'ptau-mismatch'
  | 'init-mismatch'
  | 'contribution-invalid'
  | 'final-mismatch'
  | 'final-invalid'
  | 'vk-mismatch'

/** A ceremony folder that does not verify; `index` names the contribution when one is at fault. */
export class CeremonyInvalid extends Error {
  override name = 'CeremonyInvalid'
  constructor(
    readonly reason: CeremonyInvalidReason,
    message: string,
    readonly index?: number,
  ) {
    super(message)
  }
}

/** A ceremony step that cannot run on the folder as it is. */
export class CeremonyStateError extends Error {
  override name = 'CeremonyStateError'
  constructor(
    readonly reason: 'out-exists' | 'finalized' | 'not-finalized' | 'no-contributions',
    message: string,
  ) {
    super(message)
  }
}

/** Why a node could not join by snapshot (docs/node.md, "Joining by snapshot"). */
export type SnapshotJoinReason =
  | 'no-peers' // no peer answered its status (or every one is banned)
  | 'no-range-source' // no peer left to serve a range of blocks up to the snapshot height
  | 'proof-invalid' // a peer served a proof that does not verify (it is banned; the round is retried)
  | 'no-chunk-source' // no peer left to serve a chunk of the state at the snapshot height
  | 'equivocation' // two valid certificates for different headers at one height: never retried

/** A snapshot join that did not complete: one round (retried), or the whole join after its deadline. */
export class SnapshotJoinFailed extends Error {
  override name = 'SnapshotJoinFailed'
  constructor(
    readonly reason: SnapshotJoinReason,
    message: string,
  ) {
    super(message)
  }
}

/** No --peer could be dialled: `addr` and `cause` name the address and the dial error. */
export class PeerUnreachable extends Error {
  override name = 'PeerUnreachable'
  constructor(
    readonly addr: string,
    readonly dialError: string,
  ) {
    super(`cannot reach ${addr}: ${dialError}`)
  }
}

/** A --peer answered, but is not a zklight node: not libp2p at all, or a libp2p peer without the zklight protocols. */
export class NotZklightPeer extends Error {
  override name = 'NotZklightPeer'
  constructor(
    readonly addr: string,
    readonly detail: string,
  ) {
    super(`${addr} is not a zklight node: ${detail}`)
  }
}

/** Connected, but no verified view of the chain came within the time allowed. */
export class NoVerifiedView extends Error {
  override name = 'NoVerifiedView'
}
