// Vector kind "eddsa-poseidon" (test/vectors/eddsa.json, made by scripts/vectors/eddsa-vectors.ts
// and checked against circomlibjs when made): "sign" cases pin keys and signatures, "verify"
// cases pin the verdict on each valid or hostile sample. Needs no circomlibjs.
import { expect, it } from 'vitest'
import { hexToBytes } from '../../src/core/bytes.ts'
import { derivePublicKey, signPoseidon, verifyPoseidon } from '../../src/core/eddsa.ts'
import type { Point, Signature } from '../../src/core/types.ts'
import { unknownOp, type VectorKind } from './vector-kind.ts'

const point = (p: [string, string]): Point => [BigInt(p[0]), BigInt(p[1])]
const signature = (s: { R8: [string, string]; S: string }): Signature => ({ R8: point(s.R8), S: BigInt(s.S) })

export const eddsaKind: VectorKind = {
  register(file: { cases: any[] }) {
    for (const c of file.cases) {
      if (c.op === 'sign') {
        it(`sign: ${c.name}`, () => {
          const secret = hexToBytes(c.secret)
          expect(derivePublicKey(secret)).toEqual(point(c.pubKey))
          expect(signPoseidon(secret, BigInt(c.msg))).toEqual(signature(c.sig))
          expect(verifyPoseidon(BigInt(c.msg), signature(c.sig), point(c.pubKey))).toEqual({ ok: true })
        })
      } else if (c.op === 'verify') {
        it(`verify: ${c.name} → ${c.expect.ok ? 'ok' : c.expect.reason}`, () => {
          expect(verifyPoseidon(BigInt(c.msg), signature(c.sig), point(c.pubKey))).toEqual(c.expect)
        })
      } else unknownOp(c)
    }
    return []
  },
}
