// The chain spec (genesis.json): everything a node needs to start a chain or join one —
// circuit profile, network id, validator keys, funded accounts, genesis time, the
// Groth16 verification key and how its setup was made — and everything it implies: the
// parameters the genesis commits to, the genesis header, hash, state and trust anchor.
import { bytesToHex, equalBytes, hexToBytes } from '../core/bytes.ts'
import { chainIdOf, chainTagOf, genesisCheckpointOf, makeGenesisHeader } from '../core/chain.ts'
import { MAX_AMOUNT, MAX_VALIDATORS, PUBLIC_SIGNAL_COUNT } from '../core/constants.ts'
import { hashHeader } from '../core/header.ts'
import { createLedger, type LedgerState } from '../core/ledger.ts'
import { checkValidatorKey } from '../core/quorum.ts'
import { isSpendableKey } from '../core/eddsa.ts'
import type { Block, ChainParams, Checkpoint, Header, Point, SetupClass, TrustAnchor, ValidatorSet } from '../core/types.ts'
import { hashVerificationKey } from '../core/vk-hash.ts'
import { getProfile, type CircuitProfile } from '../zk/profiles.ts'
import { ChainSpecError } from './errors.ts'

export const CHAIN_SPEC_FORMAT = 'zklight-chain-spec/2'

export interface GenesisAccount {
  index: number
  pubKey: Point
  balance: bigint
}

export interface ChainSpec {
  profile: CircuitProfile
  /** 32 random bytes chosen at genesis: two chains made from one profile never share signatures. */
  networkId: Uint8Array
  genesisTime: number
  validators: ValidatorSet
  accounts: GenesisAccount[]
  /** snarkjs verification key JSON of the chain's circuit. */
  vk: Record<string, unknown>
  /** How the circuit keys were made (from the build or ceremony, never from a flag). */
  setup: { setupClass: SetupClass; contributions: number; transcriptHash: Uint8Array }
}

/** What a chain spec implies, computed once. */
export interface ChainIdentity {
  params: ChainParams
  genesis: Header
  genesisHash: Uint8Array
  chainId: number
  chainTag: bigint
  anchor: TrustAnchor
}

const identities = new WeakMap<ChainSpec, ChainIdentity>()

/** The parameters, genesis header and trust anchor of a spec (needs no crypto set-up). */
export function chainIdentity(spec: ChainSpec): ChainIdentity {
  const known = identities.get(spec)
  if (known) return known
  const vkHash = hashVerificationKey(spec.vk)
  if (!vkHash.ok) throw new ChainSpecError('vk is not a Groth16 BN254 verification key')
  const params: ChainParams = {
    networkId: spec.networkId,
    batch: spec.profile.batch,
    depth: spec.profile.depth,
    vkHash: vkHash.value,
    setupClass: spec.setup.setupClass,
    contributions: spec.setup.contributions,
    transcriptHash: spec.setup.transcriptHash,
  }
  // The genesis state root needs the ledger, which needs the tag, which needs the genesis hash:
  // the root does not depend on the tag (leaves hold keys, balances and nonces), so build it with 0.
  const root = createLedger(0n, spec.profile.depth, genesisEntries(spec)).tree.root
  const genesis = makeGenesisHeader(params, { stateRoot: root, timestamp: spec.genesisTime, validatorSet: spec.validators })
  const genesisHash = hashHeader(genesis)
  const identity: ChainIdentity = {
    params,
    genesis,
    genesisHash,
    chainId: chainIdOf(spec.networkId),
    chainTag: chainTagOf(genesisHash),
    anchor: { genesis, params, checkpoint: genesisCheckpointOf(genesis, spec.validators) },
  }
  identities.set(spec, identity)
  return identity
}

export function chainSpecToJson(spec: ChainSpec): string {
  return JSON.stringify(
    {
      format: CHAIN_SPEC_FORMAT,
      profile: spec.profile.name,
      networkId: bytesToHex(spec.networkId),
      depth: spec.profile.depth,
      batch: spec.profile.batch,
      genesisTime: spec.genesisTime,
      validators: spec.validators.map(bytesToHex),
      accounts: spec.accounts.map((a) => ({ index: a.index, pubKey: a.pubKey.map(String), balance: a.balance.toString() })),
      setup: { class: spec.setup.setupClass, contributions: spec.setup.contributions, transcriptHash: bytesToHex(spec.setup.transcriptHash) },
      vk: spec.vk,
    },
    null,
    1,
  )
}

const HEX32 = /^[0-9a-f]{64}$/

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
  if (j.depth !== profile.depth || j.batch !== profile.batch) throw new ChainSpecError(`depth/batch do not match profile ${profile.name}`)
  if (typeof j.networkId !== 'string' || !HEX32.test(j.networkId)) throw new ChainSpecError('networkId is not 32 bytes of hex')
  if (!Number.isSafeInteger(j.genesisTime) || j.genesisTime < 0) throw new ChainSpecError('genesisTime must be a non-negative integer (ms)')
  if (!Array.isArray(j.validators) || j.validators.length < 1 || j.validators.length > MAX_VALIDATORS) {
    throw new ChainSpecError(`validators must list 1..${MAX_VALIDATORS} keys`)
  }
  const validators = j.validators.map((v: unknown, i: number) => {
    if (typeof v !== 'string' || !HEX32.test(v)) throw new ChainSpecError(`validators[${i}] is not a 32-byte hex key`)
    const key = hexToBytes(v)
    // A small-order key verifies forged votes under ZIP-215; a non-canonical one has two spellings.
    const k = checkValidatorKey(key)
    if (!k.ok) throw new ChainSpecError(`validators[${i}] is not a canonical Ed25519 key of full order (${k.reason})`, k.reason)
    return key
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
  if (j.vk === null || typeof j.vk !== 'object' || j.vk.nPublic !== PUBLIC_SIGNAL_COUNT) throw new ChainSpecError(`vk is not a verification key with ${PUBLIC_SIGNAL_COUNT} public inputs`)
  if (!hashVerificationKey(j.vk).ok) throw new ChainSpecError('vk is not a Groth16 BN254 verification key')
  const s = j.setup
  const classes: SetupClass[] = ['insecure-dev', 'single-party', 'ceremony']
  if (
    s === null ||
    typeof s !== 'object' ||
    !classes.includes(s.class) ||
    !Number.isInteger(s.contributions) ||
    s.contributions < 0 ||
    s.contributions > 0xffff ||
    typeof s.transcriptHash !== 'string' ||
    !HEX32.test(s.transcriptHash)
  ) {
    throw new ChainSpecError('setup must be { class, contributions, transcriptHash }')
  }
  return {
    profile,
    networkId: hexToBytes(j.networkId),
    genesisTime: j.genesisTime,
    validators,
    accounts,
    vk: j.vk,
    setup: { setupClass: s.class, contributions: s.contributions, transcriptHash: hexToBytes(s.transcriptHash) },
  }
}

function parsePoint(p: unknown, where: string): Point {
  if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => typeof x === 'string' && /^\d+$/.test(x))) {
    throw new ChainSpecError(`${where} must be two decimal strings`)
  }
  const point: Point = [BigInt(p[0] as string), BigInt(p[1] as string)]
  if (!isSpendableKey(point)) throw new ChainSpecError(`${where} is not a Baby Jubjub point of full order`)
  return point
}

function genesisEntries(spec: ChainSpec) {
  return spec.accounts.map((a) => ({ index: a.index, account: { pubKey: a.pubKey, balance: a.balance, nonce: 0 } }))
}

/** The ledger state at genesis. */
export function genesisLedger(spec: ChainSpec): LedgerState {
  return createLedger(chainIdentity(spec).chainTag, spec.profile.depth, genesisEntries(spec))
}

export function genesisHeader(spec: ChainSpec): Header {
  return chainIdentity(spec).genesis
}

export function genesisBlock(spec: ChainSpec): Block {
  return { header: genesisHeader(spec), transfers: [] }
}

export function genesisCheckpoint(spec: ChainSpec): Checkpoint {
  return chainIdentity(spec).anchor.checkpoint
}

export function genesisHash(spec: ChainSpec): Uint8Array {
  return chainIdentity(spec).genesisHash
}

/** Whether two specs describe the same chain (same genesis hash). */
export function sameChain(a: ChainSpec, b: ChainSpec): boolean {
  return equalBytes(genesisHash(a), genesisHash(b))
}
