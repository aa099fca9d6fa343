// Consensus and catch-up messages: round trips, caps that hold for the largest legal
// messages (a full block with a promise from each of 256 validators), and decoders that
// return a typed failure, never throw, for any bytes.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SignedPromise } from '../../src/core/consensus.ts'
import * as K from '../../src/net/consensus-messages.ts'
import { BLOCKS, COMMIT, EVIDENCE, PREPARE, PROPOSE } from '../../src/net/consensus-protocols.ts'
import * as C from '../../src/net/constants.ts'
import { block, qc } from './fixtures.ts'

const sig = (b: number) => new Uint8Array(64).fill(b)
const hash = (b: number) => new Uint8Array(32).fill(b)
const promise = (v: number, voted: boolean): SignedPromise => ({
  validator: v,
  signature: sig(v),
  vote: voted ? { round: 3, headerHash: hash(v), voteSignature: sig(1), proposalSignature: sig(2) } : null,
})

describe('round trips', () => {
  it('prepare, propose (every answer), commit', () => {
    const prep = { height: 2 ** 40, round: 7, validator: 3, signature: sig(5) }
    expect(K.decodePrepareRequest(K.encodePrepareRequest(prep))).toEqual({ ok: true, value: prep })
    for (const p of [
      { kind: 'prepare' as const, promise: promise(1, false), block: null },
      { kind: 'prepare' as const, promise: promise(2, true), block: block(4, 2) },
    ]) {
      expect(K.decodePrepareResponse(K.encodePrepareResponse(p))).toEqual({ ok: true, value: p })
    }
    const prop = { height: 4, round: 2, validator: 2, signature: sig(9), block: block(4, 2), promises: [promise(0, false), promise(1, true), promise(3, false)] }
    expect(K.decodeProposeRequest(K.encodeProposeRequest(prop))).toEqual({ ok: true, value: prop })
    const answers: K.ProposeResponse[] = [
      { kind: 'propose', status: 'voted', validator: 1, signature: sig(3) },
      { kind: 'propose', status: 'locked', validator: 1, headerHash: hash(4), signature: sig(3) },
      { kind: 'propose', status: 'refused', validator: 1, reason: 'not-the-reproposal' },
    ]
    for (const a of answers) expect(K.decodeProposeResponse(K.encodeProposeResponse(a))).toEqual({ ok: true, value: a })
    const commit = { block: block(4, 2), qc: qc(4) }
    expect(K.decodeCommitRequest(K.encodeCommitRequest(commit))).toEqual({ ok: true, value: commit })
    expect(K.decodeCommitResponse(K.encodeCommitResponse({ kind: 'commit', accepted: true }))).toEqual({ ok: true, value: { kind: 'commit', accepted: true } })
  })

  it('blocks and evidence; error answers decode as errors', () => {
    expect(K.decodeBlocksRequest(K.encodeBlocksRequest({ from: 9, count: 64 }))).toEqual({ ok: true, value: { from: 9, count: 64 } })
    const blocks = { kind: 'blocks' as const, blocks: [{ block: block(9, 0), qc: qc(4) }] }
    expect(K.decodeBlocksResponse(BLOCKS.encodeResponse(blocks))).toEqual({ ok: true, value: blocks })
    const ev = { kind: 'evidence' as const, evidence: [{ height: 5, validator: 2, a: { headerHash: hash(1), signature: sig(1) }, b: { headerHash: hash(2), signature: sig(2) } }] }
    expect(K.decodeEvidenceResponse(EVIDENCE.encodeResponse(ev))).toEqual({ ok: true, value: ev })
    expect(K.decodeEvidenceRequest(K.encodeEvidenceRequest({ from: 3 }))).toEqual({ ok: true, value: { from: 3 } })
    const e = { kind: 'error' as const, code: 'unavailable' as const, message: 'behind' }
    expect(PROPOSE.decodeResponse(PROPOSE.encodeResponse(e))).toEqual({ ok: true, value: e })
    expect(PREPARE.decodeResponse(PREPARE.encodeResponse(e))).toEqual({ ok: true, value: e })
  })

  it('refuses an unknown propose status and a wrong message type', () => {
    const bytes = K.encodeProposeResponse({ kind: 'propose', status: 'voted', validator: 1, signature: sig(3) })
    const bad = bytes.slice()
    bad[2] = 9
    expect(K.decodeProposeResponse(bad).ok).toBe(false)
    expect(K.decodePrepareRequest(K.encodeEvidenceRequest({ from: 1 })).ok).toBe(false)
  })
})

describe('caps', () => {
  it('fit a full block with a promise from each of 256 validators, and a full certificate', () => {
    const promises = Array.from({ length: 256 }, (_, i) => promise(i, true))
    const prop = K.encodeProposeRequest({ height: 1, round: 1, validator: 1, signature: sig(1), block: block(1, 1024), promises })
    expect(prop.length).toBeLessThanOrEqual(PROPOSE.maxRequestBytes)
    expect(K.encodePrepareResponse({ kind: 'prepare', promise: promise(1, true), block: block(1, 1024) }).length).toBeLessThanOrEqual(PREPARE.maxResponseBytes)
    expect(K.encodeCommitRequest({ block: block(1, 1024), qc: qc(256) }).length).toBeLessThanOrEqual(COMMIT.maxRequestBytes)
    expect(K.encodePrepareRequest({ height: C.LATEST_HEIGHT, round: 2 ** 32 - 1, validator: 255, signature: sig(1) }).length).toBeLessThanOrEqual(PREPARE.maxRequestBytes)
    expect(K.encodeBlocksRequest({ from: C.LATEST_HEIGHT, count: 65535 }).length).toBeLessThanOrEqual(BLOCKS.maxRequestBytes)
  })

  it('trims a blocks answer to what fits', () => {
    const blocks = Array.from({ length: 64 }, (_, i) => ({ block: block(i + 1, 1024), qc: qc(256) }))
    const bytes = BLOCKS.encodeResponse({ kind: 'blocks', blocks })
    expect(bytes.length).toBeLessThanOrEqual(BLOCKS.maxResponseBytes)
    const d = K.decodeBlocksResponse(bytes)
    if (!d.ok || d.value.kind !== 'blocks') throw new Error('did not decode')
    expect(d.value.blocks.length).toBeGreaterThan(5)
    expect(d.value.blocks.length).toBeLessThan(64)
  })
})

describe('decoders never throw', () => {
  const decoders = {
    prepareRequest: K.decodePrepareRequest,
    prepareResponse: K.decodePrepareResponse,
    proposeRequest: K.decodeProposeRequest,
    proposeResponse: K.decodeProposeResponse,
    commitRequest: K.decodeCommitRequest,
    commitResponse: K.decodeCommitResponse,
    blocksRequest: K.decodeBlocksRequest,
    blocksResponse: K.decodeBlocksResponse,
    evidenceRequest: K.decodeEvidenceRequest,
    evidenceResponse: K.decodeEvidenceResponse,
  }
  it.each(Object.entries(decoders))('%s', (_, decode) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0x20, max: 0x29 }), (tail, type) => {
        for (const bytes of [tail, Uint8Array.of(type, 1, ...tail)]) {
          const d = decode(bytes)
          expect(typeof d.ok).toBe('boolean')
        }
      }),
      { numRuns: 300 },
    )
  })
})
