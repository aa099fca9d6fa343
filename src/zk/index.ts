// The verification API for applications that check proofs themselves (browser-safe):
// key loading with its checks, single and batched Groth16 verification, and the
// interfaces verifier pools implement. Proving and circuit builds are Node-only and
// imported by path (src/zk/prover.ts, src/zk/artifacts.ts).
export { loadVerificationKey, verifyProof, BadVerificationKey, type PreparedKey, type ProofReason } from './verifier.ts'
export { verifyBatch } from './batch-verify.ts'
export type { BatchItem, BatchResult, ProofVerifier } from './proof-verifier.ts'
export { proofToBytes, proofFromBytes, type SnarkjsProof } from './proof-codec.ts'
