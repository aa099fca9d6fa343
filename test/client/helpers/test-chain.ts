// A real chain for light-client tests: test-profile ledger, 4 Ed25519 validators,
// blocks with real Groth16 proofs (cached on disk by witness hash, so only the first
// run proves), a certificate on every block, and the ledger state at each height.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { chainTagOf, genesisCheckpointOf, makeGenesisHeader } from '../../../src/core/chain.ts'
import { hashHeader } from '../../../src/core/header.ts'
import { cloneLedger, getAccountProof, type LedgerState } from '../../../src/core/ledger.ts'
import { makeQuorumCertificate, signVote, validatorPublicKey } from '../../../src/core/quorum.ts'
import { computeTxRoot } from '../../../src/core/tx-root.ts'
import type { AccountProof, ChainParams, Checkpoint, Header, QuorumCertificate, Transfer, TrustAnchor } from '../../../src/core/types.ts'
import { hashVerificationKey } from '../../../src/core/vk-hash.ts'
import type { BlockEntry } from '../../../src/core/types.ts'
import { ensureCircuitArtifacts, ROOT, type CircuitArtifacts } from '../../../src/zk/artifacts.ts'
import { PROFILES } from '../../../src/zk/profiles.ts'
import { Prover } from '../../../src/zk/prover.ts'
import { buildWitnessInput } from '../../../src/zk/witness.ts'
import { applyAll, makeAccounts, makeLedger, seedKey, transfer, type TestAccount } from '../../helpers/fixture.ts'

export const P = PROFILES.test
const GENESIS_TIME = 1_700_000_000_000

export interface Validator {
  secret: Uint8Array
  pub: Uint8Array
}

export interface TestChain {
  chainId: number
  /** The signing tag of this chain's transfers and the proofs' last public input. */
  chainTag: bigint
  genesisHash: Uint8Array
  params: ChainParams
  anchor: TrustAnchor
  depth: number
  validators: Validator[]
  set: Uint8Array[]
  accounts: TestAccount[]
  genesis: Header
  checkpoint: Checkpoint
  /** entries[h] is block h (entries[0] is genesis, with no proof). */
  entries: BlockEntry[]
  /** states[h] is the ledger after block h. */
  states: LedgerState[]
  vk: unknown
  artifacts: CircuitArtifacts
}

export function makeValidators(n = 4): Validator[] {
  return Array.from({ length: n }, (_, i) => {
    const secret = seedKey(`validator-${i}`)
    return { secret, pub: validatorPublicKey(secret) }
  })
}

/** A certificate from validators 0..2 (3 of 4, just over 2/3) for the network of `genesisHash`. */
export function certify(header: Header, validators: Validator[], genesisHash: Uint8Array, signers = [0, 1, 2]): QuorumCertificate {
  const hash = hashHeader(header)
  return makeQuorumCertificate(
    hash,
    signers.map((i) => signVote((validators[i] as Validator).secret, genesisHash, hash, i)),
  )
}

/** The test network's parameters: a fixed network id and the test profile's circuit keys. */
export function testParams(vk: unknown, networkLabel = 'zklight-test-network'): ChainParams {
  const vkHash = hashVerificationKey(vk)
  if (!vkHash.ok) throw new Error('the test profile verification key does not hash')
  return {
    networkId: sha256(new TextEncoder().encode(networkLabel)),
    batch: P.batch,
    depth: P.depth,
    vkHash: vkHash.value,
    setupClass: 'insecure-dev',
    contributions: 1,
    transcriptHash: new Uint8Array(32),
  }
}

export function nextHeader(parent: Header, stateRoot: bigint, txRoot: bigint, extra: Partial<Header> = {}): Header {
  return {
    chainId: parent.chainId,
    height: parent.height + 1,
    parentHash: hashHeader(parent),
    stateRoot,
    txRoot,
    timestamp: parent.timestamp + 1000,
    validatorSetHash: parent.validatorSetHash,
    proposer: (parent.proposer + 1) % 4,
    ...extra,
  }
}

async function cachedProof(prover: () => Prover, art: CircuitArtifacts, input: Record<string, unknown>): Promise<Uint8Array> {
  const dir = join(ROOT, '.cache', 'client-test-proofs', art.dir.split('/').pop() as string)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 24)}.bin`)
  if (existsSync(file)) return new Uint8Array(readFileSync(file))
  const { proof } = await prover().prove(input)
  // Atomic: test files run in parallel forks and may prove the same block at once.
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, proof)
  renameSync(tmp, file)
  return proof
}

/**
 * `plan[i]` is the list of transfers of block i+1 as [from, to, amount] account
 * indices (nonces are tracked here); an empty list makes an empty block.
 */
export async function buildTestChain(plan: [number, number, bigint][][]): Promise<TestChain> {
  const artifacts = await ensureCircuitArtifacts(P)
  const accounts = await makeAccounts(6)
  const validators = makeValidators()
  const set = validators.map((v) => v.pub)
  const params = testParams(artifacts.vk)
  // Block times are not proof inputs: stamp blocks so the tip is about now, as a live chain's
  // would be (the lag a client reports is the age of its verified head). The genesis time is
  // fixed: the genesis hash is the network's signing tag, a proof input.
  const firstBlockTime = Math.floor(Date.now() / 1000) * 1000 - plan.length * 1000
  // The genesis root does not depend on the tag (leaves hold keys, balances, nonces): build it first.
  const genesis = makeGenesisHeader(params, { stateRoot: makeLedger(0n, P.depth, accounts, 3).tree.root, timestamp: GENESIS_TIME, validatorSet: set })
  const genesisHash = hashHeader(genesis)
  const chainTag = chainTagOf(genesisHash)
  let state = makeLedger(chainTag, P.depth, accounts, 3)
  const entries: BlockEntry[] = [{ block: { header: genesis, transfers: [] }, proof: null, qc: certify(genesis, validators, genesisHash) }]
  const states: LedgerState[] = [cloneLedger(state)]
  let prover: Prover | undefined
  const getProver = () => (prover ??= new Prover(artifacts))
  try {
    let parent = genesis
    for (const spec of plan) {
      state = cloneLedger(state)
      // Transfers of one block chain their nonces: sign each against the running state.
      const signed: Transfer[] = []
      const { oldRoot, steps } = applyAll(state, [])
      for (const [from, to, amount] of spec) {
        const nonce = state.accounts.get(from)?.nonce ?? 0
        const s = transfer(chainTag, accounts[from] as TestAccount, accounts[to] as TestAccount, amount, nonce)
        signed.push(s)
        steps.push(...applyAll(state, [s]).steps)
      }
      let proof: Uint8Array | null = null
      if (signed.length > 0) proof = await cachedProof(getProver, artifacts, buildWitnessInput(steps, P, oldRoot, chainTag))
      const header = nextHeader(parent, state.tree.root, computeTxRoot(chainTag, signed), { timestamp: firstBlockTime + (entries.length - 1) * 1000 })
      entries.push({ block: { header, transfers: signed }, proof, qc: certify(header, validators, genesisHash) })
      states.push(cloneLedger(state))
      parent = header
    }
  } finally {
    await prover?.close()
  }
  const checkpoint = genesisCheckpointOf(genesis, set)
  const anchor = { genesis, params, checkpoint }
  return { chainId: genesis.chainId, chainTag, genesisHash, params, anchor, depth: P.depth, validators, set, accounts, genesis, checkpoint, entries, states, vk: artifacts.vk, artifacts }
}

export function accountProofAt(chain: TestChain, index: number, height: number): AccountProof {
  return getAccountProof(chain.states[height] as LedgerState, index)
}

export function tipOf(chain: TestChain): BlockEntry {
  return chain.entries[chain.entries.length - 1] as BlockEntry
}
