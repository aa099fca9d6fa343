// Chain identity (docs/spec.md#chain-identity): what a genesis commits to, the
// short chain id and the signing tag derived from it, and the check of a trust anchor
// (genesis header, parameters and the checkpoint a client starts from).
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToBigInt, equalBytes } from './bytes.ts'
import { encodeChainParams } from './codec.ts'
import { FIELD_MODULUS } from './constants.ts'
import { hashHeader, hashValidatorSet } from './header.ts'
import { isValidValidatorKey } from './quorum.ts'
import type { ChainParams, Checkpoint, Header, TrustAnchor, ValidatorSet, Verdict } from './types.ts'

/** The genesis header's parentHash: sha256 of the encoded parameters, so the genesis hash commits to them. */
export function hashChainParams(p: ChainParams): Uint8Array {
  return sha256(encodeChainParams(p))
}

/** The u32 chain id headers carry: the network id's first 4 bytes. A quick label, never a security boundary. */
export function chainIdOf(networkId: Uint8Array): number {
  if (networkId.length !== 32) throw new RangeError('a network id is 32 bytes')
  return new DataView(networkId.buffer, networkId.byteOffset, 4).getUint32(0)
}

/**
 * The field element every transfer signature and every proof is bound to: the genesis
 * hash read as a big-endian integer, reduced mod p. Two networks share it only if they
 * share a genesis (or a 2^-253 accident).
 */
export function chainTagOf(genesisHash: Uint8Array): bigint {
  if (genesisHash.length !== 32) throw new RangeError('a genesis hash is 32 bytes')
  return bytesToBigInt(genesisHash) % FIELD_MODULUS
}

/** The genesis header of a chain: height 0, parentHash = hashChainParams(params). */
export function makeGenesisHeader(params: ChainParams, g: { stateRoot: bigint; timestamp: number; validatorSet: ValidatorSet }): Header {
  return {
    chainId: chainIdOf(params.networkId),
    height: 0,
    parentHash: hashChainParams(params),
    stateRoot: g.stateRoot,
    txRoot: 0n,
    timestamp: g.timestamp,
    validatorSetHash: hashValidatorSet(g.validatorSet),
    proposer: 0,
  }
}

/** The genesis checkpoint (a checkpoint whose header is the genesis). */
export function genesisCheckpointOf(genesis: Header, validatorSet: ValidatorSet): Checkpoint {
  const hash = hashHeader(genesis)
  return { chainId: genesis.chainId, genesisHash: hash, height: 0, headerHash: hash, stateRoot: genesis.stateRoot, validatorSet }
}

export type TrustAnchorReason = 'not-genesis' | 'params-mismatch' | 'wrong-chain' | 'genesis-mismatch' | 'wrong-validator-set' | 'bad-validator-key' | 'checkpoint-mismatch'

/**
 * Checks that a trust anchor holds together: the genesis commits to the parameters and
 * the validator set, the checkpoint belongs to that genesis, and every validator key is
 * usable (canonical, not of small order). The anchor itself is trusted; this catches a
 * mix-up (a checkpoint of one network with the genesis of another), not a forgery.
 */
export function verifyTrustAnchor(a: TrustAnchor): Verdict<TrustAnchorReason> {
  const g = a.genesis
  const cp = a.checkpoint
  if (g.height !== 0 || g.txRoot !== 0n) return { ok: false, reason: 'not-genesis' }
  if (!equalBytes(g.parentHash, hashChainParams(a.params))) return { ok: false, reason: 'params-mismatch' }
  if (g.chainId !== chainIdOf(a.params.networkId) || cp.chainId !== g.chainId) return { ok: false, reason: 'wrong-chain' }
  const genesisHash = hashHeader(g)
  if (!equalBytes(cp.genesisHash, genesisHash)) return { ok: false, reason: 'genesis-mismatch' }
  // The validator set is fixed at genesis (set changes are not supported).
  if (!equalBytes(hashValidatorSet(cp.validatorSet), g.validatorSetHash)) return { ok: false, reason: 'wrong-validator-set' }
  if (!cp.validatorSet.every(isValidValidatorKey)) return { ok: false, reason: 'bad-validator-key' }
  if (cp.height === 0 && (!equalBytes(cp.headerHash, genesisHash) || cp.stateRoot !== g.stateRoot)) return { ok: false, reason: 'checkpoint-mismatch' }
  return { ok: true }
}
