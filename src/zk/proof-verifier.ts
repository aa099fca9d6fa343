// What every Groth16 batch verifier offers (worker pools in Node and browsers,
// in-process verifiers in tests), declared once for the client and the node.
import type { ProofReason } from './proof-input.ts'

/** One proof and the public signals it must verify against (src/core/block.ts blockPublicInputs). */
export interface BatchItem {
  proof: Uint8Array
  signals: bigint[]
}

/**
 * `bad` lists the index of every failing item (ascending), not just the first; `reasons[k]`
 * says why item `bad[k]` failed: a point or signal check before any pairing (the first rule
 * it breaks, as the single verifier names it) or 'proof-invalid' (the pairing equation).
 */
export type BatchResult = { ok: true } | { ok: false; bad: number[]; reasons: ProofReason[] }

/** Verifies batches of proofs (off the main thread in production). */
export interface ProofVerifier {
  verifyBatch(items: readonly BatchItem[]): Promise<BatchResult>
  close(): Promise<void>
}
