// fast-check generators of valid core objects (every value inside its codec range),
// for the round-trip and fuzz properties of the codec tests.
import fc from 'fast-check'
import { BABYJUB_SUBORDER, BASE_FIELD_MODULUS, FIELD_MODULUS, MAX_BLOCK_TRANSFERS, MAX_TREE_DEPTH, PROOF_BYTES } from '../../src/core/constants.ts'
import { bytesToHex, fieldToBytes } from '../../src/core/bytes.ts'
import type { Account, AccountProof, Block, CertifiedCheckpoint, ChainParams, Checkpoint, Header, QuorumCertificate, SetupClass, Transfer, TrustAnchor, ValidatorSet } from '../../src/core/types.ts'
import type { CodecName } from '../fixtures/codec-registry.ts'

export const field = fc.bigInt({ min: 0n, max: FIELD_MODULUS - 1n })
export const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 })
export const u16 = fc.integer({ min: 0, max: 0xffff })
// fc.integer stops at 2^31 - 1, so wider ranges go through bigInt.
const uint = (max: number) => fc.bigInt({ min: 0n, max: BigInt(max) }).map(Number)
export const u32 = uint(0xffffffff)
export const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })
export const safeU64 = fc.maxSafeNat()
const point = fc.tuple(field, field)

export const header: fc.Arbitrary<Header> = fc.record({
  chainId: u32,
  height: safeU64,
  parentHash: bytes32,
  stateRoot: field,
  txRoot: field,
  timestamp: safeU64,
  validatorSetHash: bytes32,
  proposer: u16,
})

export const transfer: fc.Arbitrary<Transfer> = fc.record({
  from: u32,
  to: u32,
  toPubKey: point,
  amount: u64,
  nonce: u32,
  sig: fc.record({ R8: point, S: fc.bigInt({ min: 0n, max: BABYJUB_SUBORDER - 1n }) }),
})

export const block: fc.Arbitrary<Block> = fc.record({ header, transfers: fc.array(transfer, { maxLength: 4 }) })

export const validatorSet: fc.Arbitrary<ValidatorSet> = fc.uniqueArray(bytes32, { minLength: 1, maxLength: 8, selector: bytesToHex })

export const quorumCertificate: fc.Arbitrary<QuorumCertificate> = fc.record({
  headerHash: bytes32,
  signatures: fc.array(fc.record({ validator: u16, signature: fc.uint8Array({ minLength: 64, maxLength: 64 }) }), { maxLength: 8 }),
})

export const account: fc.Arbitrary<Account> = fc.record({ pubKey: point, balance: u64, nonce: u32 })

export const accountProof: fc.Arbitrary<AccountProof> = fc.record({
  index: u32,
  account: fc.option(account, { nil: null }),
  siblings: fc.array(field, { maxLength: MAX_TREE_DEPTH }),
})

export const checkpoint: fc.Arbitrary<Checkpoint> = fc.record({
  chainId: u32,
  genesisHash: bytes32,
  height: safeU64,
  headerHash: bytes32,
  stateRoot: field,
  validatorSet,
})

export const proof: fc.Arbitrary<Uint8Array> = fc.array(fc.bigInt({ min: 0n, max: BASE_FIELD_MODULUS - 1n }), { minLength: 8, maxLength: 8 }).map((coords) => {
  const out = new Uint8Array(PROOF_BYTES)
  coords.forEach((c, i) => out.set(fieldToBytes(c), i * 32))
  return out
})

export const chainParams: fc.Arbitrary<ChainParams> = fc.record({
  networkId: bytes32,
  batch: fc.integer({ min: 1, max: MAX_BLOCK_TRANSFERS }),
  depth: fc.integer({ min: 1, max: MAX_TREE_DEPTH }),
  vkHash: bytes32,
  setupClass: fc.constantFrom<SetupClass>('insecure-dev', 'single-party', 'ceremony'),
  contributions: fc.integer({ min: 0, max: 0xffff }),
  transcriptHash: bytes32,
})

export const trustAnchor: fc.Arbitrary<TrustAnchor> = fc.record({ genesis: header, params: chainParams, checkpoint })

export const certifiedCheckpoint: fc.Arbitrary<CertifiedCheckpoint> = fc.record({ checkpoint, header, qc: fc.option(quorumCertificate, { nil: null }) })

export const ARBITRARIES: Record<CodecName, fc.Arbitrary<unknown>> = {
  header,
  transfer,
  block,
  'quorum-certificate': quorumCertificate,
  account,
  'account-proof': accountProof,
  checkpoint,
  'validator-set': validatorSet,
  proof,
  'chain-params': chainParams,
  'trust-anchor': trustAnchor,
  'certified-checkpoint': certifiedCheckpoint,
}
