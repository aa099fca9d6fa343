// Named failures of the light client API. Rejections of untrusted peer data are
// values inside the sync loop; these are what callers of the public API catch.

/** The verified view is older than the caller accepts (or no peer has confirmed it lately). */
export class StaleView extends Error {
  override name = 'StaleView'
  constructor(
    readonly lagMs: number,
    readonly lagBlocks: number,
    message = `verified view lags ${lagBlocks} blocks / ${Math.round(lagMs)} ms`,
  ) {
    super(message)
  }
}

/** The client stopped following the chain for safety (equivocation); the last safe checkpoint is kept. */
export class ClientHalted extends Error {
  override name = 'ClientHalted'
  constructor(readonly reason: string) {
    super(`light client halted: ${reason}`)
  }
}

/** The trust anchor does not hold together (a checkpoint of one network with the genesis of another, a bad validator key). */
export class BadTrustAnchor extends Error {
  override name = 'BadTrustAnchor'
  constructor(readonly reason: string) {
    super(`the trust anchor is inconsistent: ${reason}`)
  }
}

/** The verification key is not the one the chain's genesis commits to: it could accept forged proofs. */
export class VerificationKeyMismatch extends Error {
  override name = 'VerificationKeyMismatch'
  constructor(
    readonly expected: string,
    readonly got: string,
  ) {
    super(`verification key hash ${got} differs from ${expected}, the hash the genesis commits to: refusing it`)
  }
}

/** The client was stopped, or an operation ran before start(). */
export class ClientStopped extends Error {
  override name = 'ClientStopped'
  constructor(message = 'light client is not running') {
    super(message)
  }
}

/** No peer could serve a verifiable answer (every answer was missing or failed verification). */
export class NoVerifiedAnswer extends Error {
  override name = 'NoVerifiedAnswer'
  constructor(what: string) {
    super(`no peer served a verifiable ${what}`)
  }
}

/** The address string does not decode, or names a slot that another key owns. */
export class BadAddress extends Error {
  override name = 'BadAddress'
  constructor(readonly reason: 'bad-address' | 'key-mismatch') {
    super(reason === 'bad-address' ? 'not a zkl address' : 'the account slot belongs to a different key')
  }
}

/** A peer refused a submitted transfer with a ledger rule (`reason` is the rule). */
export class TransferRejected extends Error {
  override name = 'TransferRejected'
  constructor(readonly reason: string) {
    super(`transfer rejected: ${reason}`)
  }
}

/** The transfer did not appear in a verified block in time, or another transfer took its nonce. */
export class TransferNotIncluded extends Error {
  override name = 'TransferNotIncluded'
  constructor(readonly reason: 'timeout' | 'nonce-taken') {
    super(reason === 'timeout' ? 'transfer not in a verified block before the deadline' : 'another transfer with the same sender nonce was included')
  }
}

/** The bootstrap list could not be read. */
export class BootstrapFailed extends Error {
  override name = 'BootstrapFailed'
}

/** No tab answered a call forwarded to the leading tab in time (src/client/shared-client.ts). */
export class LeaderUnavailable extends Error {
  override name = 'LeaderUnavailable'
  constructor(readonly method: string) {
    super(`no leading tab answered ${method} in time`)
  }
}
