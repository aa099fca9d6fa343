// Vector kind "codec" (scripts/vectors/codec-vectors.ts): decode each hex, compare the
// value or the rejection reason, and check that accepted bytes re-encode identically.
import { expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../../src/core/bytes.ts'
import { codecFor } from '../fixtures/codec-registry.ts'
import { fromVectorJson, type Json } from '../fixtures/vector-json.ts'
import { rejection, type Expect, type VectorKind } from './vector-kind.ts'

interface CodecCase {
  name: string
  type: string
  hex: string
  expect: Expect & { value?: Json }
}

export const codecKind: VectorKind = {
  register(file: { cases: CodecCase[] }) {
    const seen: string[] = []
    for (const c of file.cases) {
      seen.push(...rejection('decode', c.expect))
      it(`${c.name} → ${c.expect.ok ? 'ok' : c.expect.reason}`, () => {
        const codec = codecFor(c.type)
        if (!codec) return expect.fail(`unknown codec type ${c.type}`)
        const decoded = codec.decode(hexToBytes(c.hex))
        if (!c.expect.ok) return expect(decoded).toEqual({ ok: false, reason: c.expect.reason })
        if (!decoded.ok) return expect.fail(`expected ok, got ${decoded.reason}`)
        expect(decoded.value).toEqual(fromVectorJson(c.expect.value ?? null))
        expect(bytesToHex(codec.encode(decoded.value))).toBe(c.hex)
      })
    }
    return seen
  },
}
