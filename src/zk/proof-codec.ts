// Groth16 proofs in the canonical 256-byte form (docs/spec.md#state-transition-proof)
// and the snarkjs JSON form the prover emits.
import { BASE_FIELD_MODULUS, PROOF_BYTES } from '../core/constants.ts'
import { bytesToBigInt, fieldToBytes } from '../core/bytes.ts'

export interface SnarkjsProof {
  pi_a: string[]
  pi_b: string[][]
  pi_c: string[]
  protocol?: string
  curve?: string
}

/** Affine coordinates of a decoded proof: A, C in G1; B in G2 as [[x.c0, x.c1], [y.c0, y.c1]]. */
export interface ProofPoints {
  a: [bigint, bigint]
  b: [[bigint, bigint], [bigint, bigint]]
  c: [bigint, bigint]
}

export function proofToBytes(p: SnarkjsProof): Uint8Array {
  const coords = [p.pi_a[0], p.pi_a[1], p.pi_b[0]?.[0], p.pi_b[0]?.[1], p.pi_b[1]?.[0], p.pi_b[1]?.[1], p.pi_c[0], p.pi_c[1]]
  const out = new Uint8Array(PROOF_BYTES)
  coords.forEach((c, i) => {
    if (c === undefined) throw new RangeError('incomplete snarkjs proof')
    const v = BigInt(c)
    if (v < 0n || v >= BASE_FIELD_MODULUS) throw new RangeError('proof coordinate out of range')
    out.set(fieldToBytes(v), i * 32)
  })
  return out
}

export function decodeProofPoints(bytes: Uint8Array): { ok: true; value: ProofPoints } | { ok: false; reason: 'bad-encoding' } {
  if (!(bytes instanceof Uint8Array) || bytes.length !== PROOF_BYTES) return { ok: false, reason: 'bad-encoding' }
  const c: bigint[] = []
  for (let i = 0; i < 8; i++) {
    const v = bytesToBigInt(bytes.subarray(i * 32, i * 32 + 32))
    if (v >= BASE_FIELD_MODULUS) return { ok: false, reason: 'bad-encoding' }
    c.push(v)
  }
  const [ax, ay, bx0, bx1, by0, by1, cx, cy] = c as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint]
  return {
    ok: true,
    value: {
      a: [ax, ay],
      b: [
        [bx0, bx1],
        [by0, by1],
      ],
      c: [cx, cy],
    },
  }
}

export function proofFromBytes(bytes: Uint8Array): { ok: true; value: SnarkjsProof } | { ok: false; reason: 'bad-encoding' } {
  const d = decodeProofPoints(bytes)
  if (!d.ok) return d
  const { a, b, c } = d.value
  const s = (x: bigint) => x.toString()
  return {
    ok: true,
    value: {
      pi_a: [s(a[0]), s(a[1]), '1'],
      pi_b: [
        [s(b[0][0]), s(b[0][1])],
        [s(b[1][0]), s(b[1][1])],
        ['1', '0'],
      ],
      pi_c: [s(c[0]), s(c[1]), '1'],
      protocol: 'groth16',
      curve: 'bn128',
    },
  }
}
