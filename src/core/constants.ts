// Protocol constants shared by the core, the circuit build and the wire.
// Each carries the reason for its value; docs/spec.md is the normative text.

/** BN254 scalar field modulus: Poseidon, EdDSA-Poseidon and Groth16 signals live here (docs/spec.md#fields-and-integers). */
export const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n

/** BN254 base field modulus: coordinates of proof points must be below it. */
export const BASE_FIELD_MODULUS = 21888242871839275222246405745257275088696311157297823662689037894645226208583n

/** Baby Jubjub prime-order subgroup order l: an EdDSA `S` at or above it is malleable and rejected. */
export const BABYJUB_SUBORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041n

/** Baby Jubjub is the twisted Edwards curve a·x² + y² = 1 + d·x²·y² over the BN254 scalar field, with these a and d (EIP-2494). */
export const BABYJUB_A = 168700n
export const BABYJUB_D = 168696n

/** Base8, the generator of the order-l subgroup that keys and signatures use (EIP-2494; circomlib's BASE8). */
export const BABYJUB_BASE8 = [5299619240641551281634865583518297030282874472190772894086521144482721001553n, 16950150798460657717958625567821834550301663161624707787222815936182638968203n] as const

/** Amounts and balances are u64 (the circuit range-checks 64 bits). */
export const MAX_AMOUNT = (1n << 64n) - 1n

/** Nonces are u32; a sender at the last nonce cannot send again. */
export const MAX_NONCE = 2 ** 32 - 1

/** Heights and timestamps are u64 on the wire but must be safe JS integers in memory. */
export const MAX_SAFE_U64 = BigInt(Number.MAX_SAFE_INTEGER)

/** Encoding version of every object (the byte after the tag). */
export const CODEC_VERSION = 1

/** Object tags of the canonical encoding (docs/spec.md#canonical-binary-encoding). */
export const TAG = {
  header: 1,
  transfer: 2,
  block: 3,
  quorumCertificate: 4,
  account: 5,
  accountProof: 6,
  checkpoint: 7,
  validatorSet: 8,
  proof: 9,
  chainParams: 10,
  trustAnchor: 11,
  certifiedCheckpoint: 12,
} as const

/** Ed25519 public keys per validator set: 256 keeps a certificate under 20 KiB. */
export const MAX_VALIDATORS = 256

/** Transfers per block on the wire; a circuit batch B is at most this. */
export const MAX_BLOCK_TRANSFERS = 1024

/** Deepest state tree the codec accepts (2^32 accounts). */
export const MAX_TREE_DEPTH = 32

/** Groth16 proof size: A (G1) + B (G2) + C (G1), uncompressed, 32-byte coordinates. */
export const PROOF_BYTES = 256

/** Number of public signals of the state-transition circuit: oldRoot, newRoot, txRoot, chainTag. */
export const PUBLIC_SIGNAL_COUNT = 4

/** Domain separator of quorum-certificate signatures, so no other message can be replayed as a vote (v2: covers the genesis hash). */
export const QC_DOMAIN = 'zklight-qc-v2'

/** Domain separator of the verification-key hash a genesis commits to. */
export const VK_HASH_DOMAIN = 'zklight-vk-v1'

/** bech32m prefix of account addresses. */
export const ADDRESS_PREFIX = 'zkl'

/**
 * Deepest cut of the state tree into snapshot chunks (docs/protocol.md#snapshot): a chunk
 * holds at most 2^12 accounts (about 330 KB on the wire), whatever the tree depth.
 */
export const MAX_SNAPSHOT_CHUNK_LEVEL = 12
