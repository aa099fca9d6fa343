// The chain spec refuses validator keys that could sign for anyone or that have two
// spellings: the identity point, a point of small order (both verify R = identity, S = 0
// for every message under ZIP-215) and a non-canonical encoding (y >= p), each with its
// reason. Everything else in the spec is the fixture's, which parses.
import { ed25519 } from '@noble/curves/ed25519.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../../src/core/bytes.ts'
import { checkValidatorKey } from '../../src/core/quorum.ts'
import { chainSpecToJson, genesisHash, parseChainSpec } from '../../src/node/chain-spec.ts'
import { makeSpec, type NodeFixture } from './helpers/spec.ts'

/** The identity point (0, 1): small order, the trivial case. */
const IDENTITY = `01${'00'.repeat(31)}`
/** A point of order 8 (the torsion subgroup's generator in the usual small-order lists), canonically encoded. */
const ORDER_8 = 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'
/** y = p + 3 (p = 2^255 - 19), little-endian: the point with y = 3, which is not of small order, spelled a second way. */
const Y_ABOVE_P = `f0${'ff'.repeat(30)}7f`
const Y_3 = `03${'00'.repeat(31)}`

let fx: NodeFixture
let json: Record<string, any>

beforeAll(async () => {
  fx = await makeSpec(4, 6, undefined, 'chain-spec-keys')
  json = JSON.parse(chainSpecToJson(fx.spec)) as Record<string, any>
})

/** The fixture's spec with validator 1's key replaced. */
const withValidator1 = (hex: string): string => JSON.stringify({ ...json, validators: json.validators.map((v: string, i: number) => (i === 1 ? hex : v)) })

function refusal(text: string): unknown {
  try {
    parseChainSpec(text)
  } catch (err) {
    return err
  }
  return 'parsed'
}

describe('chain spec validator keys', () => {
  it('parses the fixture as it is (the same chain)', () => {
    expect(genesisHash(parseChainSpec(JSON.stringify(json)))).toEqual(genesisHash(fx.spec))
  })

  it('refuses the identity point: small-order', () => {
    expect(checkValidatorKey(hexToBytes(IDENTITY))).toEqual({ ok: false, reason: 'small-order' })
    expect(refusal(withValidator1(IDENTITY))).toMatchObject({ name: 'ChainSpecError', reason: 'small-order' })
  })

  it('refuses a point of order 8: small-order', () => {
    const p = ed25519.Point.fromBytes(hexToBytes(ORDER_8))
    expect(p.equals(ed25519.Point.ZERO)).toBe(false)
    expect(p.multiplyUnsafe(8n).equals(ed25519.Point.ZERO)).toBe(true)
    expect(checkValidatorKey(hexToBytes(ORDER_8))).toEqual({ ok: false, reason: 'small-order' })
    expect(refusal(withValidator1(ORDER_8))).toMatchObject({ name: 'ChainSpecError', reason: 'small-order' })
  })

  it('refuses a non-canonical encoding (y >= p) of a point not of small order: non-canonical', () => {
    // ZIP-215 decoding (the one votes are verified with) reads it as the point y = 3, which
    // is not of small order: only the encoding rule stands between it and the validator set.
    const p = ed25519.Point.fromBytes(hexToBytes(Y_ABOVE_P), true)
    expect(p.equals(ed25519.Point.fromBytes(hexToBytes(Y_3)))).toBe(true)
    expect(p.isSmallOrder()).toBe(false)
    expect(bytesToHex(p.toBytes())).toBe(Y_3)
    expect(checkValidatorKey(hexToBytes(Y_ABOVE_P))).toEqual({ ok: false, reason: 'non-canonical' })
    expect(refusal(withValidator1(Y_ABOVE_P))).toMatchObject({ name: 'ChainSpecError', reason: 'non-canonical' })
  })
})
