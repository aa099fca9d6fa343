// The ffjavascript verifier (verifier.ts, batch-verify.ts) behind the Groth16Verifier
// interface: the reference the mcl-wasm backend is checked against.
import { verifyBatch } from './batch-verify.ts'
import { loadVerificationKey, verifyProof } from './verifier.ts'
import type { Groth16Verifier } from './verifier-backend.ts'

export async function loadReferenceVerifier(vk: unknown): Promise<Groth16Verifier> {
  const key = await loadVerificationKey(vk)
  return {
    backend: 'reference',
    nPublic: key.nPublic,
    setup: key.setup,
    verifyProof: (proof, signals) => verifyProof(key, proof, signals),
    verifyBatch: (items, random) => verifyBatch(key, items, random),
  }
}
