// Codec vectors: canonical hex of sample objects with their decoded value, and
// malformed encodings with the rejection reason every implementation must return.
import { BABYJUB_SUBORDER, BASE_FIELD_MODULUS, CODEC_VERSION, FIELD_MODULUS, MAX_BLOCK_TRANSFERS, MAX_TREE_DEPTH, MAX_VALIDATORS, TAG } from '../../src/core/constants.ts'
import { ByteWriter, bytesToHex, concatBytes, fieldToBytes } from '../../src/core/bytes.ts'
import * as codec from '../../src/core/codec.ts'
import type { DecodeReason, Header } from '../../src/core/types.ts'
import { CODECS, type CodecName } from '../../test/fixtures/codec-registry.ts'
import {
  certify,
  sampleAccount,
  sampleAccountProof,
  sampleBlock,
  sampleChainParams,
  sampleCheckpoint,
  sampleChild,
  sampleGenesis,
  sampleProof,
  sampleTransfer,
  seedBytes,
  validatorKeys,
} from '../../test/fixtures/core-samples.ts'
import { toVectorJson, type Json } from '../../test/fixtures/vector-json.ts'
import { expected, type VectorFile } from './vector-file.ts'

interface CodecCase {
  name: string
  type: CodecName
  hex: string
  expect: { ok: true; value: Json } | { ok: false; reason: DecodeReason }
}

function valid(name: string, type: CodecName, value: unknown): CodecCase {
  const bytes = CODECS[type].encode(value)
  expected(name, CODECS[type].decode(bytes), 'ok')
  return { name, type, hex: bytesToHex(bytes), expect: { ok: true, value: toVectorJson(value) } }
}

function invalid(name: string, type: CodecName, bytes: Uint8Array, reason: DecodeReason): CodecCase {
  return { name, type, hex: bytesToHex(bytes), expect: expected(name, CODECS[type].decode(bytes), reason) as CodecCase['expect'] }
}

function patch(bytes: Uint8Array, at: number, replacement: Uint8Array | number[]): Uint8Array {
  const out = bytes.slice()
  out.set(replacement, at)
  return out
}

const u64 = (v: bigint) => new ByteWriter().u64(v).finish()
const prefix = (tag: number) => new ByteWriter().u8(tag).u8(CODEC_VERSION)

// Byte offsets inside a header encoding: tag 0, version 1, chainId 2, height 6,
// parentHash 14, stateRoot 46, txRoot 78, timestamp 110, validatorSetHash 118, proposer 150.
const H = { height: 6, stateRoot: 46, txRoot: 78, timestamp: 110 }
// Inside a transfer: toPubKey.x at 10, ..., S in the last 32 bytes.
const T = { toAx: 10, r8y: 2 + 4 + 4 + 64 + 8 + 4 + 32 }

export function makeCodecVectors(): VectorFile {
  const keys = validatorKeys(4)
  const genesis = sampleGenesis(keys.set)
  const child = sampleChild(genesis, 4)
  const maxHeader: Header = {
    chainId: 0xffffffff,
    height: Number.MAX_SAFE_INTEGER,
    parentHash: new Uint8Array(32).fill(0xff),
    stateRoot: FIELD_MODULUS - 1n,
    txRoot: FIELD_MODULUS - 1n,
    timestamp: Number.MAX_SAFE_INTEGER,
    validatorSetHash: new Uint8Array(32).fill(0xff),
    proposer: 0xffff,
  }
  const transfer = sampleTransfer()
  const maxTransfer = { ...transfer, from: 0xffffffff, to: 0, amount: (1n << 64n) - 1n, nonce: 0xffffffff, sig: { ...transfer.sig, S: BABYJUB_SUBORDER - 1n } }
  const block = sampleBlock(genesis, 4, 2)
  const qc = certify(child, keys, [0, 1, 2])
  const checkpoint = sampleCheckpoint(genesis, keys.set)
  const params = sampleChainParams()
  const anchor = { genesis, params, checkpoint }
  const certified = { checkpoint: sampleCheckpoint(child, keys.set), header: child, qc }
  const proof = sampleProof()

  const cases: CodecCase[] = [
    valid('header: genesis', 'header', genesis),
    valid('header: child', 'header', child),
    valid('header: every field at its maximum', 'header', maxHeader),
    valid('transfer: sample', 'transfer', transfer),
    valid('transfer: maximum amount, nonce and S = l - 1', 'transfer', maxTransfer),
    valid('block: no transfers', 'block', { header: child, transfers: [] }),
    valid('block: two transfers', 'block', block),
    valid('quorum-certificate: three of four signers', 'quorum-certificate', qc),
    valid('quorum-certificate: no signatures (decodes; verification rejects it)', 'quorum-certificate', { headerHash: qc.headerHash, signatures: [] }),
    valid('account: maximum balance and nonce', 'account', sampleAccount()),
    valid('account-proof: inclusion, depth 8', 'account-proof', sampleAccountProof(true, 8, 5)),
    valid('account-proof: non-inclusion, depth 8, last index', 'account-proof', sampleAccountProof(false, 8, 255)),
    valid('account-proof: depth 0', 'account-proof', sampleAccountProof(false, 0, 0)),
    valid('checkpoint: genesis', 'checkpoint', checkpoint),
    valid('chain-params: a three-contributor ceremony', 'chain-params', params),
    valid('chain-params: insecure-dev, smallest batch and depth', 'chain-params', { ...params, batch: 1, depth: 1, setupClass: 'insecure-dev', contributions: 0 }),
    valid('trust-anchor: genesis header, parameters, genesis checkpoint', 'trust-anchor', anchor),
    valid('certified-checkpoint: height 1 with its certificate', 'certified-checkpoint', certified),
    valid('certified-checkpoint: genesis, no certificate', 'certified-checkpoint', { checkpoint, header: genesis, qc: null }),
    valid('validator-set: four keys', 'validator-set', keys.set),
    valid('validator-set: one key', 'validator-set', keys.set.slice(0, 1)),
    valid('proof: eight coordinates below q', 'proof', proof),
  ]

  const header = codec.encodeHeader(genesis)
  const t = codec.encodeTransfer(transfer)
  const b = codec.encodeBlock(block)
  const q = codec.encodeQuorumCertificate(qc)
  const ap = codec.encodeAccountProof(sampleAccountProof(false, 8, 255))
  const apPresent = codec.encodeAccountProof(sampleAccountProof(true, 8, 5))
  const cp = codec.encodeCheckpoint(checkpoint)
  const p = codec.encodeProof(proof)
  const k0 = keys.set[0] as Uint8Array

  const tooManyKeys = prefix(TAG.validatorSet).u16(MAX_VALIDATORS + 1)
  for (let i = 0; i <= MAX_VALIDATORS; i++) tooManyKeys.raw(seedBytes(`key-${i}`))
  const tooDeep = prefix(TAG.accountProof)
    .u32(0)
    .u8(0)
    .u16(MAX_TREE_DEPTH + 1)
  for (let i = 0; i <= MAX_TREE_DEPTH; i++) tooDeep.field(BigInt(i))
  // Inside a checkpoint: chainId 2, genesisHash 6, height 38, headerHash 46, stateRoot 78, validator set 110.
  const cpSetAt = 2 + 4 + 32 + 8 + 32 + 32
  const cpHeightAt = 2 + 4 + 32
  // Inside chain params: networkId 2, batch 34, depth 36, vkHash 37, setup class 69, contributions 70, transcript 72.
  const cps = codec.encodeChainParams(params)

  cases.push(
    invalid('header: empty input', 'header', new Uint8Array(), 'truncated'),
    invalid('header: last byte missing', 'header', header.slice(0, -1), 'truncated'),
    invalid('header: one extra byte', 'header', concatBytes(header, new Uint8Array([0])), 'trailing-bytes'),
    invalid('header: transfer tag', 'header', patch(header, 0, [TAG.transfer]), 'bad-tag'),
    invalid('header: version 0', 'header', patch(header, 1, [0]), 'bad-version'),
    invalid('header: version 2', 'header', patch(header, 1, [2]), 'bad-version'),
    invalid('header: stateRoot = p', 'header', patch(header, H.stateRoot, fieldToBytes(FIELD_MODULUS)), 'out-of-range'),
    invalid('header: txRoot = 2^256 - 1', 'header', patch(header, H.txRoot, new Uint8Array(32).fill(0xff)), 'out-of-range'),
    invalid('header: height = 2^53', 'header', patch(header, H.height, u64(1n << 53n)), 'out-of-range'),
    invalid('header: timestamp = 2^64 - 1', 'header', patch(header, H.timestamp, u64((1n << 64n) - 1n)), 'out-of-range'),
    invalid('transfer: header bytes', 'transfer', header, 'bad-tag'),
    invalid('transfer: S = l (malleable signature)', 'transfer', patch(t, t.length - 32, fieldToBytes(BABYJUB_SUBORDER)), 'out-of-range'),
    invalid('transfer: S = p', 'transfer', patch(t, t.length - 32, fieldToBytes(FIELD_MODULUS)), 'out-of-range'),
    invalid('transfer: toPubKey.x = p', 'transfer', patch(t, T.toAx, fieldToBytes(FIELD_MODULUS)), 'out-of-range'),
    invalid('transfer: R8.y = p', 'transfer', patch(t, T.r8y, fieldToBytes(FIELD_MODULUS)), 'out-of-range'),
    invalid('block: nested header with the checkpoint tag', 'block', patch(b, 2, [TAG.checkpoint]), 'bad-tag'),
    invalid('block: nested transfer with version 2', 'block', patch(b, 2 + header.length + 2 + 1, [2]), 'bad-version'),
    invalid('block: count says 3, two transfers follow', 'block', patch(b, 2 + header.length, [0, 3]), 'truncated'),
    // The count is checked before any item is read, so no items need to follow it.
    invalid(
      'block: MAX_BLOCK_TRANSFERS + 1 transfers',
      'block',
      prefix(TAG.block)
        .raw(header)
        .u16(MAX_BLOCK_TRANSFERS + 1)
        .finish(),
      'too-long',
    ),
    invalid('quorum-certificate: last signature cut short', 'quorum-certificate', q.slice(0, -1), 'truncated'),
    invalid(
      'quorum-certificate: MAX_VALIDATORS + 1 signatures',
      'quorum-certificate',
      prefix(TAG.quorumCertificate)
        .raw(qc.headerHash)
        .u16(MAX_VALIDATORS + 1)
        .finish(),
      'too-long',
    ),
    invalid('account: pubKey.y = p', 'account', patch(codec.encodeAccount(sampleAccount()), 34, fieldToBytes(FIELD_MODULUS)), 'out-of-range'),
    invalid('account: version 255', 'account', patch(codec.encodeAccount(sampleAccount()), 1, [255]), 'bad-version'),
    invalid('account-proof: presence byte 2', 'account-proof', patch(ap, 6, [2]), 'not-canonical'),
    invalid('account-proof: presence byte 0xff', 'account-proof', patch(ap, 6, [0xff]), 'not-canonical'),
    invalid('account-proof: sibling = p', 'account-proof', patch(ap, ap.length - 32, fieldToBytes(FIELD_MODULUS)), 'out-of-range'),
    invalid('account-proof: MAX_TREE_DEPTH + 1 siblings', 'account-proof', tooDeep.finish(), 'too-long'),
    invalid('account-proof: nested account with the header tag', 'account-proof', patch(apPresent, 7, [TAG.header]), 'bad-tag'),
    invalid('account-proof: absent account followed by account bytes', 'account-proof', patch(apPresent, 6, [0]), 'too-long'),
    invalid('checkpoint: height = 2^53', 'checkpoint', patch(cp, cpHeightAt, u64(1n << 53n)), 'out-of-range'),
    invalid('chain-params: setup class 3', 'chain-params', patch(cps, 69, [3]), 'out-of-range'),
    invalid('chain-params: depth 0', 'chain-params', patch(cps, 36, [0]), 'out-of-range'),
    invalid('chain-params: depth 33', 'chain-params', patch(cps, 36, [33]), 'out-of-range'),
    invalid('chain-params: batch 0', 'chain-params', patch(cps, 34, [0, 0]), 'out-of-range'),
    invalid('trust-anchor: checkpoint missing', 'trust-anchor', codec.encodeTrustAnchor(anchor).slice(0, 2 + header.length + cps.length), 'truncated'),
    invalid(
      'certified-checkpoint: certificate flag 2',
      'certified-checkpoint',
      patch(codec.encodeCertifiedCheckpoint({ checkpoint, header: genesis, qc: null }), 2 + cp.length + header.length, [2]),
      'not-canonical',
    ),
    invalid('checkpoint: nested validator set with version 0', 'checkpoint', patch(cp, cpSetAt + 1, [0]), 'bad-version'),
    invalid('checkpoint: repeated validator key', 'checkpoint', patch(cp, cpSetAt + 4 + 32, k0), 'not-canonical'),
    invalid('validator-set: no keys', 'validator-set', prefix(TAG.validatorSet).u16(0).finish(), 'out-of-range'),
    invalid('validator-set: repeated key', 'validator-set', prefix(TAG.validatorSet).u16(2).raw(k0).raw(k0).finish(), 'not-canonical'),
    invalid('validator-set: MAX_VALIDATORS + 1 keys', 'validator-set', tooManyKeys.finish(), 'too-long'),
    invalid('validator-set: key cut short', 'validator-set', prefix(TAG.validatorSet).u16(1).raw(k0.slice(0, 31)).finish(), 'truncated'),
    invalid('proof: A.x = q', 'proof', patch(p, 2, fieldToBytes(BASE_FIELD_MODULUS)), 'out-of-range'),
    invalid('proof: C.y = q', 'proof', patch(p, 2 + 7 * 32, fieldToBytes(BASE_FIELD_MODULUS)), 'out-of-range'),
    invalid('proof: B.x.c1 = 2^256 - 1', 'proof', patch(p, 2 + 3 * 32, new Uint8Array(32).fill(0xff)), 'out-of-range'),
    invalid('proof: 255 bytes', 'proof', p.slice(0, -1), 'truncated'),
    invalid('proof: 257 bytes', 'proof', concatBytes(p, new Uint8Array([0])), 'trailing-bytes'),
    invalid('proof: header tag', 'proof', patch(p, 0, [TAG.header]), 'bad-tag'),
  )
  return {
    kind: 'codec',
    version: 1,
    description:
      'Canonical binary encoding (docs/spec.md#canonical-binary-encoding). Each case decodes `hex` as `type`; ' +
      'ok cases must decode to `expect.value` and re-encode to `hex`; others must be rejected with `expect.reason`. ' +
      'Values: "0x"-hex byte strings, decimal-string bigints, plain numbers.',
    cases: cases as unknown as Json[],
  }
}
