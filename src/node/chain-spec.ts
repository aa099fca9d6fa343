// The chain spec (genesis.json): everything a node needs to start a chain or join
// one — profile, chain id, tree depth, validator keys, funded accounts, genesis time
// and the Groth16 verification key — and the genesis block, state and checkpoint it implies.
import { bytesToHex, hexToBytes } from '../core/bytes.ts'
import { checkpointFromHeader } from '../core/checkpoint.ts'
import { MAX_AMOUNT, MAX_VALIDATORS } from '../core/constants.ts'
import { hashHeader, hashValidatorSet } from '../core/header.ts'
import { createLedger, type LedgerState } from '../core/ledger.ts'
import { isOnCurve } from '../core/transfer.ts'
import type { Block, Checkpoint, Header, Point, ValidatorSet } from '../core/types.ts'
import { getProfile, type CircuitProfile } from '../zk/profiles.ts'
import { ChainSpecError } from './errors.ts'

export const CHAIN_SPEC_FORMAT = 'zklight-chain-spec/1'

export interface GenesisAccount {
  index: number
  pubKey: Point
  balance: bigint
}

export interface ChainSpec {
  profile: CircuitProfile
  genesisTime: number
  validators: ValidatorSet
  accounts: GenesisAccount[]
  /** snarkjs verification key JSON of the chain's circuit. */
  vk: Record<string, unknown>
}

export function chainSpecToJson(spec: ChainSpec): string {
  return JSON.stringify(
    {
      format: CHAIN_SPEC_FORMAT,
      profile: spec.profile.name,
      chainId: spec.profile.chainId,
      depth: spec.profile.depth,
      batch: spec.profile.batch,
      genesisTime: spec.genesisTime,
      validators: spec.validators.map(bytesToHex),
      accounts: spec.accounts.map((a) => ({ index: a.index, pubKey: a.pubKey.map(String), balance: a.balance.toString() })),
      vk: spec.vk,
    },
    null,
    1,
  )
}

/** Parses and checks a chain spec; throws ChainSpecError naming the first problem. */
export function parseChainSpec(text: string): ChainSpec {
  let j: Record<string, any>
  try {
    j = JSON.parse(text) as Record<string, any>
  } catch {
    throw new ChainSpecError('not JSON')
  }
  if (j === null || typeof j !== 'object' || j.format !== CHAIN_SPEC_FORMAT) throw new ChainSpecError(`format is not ${CHAIN_SPEC_FORMAT}`)
  let profile: CircuitProfile
  try {
    profile = getProfile(String(j.profile))
  } catch {
    throw new ChainSpecError(`unknown profile ${JSON.stringify(j.profile)}`)
  }
  // The circuit fixes these: a spec that disagrees with its profile cannot have valid proofs.
  if (j.chainId !== profile.chainId || j.depth !== profile.depth || j.batch !== profile.batch) {
    throw new ChainSpecError(`chainId/depth/batch do not match profile ${profile.name}`)
  }
  if (!Number.isSafeInteger(j.genesisTime) || j.genesisTime < 0) throw new ChainSpecError('genesisTime must be a non-negative integer (ms)')
  if (!Array.isArray(j.validators) || j.validators.length < 1 || j.validators.length > MAX_VALIDATORS) {
    throw new ChainSpecError(`validators must list 1..${MAX_VALIDATORS} keys`)
  }
  const validators = j.validators.map((v: unknown, i: number) => {
    if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) throw new ChainSpecError(`validators[${i}] is not a 32-byte hex key`)
    return hexToBytes(v)
  })
  if (new Set(j.validators).size !== validators.length) throw new ChainSpecError('validators repeat a key')
  if (!Array.isArray(j.accounts)) throw new ChainSpecError('accounts must be a list')
  const seen = new Set<number>()
  const accounts = j.accounts.map((a: any, i: number): GenesisAccount => {
    const where = `accounts[${i}]`
    if (!Number.isInteger(a?.index) || a.index < 0 || a.index >= 2 ** profile.depth) throw new ChainSpecError(`${where}.index outside the tree`)
    if (seen.has(a.index)) throw new ChainSpecError(`${where}.index repeats ${a.index}`)
    seen.add(a.index)
    const pubKey = parsePoint(a.pubKey, `${where}.pubKey`)
    if (typeof a.balance !== 'string' || !/^\d+$/.test(a.balance) || BigInt(a.balance) > MAX_AMOUNT) throw new ChainSpecError(`${where}.balance is not a u64`)
    return { index: a.index, pubKey, balance: BigInt(a.balance) }
  })
  if (j.vk === null || typeof j.vk !== 'object' || j.vk.nPublic !== 3) throw new ChainSpecError('vk is not a verification key with 3 public inputs')
  return { profile, genesisTime: j.genesisTime, validators, accounts, vk: j.vk }
}

function parsePoint(p: unknown, where: string): Point {
  if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => typeof x === 'string' && /^\d+$/.test(x))) {
    throw new ChainSpecError(`${where} must be two decimal strings`)
  }
  const point: Point = [BigInt(p[0] as string), BigInt(p[1] as string)]
  if (!isOnCurve(point)) throw new ChainSpecError(`${where} is not a Baby Jubjub point`)
  return point
}

/** The ledger state at genesis */
export function genesisLedger(spec: ChainSpec): LedgerState {
  return createLedger(
    spec.profile.chainId,
    spec.profile.depth,
    spec.accounts.map((a) => ({ index: a.index, account: { pubKey: a.pubKey, balance: a.balance, nonce: 0 } })),
  )
}

export function genesisHeader(spec: ChainSpec, state: LedgerState = genesisLedger(spec)): Header {
  return {
    chainId: spec.profile.chainId,
    height: 0,
    parentHash: new Uint8Array(32),
    stateRoot: state.tree.root,
    txRoot: 0n,
    timestamp: spec.genesisTime,
    validatorSetHash: hashValidatorSet(spec.validators),
    proposer: 0,
  }
}

export function genesisBlock(spec: ChainSpec): Block {
  return { header: genesisHeader(spec), transfers: [] }
}

export function genesisCheckpoint(spec: ChainSpec): Checkpoint {
  return checkpointFromHeader(genesisHeader(spec), spec.validators)
}

export function genesisHash(spec: ChainSpec): Uint8Array {
  return hashHeader(genesisHeader(spec))
}
