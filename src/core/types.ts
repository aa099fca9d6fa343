// Plain data types of the ledger, shared by every ring. No behaviour lives here.

/** A field element of the BN254 scalar field, always in [0, p). */
export type Field = bigint
/** A Baby Jubjub point (x, y). */
export type Point = readonly [Field, Field]
export type Bytes32 = Uint8Array

export interface Account {
  pubKey: Point
  balance: bigint // u64
  nonce: number // u32
}

export interface Signature {
  R8: Point
  S: bigint
}

export interface Transfer {
  from: number
  to: number
  toPubKey: Point
  amount: bigint
  nonce: number
  sig: Signature
}

export interface Header {
  chainId: number
  height: number
  parentHash: Bytes32
  stateRoot: Field
  txRoot: Field
  timestamp: number
  validatorSetHash: Bytes32
  proposer: number
}

export interface Block {
  header: Header
  transfers: Transfer[]
}

/** Ed25519 public keys, 32 bytes each, in a fixed order. */
export type ValidatorSet = Uint8Array[]

export interface Vote {
  validator: number
  signature: Uint8Array // 64 bytes
}

export interface QuorumCertificate {
  headerHash: Bytes32
  signatures: Vote[]
}

export interface AccountProof {
  index: number
  account: Account | null
  siblings: Field[]
}

export interface Checkpoint {
  chainId: number
  height: number
  headerHash: Bytes32
  stateRoot: Field
  validatorSet: ValidatorSet
}

/** A Groth16 proof in the canonical 256-byte form (docs/spec.md#state-transition-proof). */
export type ProofBytes = Uint8Array

/** A rejection of untrusted input: a value, never an exception. */
export type Verdict<R extends string> = { ok: true } | { ok: false; reason: R }
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: DecodeReason }

export type DecodeReason = 'truncated' | 'trailing-bytes' | 'bad-tag' | 'bad-version' | 'out-of-range' | 'too-long' | 'not-canonical'

export type TransferReason =
  'index-out-of-range' | 'self-transfer' | 'unknown-sender' | 'bad-signature' | 'bad-nonce' | 'bad-amount' | 'insufficient-balance' | 'receiver-mismatch' | 'balance-overflow' | 'nonce-exhausted'

/** Why an EdDSA-Poseidon signature is refused (src/core/eddsa.ts); the ledger reports each as `bad-signature`. */
export type SignatureReason = 'malformed' | 'not-field-element' | 's-out-of-range' | 's-unprovable' | 'r8-off-curve' | 'key-off-curve' | 'key-small-order' | 'equation-fails'

export type LinkReason = 'wrong-chain' | 'height-gap' | 'not-linked' | 'wrong-validator-set' | 'bad-timestamp' | 'bad-proposer'

export type QuorumReason = 'wrong-validator-set' | 'unknown-signer' | 'duplicate-signer' | 'bad-signature' | 'wrong-header' | 'quorum-missing'
