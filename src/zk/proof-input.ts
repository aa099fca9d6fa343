// Checks of an untrusted proof and its public signals that come before any curve
// arithmetic, and the rejection reasons every verifier backend returns, in one order.
import { FIELD_MODULUS } from '../core/constants.ts'
import { decodeProofPoints, type ProofPoints } from './proof-codec.ts'

/**
 * Why a proof was rejected, checked in this order (the first failing rule wins, so two
 * backends given the same input name the same reason):
 * - 'signal-count': not exactly nPublic signals (a short array must not verify as if the rest were 0);
 * - 'signal-range': a signal outside [0, r);
 * - 'bad-encoding': not 256 bytes, or a coordinate ≥ q;
 * - 'not-on-curve': A or C not on E(Fp), or B not on the twist E'(Fp2) — (0, 0) included:
 *   the affine encoding has no point at infinity;
 * - 'not-in-subgroup': B on the twist but outside the order-r subgroup G2;
 * - 'proof-invalid': well-formed points that fail the pairing equation.
 */
export type ProofReason = 'signal-count' | 'signal-range' | 'bad-encoding' | 'not-on-curve' | 'not-in-subgroup' | 'proof-invalid'

/** Signal count and range, then the point encoding: the checks that need no curve. */
export function decodeProofInput(nPublic: number, proof: Uint8Array, signals: readonly bigint[]): { ok: true; value: ProofPoints } | { ok: false; reason: ProofReason } {
  if (!Array.isArray(signals) || signals.length !== nPublic) return { ok: false, reason: 'signal-count' }
  for (const s of signals) if (typeof s !== 'bigint' || s < 0n || s >= FIELD_MODULUS) return { ok: false, reason: 'signal-range' }
  return decodeProofPoints(proof)
}
