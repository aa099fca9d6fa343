// The BigInt Baby Jubjub packing and curve check against circomlibjs, plus addresses.
import { beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { bech32m } from '@scure/base'
import { buildBabyjub } from 'circomlibjs'
import { inCurve, packPoint, unpackPoint } from '../../src/core/babyjub.ts'
import { decodeAddress, encodeAddress } from '../../src/core/address.ts'
import { FIELD_MODULUS as P } from '../../src/core/constants.ts'
import { derivePublicKey, isOnCurve } from '../../src/core/transfer.ts'
import type { Point } from '../../src/core/types.ts'
import { seedKey } from '../helpers/fixture.ts'

// circomlibjs's Base8, the generator of the prime-order subgroup.
const BASE8: Point = [5299619240641551281634865583518297030282874472190772894086521144482721001553n, 16950150798460657717958625567821834550301663161624707787222815936182638968203n]
const IDENTITY: Point = [0n, 1n]

let address = ''

describe('addresses', () => {
  it('encodes, decodes and checks the curve without circomlibjs', () => {
    address = encodeAddress(7, BASE8)
    expect(decodeAddress(address)).toEqual({ ok: true, value: { index: 7, pubKey: BASE8 } })
    expect(isOnCurve(BASE8)).toBe(true)
    expect(isOnCurve([BASE8[0], BASE8[1] + 1n])).toBe(false)
  })

  it('refuses a non-canonical key encoding (y + p) in an address', () => {
    const packed = packPoint(BASE8)
    const sign = packed[31]! & 0x80
    let y = BASE8[1] + P
    const data = new Uint8Array(36)
    new DataView(data.buffer).setUint32(0, 7)
    for (let i = 0; i < 32; i++, y >>= 8n) data[4 + i] = Number(y & 0xffn)
    data[35]! |= sign
    expect(unpackPoint(data.subarray(4))).toEqual(BASE8) // circomlibjs reads y mod p…
    expect(decodeAddress(bech32m.encode('zkl', bech32m.toWords(data), 90))).toEqual({ ok: false, reason: 'bad-address' }) // …addresses do not
  })
})

describe('against circomlibjs', () => {
  let keys: Point[] = []
  let babyJub: any
  beforeAll(async () => {
    babyJub = await buildBabyjub()
  })
  const internal = (p: Point) => [babyJub.F.e(p[0]), babyJub.F.e(p[1])]
  const ref = {
    pack: (p: Point): Uint8Array => babyJub.packPoint(internal(p)),
    // circomlibjs clears the sign bit of its argument in place, so it gets a copy.
    unpack: (b: Uint8Array): Point | undefined => {
      const r = babyJub.unpackPoint(b.slice())
      return r ? [babyJub.F.toObject(r[0]), babyJub.F.toObject(r[1])] : undefined
    },
    inCurve: (p: Point): boolean => babyJub.inCurve(internal(p)),
  }
  const le = (v: bigint): Uint8Array => {
    const b = new Uint8Array(32)
    for (let i = 0; i < 32; i++, v >>= 8n) b[i] = Number(v & 0xffn)
    return b
  }

  it('derives public keys', () => {
    const derived = Array.from({ length: 64 }, (_, i) => derivePublicKey(seedKey(`babyjub-${i}`)))
    // Negations flip the sign bit, so both halves of x are covered.
    keys = [BASE8, IDENTITY, ...derived, ...derived.map(([x, y]): Point => [(P - x) % P, y])]
    expect(keys.every((k) => ref.inCurve(k))).toBe(true)
    expect(new Set(keys.map((k) => k[0] > P / 2n)).size).toBe(2)
  })

  it('packPoint matches byte for byte and unpackPoint agrees', () => {
    for (const k of keys) {
      const packed = packPoint(k)
      expect(packed).toEqual(ref.pack(k))
      expect(unpackPoint(packed)).toEqual(ref.unpack(packed))
    }
  })

  it('unpackPoint round-trips every point with x ≠ 0', () => {
    for (const k of keys) expect(unpackPoint(packPoint(k))).toEqual(k[0] === 0n ? undefined : k)
  })

  it('the address matches one built on circomlibjs', () => {
    const data = new Uint8Array(36)
    new DataView(data.buffer).setUint32(0, 7)
    data.set(ref.pack(BASE8), 4)
    expect(address).toBe(bech32m.encode('zkl', bech32m.toWords(data), 90))
  })

  it('unpackPoint agrees on edge encodings', () => {
    const ys = [0n, 1n, 2n, P - 1n, P, P + 1n, P + BASE8[1], (1n << 255n) - 1n, BASE8[1]]
    const cases = ys.flatMap((y) => [le(y), le(y | (1n << 255n))])
    let accepted = 0
    for (const b of cases) {
      const got = unpackPoint(b)
      expect(got).toEqual(ref.unpack(b))
      if (got) accepted++
    }
    // Non-canonical y in [P, 2^255) is accepted, as circomlibjs does.
    expect(unpackPoint(le(P + BASE8[1]))).toEqual(BASE8)
    expect(accepted).toBeGreaterThan(0)
    expect(unpackPoint(new Uint8Array(31))).toBeUndefined()
  })

  it('unpackPoint agrees on random 32-byte strings', () => {
    let accepted = 0
    let rejected = 0
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
        const before = b.slice()
        const got = unpackPoint(b)
        expect(b).toEqual(before)
        expect(got).toEqual(ref.unpack(b))
        if (got) {
          accepted++
          expect(inCurve(got)).toBe(true)
        } else rejected++
      }),
      { numRuns: 400 },
    )
    expect(accepted).toBeGreaterThan(0)
    expect(rejected).toBeGreaterThan(0)
  })

  it('inCurve agrees on and off the curve', () => {
    for (const [x, y] of keys) {
      expect(inCurve([x, y])).toBe(true)
      for (const q of [
        [x + 1n, y],
        [x, y + 1n],
        [y, x],
        [x + P, y],
      ] as Point[])
        expect(inCurve(q)).toBe(ref.inCurve(q))
    }
    expect(inCurve([BASE8[0] + 1n, BASE8[1]])).toBe(false)
    const field = fc.bigInt({ min: 0n, max: P - 1n })
    fc.assert(
      fc.property(field, field, (x, y) => {
        expect(inCurve([x, y])).toBe(ref.inCurve([x, y]))
      }),
      { numRuns: 200 },
    )
  })
})
