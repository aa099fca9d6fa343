// Deterministic chain specs and a stand-in prover for the node's in-process tests:
// test-profile parameters, fixed validator and account keys, and proofs that are
// well-formed bytes (the store does not verify them) with the right public signals.
import { PUBLIC_SIGNAL_COUNT } from '../../../src/core/constants.ts'
import { validatorPublicKey } from '../../../src/core/quorum.ts'
import type { ChainSpec } from '../../../src/node/chain-spec.ts'
import type { ProverLike } from '../../../src/node/prover-pipeline.ts'
import type { ProofVerifier } from '../../../src/zk/proof-verifier.ts'
import { PROFILES } from '../../../src/zk/profiles.ts'
import { makeAccounts, seedKey, type TestAccount } from '../../helpers/fixture.ts'
import { makeProof } from '../../store/fixtures.ts'

export const P = PROFILES.test

export interface NodeFixture {
  spec: ChainSpec
  validatorKeys: Uint8Array[]
  accounts: TestAccount[]
}

/** Four validators; accounts 0..funded-1 funded with 1,000,000 each (of `total` with keys). */
/**
 * A verification key of the right shape whose points are not on the curve: enough for
 * specs whose blocks the FakeProver "proves" (the store and the pipeline do not verify).
 */
export const SHAPED_VK: Record<string, unknown> = {
  protocol: 'groth16',
  curve: 'bn128',
  nPublic: PUBLIC_SIGNAL_COUNT,
  vk_alpha_1: ['1', '2', '1'],
  vk_beta_2: [
    ['1', '2'],
    ['3', '4'],
    ['1', '0'],
  ],
  vk_gamma_2: [
    ['5', '6'],
    ['7', '8'],
    ['1', '0'],
  ],
  vk_delta_2: [
    ['9', '10'],
    ['11', '12'],
    ['1', '0'],
  ],
  IC: Array.from({ length: PUBLIC_SIGNAL_COUNT + 1 }, (_, i) => [String(i + 1), String(i + 2), '1']),
}

export async function makeSpec(funded = 4, total = 6, vk: Record<string, unknown> = SHAPED_VK, network = 'node-test-network'): Promise<NodeFixture> {
  const accounts = await makeAccounts(total)
  const validatorKeys = [0, 1, 2, 3].map((i) => seedKey(`node-validator-${i}`))
  return {
    validatorKeys,
    accounts,
    spec: {
      profile: P,
      networkId: seedKey(network),
      genesisTime: 1_700_000_000_000,
      validators: validatorKeys.map(validatorPublicKey),
      accounts: accounts.slice(0, funded).map((a) => ({ index: a.index, pubKey: a.pubKey, balance: 1_000_000n })),
      vk,
      setup: { setupClass: 'insecure-dev', contributions: 1, transcriptHash: new Uint8Array(32) },
    },
  }
}

/** Answers each job after `delayMs` (or when released) with a fixed proof and the input's own public signals. */
export class FakeProver implements ProverLike {
  proved: number[] = []
  private gate: Promise<void> = Promise.resolve()
  private release: (() => void) | undefined
  closed = false

  constructor(private readonly delayMs = 0) {}

  /** Holds every proof until `open()`. */
  hold(): void {
    this.gate = new Promise((r) => (this.release = r))
  }

  open(): void {
    this.release?.()
  }

  async prove(input: Record<string, unknown>) {
    await this.gate
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs))
    const signals = ['oldRoot', 'newRoot', 'txRoot', 'chainTag'].map((k) => BigInt(input[k] as string))
    this.proved.push(this.proved.length)
    return { proof: makeProof(Number(signals[1]! % 1000n)), publicSignals: signals }
  }

  async close() {
    this.closed = true
    this.open()
  }
}

/**
 * WARNING: accepts every proof. For nodes whose FakeProver "proofs" are not Groth16 proofs
 * (a node checks every proof before storing it), and for a producer made dishonest on purpose.
 */
export const acceptAllVerifier: ProofVerifier = {
  verifyBatch: async () => ({ ok: true }),
  close: async () => {},
}
