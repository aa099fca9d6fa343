// What every Groth16 batch verifier offers (worker pools in Node and browsers,
// in-process verifiers in tests), declared once for the client and the node.

/** One proof and the public signals it must verify against (src/core/block.ts blockPublicInputs). */
export interface BatchItem {
  proof: Uint8Array
  signals: bigint[]
}

/** `bad` lists the index of every failing item, not just the first. */
export type BatchResult = { ok: true } | { ok: false; bad: number[] }

/** Verifies batches of proofs (off the main thread in production). */
export interface ProofVerifier {
  verifyBatch(items: readonly BatchItem[]): Promise<BatchResult>
  close(): Promise<void>
}
