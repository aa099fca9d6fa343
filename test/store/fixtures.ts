// Deterministic checkpoints, blocks, certificates and accounts for the store tests.
// Browser-safe (core imports only) so the checkpoint compliance suite can run in a page.
import { sha256 } from '@noble/hashes/sha2.js'
import { hashHeader } from '../../src/core/header.ts'
import type { Account, Block, CertifiedCheckpoint, Checkpoint, Header, QuorumCertificate, Transfer } from '../../src/core/types.ts'

export const CHAIN_ID = 7

function tagged(label: string, n: number): Uint8Array {
  return sha256(new TextEncoder().encode(`${label}:${n}`))
}

export const VALIDATORS = [tagged('validator', 0), tagged('validator', 1), tagged('validator', 2)]

/** The genesis hash the store tests' records belong to unless told otherwise. */
export const GENESIS_A = sha256(new TextEncoder().encode('genesis-a'))

/**
 * A stored record at `height`: a checkpoint naming its header, with a well-formed (not
 * valid: stores do not check signatures) certificate; `variant` gives another header
 * at the same height.
 */
export function makeRecord(height: number, chainId = CHAIN_ID, variant = 0, genesisHash = GENESIS_A): CertifiedCheckpoint {
  const header: Header = {
    chainId,
    height,
    parentHash: tagged(`parent-${variant}`, height),
    stateRoot: BigInt(1000 + height),
    txRoot: 0n,
    timestamp: 1_700_000_000_000 + height * 1000,
    validatorSetHash: tagged('set', 0),
    proposer: 0,
  }
  const headerHash = hashHeader(header)
  const checkpoint: Checkpoint = { chainId, genesisHash, height, headerHash, stateRoot: header.stateRoot, validatorSet: VALIDATORS }
  const qc: QuorumCertificate = { headerHash, signatures: [0, 1, 2].map((validator) => ({ validator, signature: new Uint8Array(64).fill(validator + 1) })) }
  return { checkpoint, header, qc: height === 0 ? null : qc }
}

export function makeAccount(seed: number): Account {
  return { pubKey: [BigInt(seed * 2 + 1), BigInt(seed * 2 + 2)], balance: BigInt(seed) * 1000n, nonce: seed % 7 }
}

function makeTransfer(height: number, i: number): Transfer {
  return {
    from: i,
    to: i + 1,
    toPubKey: [BigInt(i + 3), BigInt(i + 4)],
    amount: BigInt(height * 10 + i + 1),
    nonce: height,
    sig: { R8: [BigInt(height + 5), BigInt(i + 6)], S: BigInt(height * 100 + i) },
  }
}

/** Block `height` on top of `parent` (undefined for genesis); `transfers` 0 makes an empty block. */
export function makeBlock(height: number, parent: Header | undefined, transfers = 2): Block {
  const header: Header = {
    chainId: CHAIN_ID,
    height,
    parentHash: parent === undefined ? new Uint8Array(32) : hashHeader(parent),
    stateRoot: BigInt(5000 + height),
    txRoot: transfers === 0 ? 0n : BigInt(9000 + height),
    timestamp: 1_700_000_000_000 + height * 1000,
    validatorSetHash: tagged('set', 0),
    proposer: height % VALIDATORS.length,
  }
  return { header, transfers: Array.from({ length: transfers }, (_, i) => makeTransfer(height, i)) }
}

export function makeQc(block: Block): QuorumCertificate {
  const headerHash = hashHeader(block.header)
  return { headerHash, signatures: [0, 1, 2].map((validator) => ({ validator, signature: new Uint8Array(64).fill(validator + block.header.height) })) }
}

/** A canonical 256-byte proof: eight 32-byte integers well below the base field modulus. */
export function makeProof(height: number): Uint8Array {
  const p = new Uint8Array(256)
  for (let i = 0; i < 8; i++) p.set(tagged(`proof-${height}`, i).subarray(1), i * 32 + 1)
  return p
}
