// snarkjs's own groth16.verify on the 256-byte proof form: the baseline the bench sets
// beside the project's verifiers. Not used for verification: it checks no signal count
// and no G2 subgroup, and it spreads each call over worker threads of its own.
import * as snarkjs from 'snarkjs'
import { proofFromBytes } from './proof-codec.ts'

export async function verifyWithSnarkjs(vk: unknown, proof: Uint8Array, signals: readonly bigint[]): Promise<boolean> {
  const json = proofFromBytes(proof)
  if (!json.ok) return false
  return (await snarkjs.groth16.verify(vk as never, signals.map(String), json.value as never)) === true
}

/** Stops the worker threads of the curve snarkjs keeps process-wide. */
export async function releaseSnarkjs(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }
  const curve = g.curve_bn128
  g.curve_bn128 = null
  if (curve) await curve.terminate()
}
