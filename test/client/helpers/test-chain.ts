// A real chain for light-client tests: test-profile ledger, 4 Ed25519 validators,
// blocks with real Groth16 proofs (cached on disk by witness hash, so only the first
// run proves), a certificate on every block, and the ledger state at each height.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkpointFromHeader } from '../../../src/core/checkpoint.ts'
import { hashHeader, hashValidatorSet } from '../../../src/core/header.ts'
import { cloneLedger, getAccountProof, type LedgerState } from '../../../src/core/ledger.ts'
import { makeQuorumCertificate, signVote, validatorPublicKey } from '../../../src/core/quorum.ts'
import { computeTxRoot } from '../../../src/core/tx-root.ts'
import type { AccountProof, Checkpoint, Header, QuorumCertificate, Transfer } from '../../../src/core/types.ts'
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

/** A certificate from validators 0..2 (3 of 4, just over 2/3). */
export function certify(header: Header, validators: Validator[], signers = [0, 1, 2]): QuorumCertificate {
  const hash = hashHeader(header)
  return makeQuorumCertificate(
    hash,
    signers.map((i) => signVote((validators[i] as Validator).secret, header.chainId, hash, i)),
  )
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
  let state = makeLedger(P.chainId, P.depth, accounts, 3)
  const genesis: Header = {
    chainId: P.chainId,
    height: 0,
    parentHash: new Uint8Array(32),
    stateRoot: state.tree.root,
    txRoot: 0n,
    timestamp: GENESIS_TIME,
    validatorSetHash: hashValidatorSet(set),
    proposer: 0,
  }
  const entries: BlockEntry[] = [{ block: { header: genesis, transfers: [] }, proof: null, qc: certify(genesis, validators) }]
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
        const s = transfer(P.chainId, accounts[from] as TestAccount, accounts[to] as TestAccount, amount, nonce)
        signed.push(s)
        steps.push(...applyAll(state, [s]).steps)
      }
      let proof: Uint8Array | null = null
      if (signed.length > 0) proof = await cachedProof(getProver, artifacts, buildWitnessInput(steps, P, oldRoot))
      const header = nextHeader(parent, state.tree.root, computeTxRoot(P.chainId, signed))
      entries.push({ block: { header, transfers: signed }, proof, qc: certify(header, validators) })
      states.push(cloneLedger(state))
      parent = header
    }
  } finally {
    await prover?.close()
  }
  return { chainId: P.chainId, depth: P.depth, validators, set, accounts, genesis, checkpoint: checkpointFromHeader(genesis, set), entries, states, vk: artifacts.vk, artifacts }
}

export function accountProofAt(chain: TestChain, index: number, height: number): AccountProof {
  return getAccountProof(chain.states[height] as LedgerState, index)
}

export function tipOf(chain: TestChain): BlockEntry {
  return chain.entries[chain.entries.length - 1] as BlockEntry
}
