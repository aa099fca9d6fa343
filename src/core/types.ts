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
  /** The chain's genesis header hash: binds the checkpoint, and every signature, to one network. */
  genesisHash: Bytes32
  height: number
  headerHash: Bytes32
  stateRoot: Field
  validatorSet: ValidatorSet
}

/** A Groth16 proof in the canonical 256-byte form (docs/spec.md#state-transition-proof). */
export type ProofBytes = Uint8Array

/** A block as peers serve it: with its proof (null for an empty block) and certificate (null when the server has none). */
export interface BlockEntry {
  block: Block
  proof: ProofBytes | null
  qc: QuorumCertificate | null
}

/** How a chain's Groth16 keys were made (docs/architecture.md#trust-anchor). */
export type SetupClass = 'insecure-dev' | 'single-party' | 'ceremony'

/**
 * What a genesis commits to besides its state and validators: the network id chosen at
 * genesis, the circuit parameters, the verification key's hash and how the keys were made.
 * The genesis header's parentHash is the hash of these (docs/spec.md#chain-identity).
 */
export interface ChainParams {
  networkId: Bytes32
  /** Transfers per block (circuit batch B). */
  batch: number
  /** Accounts tree depth D. */
  depth: number
  /** sha256 of the verification key's canonical encoding (src/core/vk-hash.ts). */
  vkHash: Bytes32
  setupClass: SetupClass
  /** Verified phase-2 contributions to the keys. */
  contributions: number
  /** Hash of the setup's transcript (contributors and their hashes). */
  transcriptHash: Bytes32
}

/** What a light client trusts: the genesis header and parameters, and the checkpoint it starts from (genesis or a later one). */
export interface TrustAnchor {
  genesis: Header
  params: ChainParams
  checkpoint: Checkpoint
}

/** A checkpoint with what makes it checkable again later: its header and the certificate on it (null only at genesis). */
export interface CertifiedCheckpoint {
  checkpoint: Checkpoint
  header: Header
  qc: QuorumCertificate | null
}

/** A rejection of untrusted input: a value, never an exception. */
export type Verdict<R extends string> = { ok: true } | { ok: false; reason: R }
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: DecodeReason }

export type DecodeReason = 'truncated' | 'trailing-bytes' | 'bad-tag' | 'bad-version' | 'out-of-range' | 'too-long' | 'not-canonical'

export type TransferReason =
  | 'index-out-of-range'
  | 'self-transfer'
  | 'unknown-sender'
  | 'bad-signature'
  | 'bad-nonce'
  | 'bad-amount'
  | 'insufficient-balance'
  | 'bad-receiver-key'
  | 'receiver-mismatch'
  | 'balance-overflow'
  | 'nonce-exhausted'

/** Why an EdDSA-Poseidon signature is refused (src/core/eddsa.ts); the ledger reports each as `bad-signature`. */
export type SignatureReason = 'malformed' | 'not-field-element' | 's-out-of-range' | 's-unprovable' | 'r8-off-curve' | 'key-off-curve' | 'key-small-order' | 'equation-fails'

export type LinkReason = 'wrong-chain' | 'height-gap' | 'not-linked' | 'wrong-validator-set' | 'bad-timestamp' | 'bad-proposer'

export type QuorumReason = 'wrong-validator-set' | 'unknown-signer' | 'duplicate-signer' | 'bad-signature' | 'wrong-header' | 'quorum-missing'
