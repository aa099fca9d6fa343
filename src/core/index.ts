/**
 * zklight core: the pure, isomorphic layer (no I/O, clock, randomness, libp2p, idb,
 * snarkjs, DOM or node:* imports; eslint.config.js enforces it). Normative definitions
 * are in docs/spec.md.
 *
 * ## Security considerations
 *
 * What a light client trusts:
 * - Its starting checkpoint (genesis or a pinned one): the chain id, a header hash, the
 *   state root and the validator set. Everything else is checked against it.
 * - That fewer than a third of that validator set sign two different headers at one
 *   height (a quorum certificate needs more than 2/3 of the Ed25519 signatures; two
 *   valid certificates for different headers at one height are proof of equivocation,
 *   and the client halts with reason `equivocation` instead of picking one).
 * - The Groth16 setup of the state-transition circuit, as its verification key's setup
 *   record states (`zklightSetup.class`): `insecure-dev` (the default dev setup: whoever
 *   made it could prove any state root), `single-party` (whoever made the one phase-2
 *   contribution could), or `ceremony` (sound if one of its contributors was honest;
 *   `zklight ceremony`). Use a ceremony on a public phase-1 file for anything of value.
 * - The soundness of Groth16 on BN254, Poseidon, EdDSA-Poseidon on Baby Jubjub,
 *   Ed25519 and SHA-256.
 *
 * What a malicious peer can do: withhold data or answer slowly (the client asks other
 * peers, marks it stale when nobody answers, and never reports an old view as fresh),
 * send malformed or oversized bytes (decoders reject them with a typed reason; the
 * peer is disconnected and banned for a while), and gossip heads that do not verify
 * (shown only as pending, then dropped with the reason).
 *
 * What it cannot do without breaking one of the trusted parts above: make the client
 * adopt a header that does not hash-link to the checkpoint, a head without a quorum
 * certificate of the checkpoint's validator set, a state root without a valid proof
 * that the block's transfers lead to it from the parent root, or a balance whose
 * Merkle proof does not verify against a verified state root. Account proofs bind the
 * slot's public key, so a peer cannot pass one account's balance off as another's.
 *
 * Known gap: the state-transition circuit never checks that an account key lies on Baby
 * Jubjub, and verifyTransfer does not check `toPubKey`, so an account can be created with an
 * off-curve key, and a block producer can prove spends from it that the TypeScript rules
 * refuse (test/circuits/eddsa-verifier.test.ts). Keys from derivePublicKey and from addresses
 * are always on the curve, so only an account made on purpose with such a key is exposed.
 *
 * Not covered: validator-set changes (the set is fixed by the checkpoint), data
 * availability of block bodies (the client does not need them to follow state roots),
 * and privacy (peers see which accounts a client asks about).
 */
// What an application needs around the light client: the data types, addresses, signed
// transfers, checkpoints and their encodings, and the checks it may want to run itself
// (account proofs, certificates, the block rule). Internals (byte readers, the tree,
// Poseidon parameters) are reached by path from inside the repository only.
export type * from './types.ts'
export { FIELD_MODULUS, MAX_AMOUNT, MAX_NONCE, PUBLIC_SIGNAL_COUNT, ADDRESS_PREFIX } from './constants.ts'
export { bytesToHex, hexToBytes, equalBytes } from './bytes.ts'
export {
  encodeCheckpoint,
  decodeCheckpoint,
  encodeTransfer,
  decodeTransfer,
  encodeAccountProof,
  decodeAccountProof,
  encodeHeader,
  decodeHeader,
  encodeTrustAnchor,
  decodeTrustAnchor,
} from './codec.ts'
export { encodeAddress, decodeAddress, type AddressParts } from './address.ts'
export { hashTransfer, derivePublicKey, signTransfer, verifyTransferSignature, type UnsignedTransfer } from './transfer.ts'
export { verifyAccountProof, type AccountProofReason } from './smt.ts'
export { hashHeader, hashValidatorSet, verifyHeaderLink } from './header.ts'
export { verifyQuorumCertificate, detectEquivocation, isValidValidatorKey, checkValidatorKey, type CertifiedHeader, type ValidatorKeyReason } from './quorum.ts'
export { verifyBlock, blockPublicInputs, type BlockRules, type BlockReason, type BlockVerdict } from './block.ts'
export { checkpointFromHeader, hashCheckpoint, verifyCheckpointHeader, verifyCertifiedCheckpoint, type CertifiedCheckpointReason } from './checkpoint.ts'
export { chainIdOf, chainTagOf, hashChainParams, makeGenesisHeader, genesisCheckpointOf, verifyTrustAnchor, type TrustAnchorReason } from './chain.ts'
export { hashVerificationKey, vkHashHex } from './vk-hash.ts'
export { createLogger, silentLogger, formatLogEntry, type Logger, type LogEntry, type LogLevel } from './logger.ts'
export type { Clock, RandomBytes } from './platform.ts'
