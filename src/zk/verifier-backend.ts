// The Groth16 verifier backends by name, and the one interface both implement: 'mcl'
// (mcl-wasm, the default) and 'reference' (ffjavascript), which the tests run side by side.
// Loading one is load-verifier.ts: this file stays free of either library.
import type { Verdict } from '../core/types.ts'
import type { BatchItem, BatchResult } from './proof-verifier.ts'
import type { RandomBytes } from '../core/platform.ts'
import type { ProofReason } from './proof-input.ts'

export type VerifierBackend = 'mcl' | 'reference'

export const VERIFIER_BACKENDS: readonly VerifierBackend[] = ['mcl', 'reference']

/** mcl-wasm, the faster of the two: `npm run bench` measures both in one run. */
export const DEFAULT_BACKEND: VerifierBackend = 'mcl'

/** One verification key, prepared on one backend. Rejections are values; a bad key throws BadVerificationKey at load. */
export interface Groth16Verifier {
  readonly backend: VerifierBackend
  readonly nPublic: number
  /** How the key was made ('insecure-dev', 'ceremony' or 'unknown'), as the circuit build labels it. */
  readonly setup: string
  verifyProof(proof: Uint8Array, signals: readonly bigint[]): Promise<Verdict<ProofReason>>
  verifyBatch(items: readonly BatchItem[], random: RandomBytes): Promise<BatchResult>
  /**
   * Runs the code a batch runs, on points of the key, until the engine has compiled it for
   * speed (a browser compiles wasm lazily and optimises it only once it has run a while);
   * a worker does it after its key, while it would be idle. Decides nothing.
   */
  warmUp?(): void
}

export function isVerifierBackend(x: unknown): x is VerifierBackend {
  return typeof x === 'string' && (VERIFIER_BACKENDS as readonly string[]).includes(x)
}
