// Structurally valid protocol objects for wire tests (no signatures are checked
// at this layer, so the bytes only need to satisfy the codec's ranges).
import type { AccountProof, Block, Header, QuorumCertificate, Transfer } from '../../src/core/types.ts'

const filled = (n: number, byte: number) => new Uint8Array(n).fill(byte)

export function header(height: number, chainId = 7): Header {
  return {
    chainId,
    height,
    parentHash: filled(32, height % 251),
    stateRoot: 1234567890123456789n + BigInt(height),
    txRoot: BigInt(height * 3),
    timestamp: 1_700_000_000_000 + height * 1000,
    validatorSetHash: filled(32, 0xaa),
    proposer: height % 4,
  }
}

export function qc(signers: number, hashByte = 0x11): QuorumCertificate {
  return {
    headerHash: filled(32, hashByte),
    signatures: Array.from({ length: signers }, (_, i) => ({ validator: i, signature: filled(64, i % 256) })),
  }
}

export function transfer(nonce = 0): Transfer {
  return {
    from: 1,
    to: 2,
    toPubKey: [5n, 6n],
    amount: 1000n,
    nonce,
    sig: { R8: [7n, 8n], S: 9n },
  }
}

export function block(height: number, transfers: number): Block {
  return { header: header(height), transfers: Array.from({ length: transfers }, (_, i) => transfer(i)) }
}

export function accountProof(depth = 16): AccountProof {
  return {
    index: 3,
    account: { pubKey: [11n, 12n], balance: 500n, nonce: 2 },
    siblings: Array.from({ length: depth }, (_, i) => BigInt(i + 1)),
  }
}

/** A 256-byte "proof" whose coordinates are all below the base field modulus. */
export function proof(): Uint8Array {
  const p = new Uint8Array(256)
  for (let i = 0; i < 256; i += 32) p[i + 31] = i / 32 + 1
  return p
}
