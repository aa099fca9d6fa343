// Canonical codec: round trips, canonicality of every accepted encoding, fuzzing that
// never throws, one negative per DecodeReason and encoder-side range checks.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { BABYJUB_SUBORDER, BASE_FIELD_MODULUS, CODEC_VERSION, FIELD_MODULUS, MAX_BLOCK_TRANSFERS, MAX_TREE_DEPTH, MAX_VALIDATORS, TAG } from '../../src/core/constants.ts'
import { ByteWriter, bytesToHex, concatBytes, fieldToBytes } from '../../src/core/bytes.ts'
import * as codec from '../../src/core/codec.ts'
import type { DecodeReason } from '../../src/core/types.ts'
import { CODECS, CODEC_NAMES } from '../fixtures/codec-registry.ts'
import { sampleAccountProof, sampleBlock, sampleGenesis, sampleProof, sampleTransfer, validatorKeys } from '../fixtures/core-samples.ts'
import { ARBITRARIES } from './arbitraries.ts'

const REASONS: readonly DecodeReason[] = ['truncated', 'trailing-bytes', 'bad-tag', 'bad-version', 'out-of-range', 'too-long', 'not-canonical']
const TAG_OF = {
  header: TAG.header,
  transfer: TAG.transfer,
  block: TAG.block,
  'quorum-certificate': TAG.quorumCertificate,
  account: TAG.account,
  'account-proof': TAG.accountProof,
  checkpoint: TAG.checkpoint,
  'validator-set': TAG.validatorSet,
  proof: TAG.proof,
  'chain-params': TAG.chainParams,
  'trust-anchor': TAG.trustAnchor,
  'certified-checkpoint': TAG.certifiedCheckpoint,
} as const

/** A decode result is either ok and canonical (re-encodes to the input) or a typed rejection. */
function expectOkOrTyped(name: keyof typeof CODECS, bytes: Uint8Array): void {
  const c = CODECS[name]
  const d = c.decode(bytes)
  if (d.ok) expect(bytesToHex(c.encode(d.value))).toBe(bytesToHex(bytes))
  else expect(REASONS).toContain(d.reason)
}

const keys = validatorKeys(4)
const genesis = sampleGenesis(keys.set)

describe.each(CODEC_NAMES)('%s codec', (name) => {
  const c = CODECS[name]
  const arb = ARBITRARIES[name]

  it('decode(encode(x)) = x, prefixed by tag and version', () => {
    fc.assert(
      fc.property(arb, (x) => {
        const bytes = c.encode(x)
        expect([bytes[0], bytes[1]]).toEqual([TAG_OF[name], CODEC_VERSION])
        expect(c.decode(bytes)).toEqual({ ok: true, value: x })
      }),
      { numRuns: 200 },
    )
  })

  it('never throws on random bytes, with or without a valid prefix', () => {
    const prefix = new Uint8Array([TAG_OF[name], CODEC_VERSION])
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (tail, prefixed) => expectOkOrTyped(name, prefixed ? concatBytes(prefix, tail) : tail)),
      { numRuns: 300 },
    )
  })

  it('never throws on truncations, byte changes and insertions of valid encodings', () => {
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat(), value: fc.nat(255) }),
      fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.nat(255) }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), value: fc.nat(255) }),
    )
    fc.assert(
      fc.property(arb, fc.array(mutation, { minLength: 1, maxLength: 3 }), (x, ms) => {
        let b = c.encode(x)
        for (const m of ms) {
          const at = m.at % (b.length + 1)
          if (m.op === 'truncate') b = b.slice(0, at)
          else if (m.op === 'set' && at < b.length) b = Uint8Array.from(b, (v, i) => (i === at ? m.value : v))
          else b = concatBytes(b.slice(0, at), new Uint8Array([m.value]), b.slice(at))
        }
        expectOkOrTyped(name, b)
      }),
      { numRuns: 300 },
    )
  })

  it('rejects every strict prefix as truncated and any extra byte as trailing', () => {
    fc.assert(
      fc.property(arb, fc.nat(), (x, k) => {
        const bytes = c.encode(x)
        expect(c.decode(bytes.slice(0, k % bytes.length))).toEqual({ ok: false, reason: 'truncated' })
        expect(c.decode(concatBytes(bytes, new Uint8Array([0])))).toEqual({ ok: false, reason: 'trailing-bytes' })
      }),
      { numRuns: 50 },
    )
  })
})

function patch(bytes: Uint8Array, at: number, replacement: Uint8Array | number[]): Uint8Array {
  const out = bytes.slice()
  out.set(replacement, at)
  return out
}
const u64 = (v: bigint) => new ByteWriter().u64(v).finish()
// Byte offsets inside a header encoding (tag, version, chainId, height, parentHash, stateRoot, ...).
const H = { height: 6, stateRoot: 46, timestamp: 110 }

describe('one rejection per DecodeReason', () => {
  const header = codec.encodeHeader(genesis)

  it('truncated', () => {
    expect(codec.decodeHeader(new Uint8Array())).toEqual({ ok: false, reason: 'truncated' })
    expect(codec.decodeHeader(header.slice(0, -1))).toEqual({ ok: false, reason: 'truncated' })
  })

  it('trailing-bytes', () => {
    expect(codec.decodeHeader(concatBytes(header, new Uint8Array([0])))).toEqual({ ok: false, reason: 'trailing-bytes' })
  })

  it('bad-tag, also for a nested object and for the right bytes under the wrong decoder', () => {
    expect(codec.decodeHeader(patch(header, 0, [TAG.transfer]))).toEqual({ ok: false, reason: 'bad-tag' })
    expect(codec.decodeTransfer(header)).toEqual({ ok: false, reason: 'bad-tag' })
    const block = codec.encodeBlock(sampleBlock(genesis, 4, 1))
    expect(codec.decodeBlock(patch(block, 2, [TAG.checkpoint]))).toEqual({ ok: false, reason: 'bad-tag' })
  })

  it('bad-version, also for a nested object', () => {
    expect(codec.decodeHeader(patch(header, 1, [0]))).toEqual({ ok: false, reason: 'bad-version' })
    expect(codec.decodeHeader(patch(header, 1, [CODEC_VERSION + 1]))).toEqual({ ok: false, reason: 'bad-version' })
    const block = codec.encodeBlock(sampleBlock(genesis, 4, 1))
    const transferAt = 2 + header.length + 2
    expect(codec.decodeBlock(patch(block, transferAt + 1, [2]))).toEqual({ ok: false, reason: 'bad-version' })
  })

  it('out-of-range: field = p, height = 2^53, S = l, proof coordinate = q, empty set', () => {
    expect(codec.decodeHeader(patch(header, H.stateRoot, fieldToBytes(FIELD_MODULUS)))).toEqual({ ok: false, reason: 'out-of-range' })
    expect(codec.decodeHeader(patch(header, H.height, u64(2n ** 53n)))).toEqual({ ok: false, reason: 'out-of-range' })
    expect(codec.decodeHeader(patch(header, H.timestamp, u64((1n << 64n) - 1n)))).toEqual({ ok: false, reason: 'out-of-range' })
    const t = codec.encodeTransfer(sampleTransfer())
    expect(codec.decodeTransfer(patch(t, t.length - 32, fieldToBytes(BABYJUB_SUBORDER)))).toEqual({ ok: false, reason: 'out-of-range' })
    const p = codec.encodeProof(sampleProof())
    for (const at of [2, 2 + 7 * 32]) expect(codec.decodeProof(patch(p, at, fieldToBytes(BASE_FIELD_MODULUS)))).toEqual({ ok: false, reason: 'out-of-range' })
    const emptySet = new ByteWriter().u8(TAG.validatorSet).u8(CODEC_VERSION).u16(0).finish()
    expect(codec.decodeValidatorSet(emptySet)).toEqual({ ok: false, reason: 'out-of-range' })
  })

  it('too-long: each list above its maximum', () => {
    const blockHead = new ByteWriter().u8(TAG.block).u8(CODEC_VERSION).raw(header)
    expect(codec.decodeBlock(blockHead.u16(MAX_BLOCK_TRANSFERS + 1).finish())).toEqual({ ok: false, reason: 'too-long' })
    const set = new ByteWriter()
      .u8(TAG.validatorSet)
      .u8(CODEC_VERSION)
      .u16(MAX_VALIDATORS + 1)
    for (let i = 0; i <= MAX_VALIDATORS; i++) set.raw(fieldToBytes(BigInt(i)))
    expect(codec.decodeValidatorSet(set.finish())).toEqual({ ok: false, reason: 'too-long' })
    const qc = new ByteWriter()
      .u8(TAG.quorumCertificate)
      .u8(CODEC_VERSION)
      .bytes32(new Uint8Array(32))
      .u16(MAX_VALIDATORS + 1)
    expect(codec.decodeQuorumCertificate(qc.finish())).toEqual({ ok: false, reason: 'too-long' })
    const ap = new ByteWriter()
      .u8(TAG.accountProof)
      .u8(CODEC_VERSION)
      .u32(0)
      .u8(0)
      .u16(MAX_TREE_DEPTH + 1)
    for (let i = 0; i <= MAX_TREE_DEPTH; i++) ap.field(BigInt(i))
    expect(codec.decodeAccountProof(ap.finish())).toEqual({ ok: false, reason: 'too-long' })
  })

  it('not-canonical: a presence byte other than 0/1 and a repeated validator key', () => {
    const ap = codec.encodeAccountProof(sampleAccountProof(false))
    for (const flag of [2, 0xff]) expect(codec.decodeAccountProof(patch(ap, 6, [flag]))).toEqual({ ok: false, reason: 'not-canonical' })
    const k = keys.set[0] as Uint8Array
    const dup = new ByteWriter().u8(TAG.validatorSet).u8(CODEC_VERSION).u16(2).raw(k).raw(k).finish()
    expect(codec.decodeValidatorSet(dup)).toEqual({ ok: false, reason: 'not-canonical' })
  })
})

describe('encoders refuse invalid objects', () => {
  it('throws RangeError instead of writing what no decoder accepts', () => {
    const t = sampleTransfer()
    expect(() => codec.encodeTransfer({ ...t, sig: { ...t.sig, S: BABYJUB_SUBORDER } })).toThrow(RangeError)
    expect(() => codec.encodeTransfer({ ...t, amount: 1n << 64n })).toThrow(RangeError)
    expect(() => codec.encodeHeader({ ...genesis, height: 2 ** 53 })).toThrow(RangeError)
    expect(() => codec.encodeHeader({ ...genesis, stateRoot: FIELD_MODULUS })).toThrow(RangeError)
    expect(() => codec.encodeHeader({ ...genesis, proposer: 0x10000 })).toThrow(RangeError)
    expect(() => codec.encodeValidatorSet([])).toThrow(RangeError)
    expect(() => codec.encodeValidatorSet([keys.set[0] as Uint8Array, keys.set[0] as Uint8Array])).toThrow(RangeError)
    expect(() => codec.encodeProof(new Uint8Array(255))).toThrow(RangeError)
    expect(() => codec.encodeProof(new Uint8Array(256).fill(0xff))).toThrow(RangeError)
    expect(() => codec.encodeQuorumCertificate({ headerHash: new Uint8Array(32), signatures: [{ validator: 0, signature: new Uint8Array(63) }] })).toThrow(RangeError)
    const tooMany = { header: genesis, transfers: Array.from({ length: MAX_BLOCK_TRANSFERS + 1 }, () => t) }
    expect(() => codec.encodeBlock(tooMany)).toThrow(RangeError)
  })
})

describe('layout', () => {
  it('is the spec order: a header is 152 bytes and a block nests it with its own tag', () => {
    const header = codec.encodeHeader(genesis)
    expect(header.length).toBe(2 + 4 + 8 + 32 + 32 + 32 + 8 + 32 + 2)
    expect(bytesToHex(header.subarray(0, 14))).toBe(`0101${'00000007'}${genesis.height.toString(16).padStart(16, '0')}`)
    const block = codec.encodeBlock({ header: genesis, transfers: [] })
    expect(bytesToHex(block)).toBe(`0301${bytesToHex(header)}0000`)
  })

  it('encodes an absent account as one zero byte and a present one with its tag', () => {
    const absent = codec.encodeAccountProof(sampleAccountProof(false, 0, 0))
    expect(bytesToHex(absent)).toBe('060100000000000000')
    const present = codec.encodeAccountProof(sampleAccountProof(true, 0, 0))
    expect([present[6], present[7], present[8]]).toEqual([1, TAG.account, CODEC_VERSION])
  })
})
