// Header hashing and parent/child linkage: the valid case and one negative per LinkReason.
import { describe, expect, it } from 'vitest'
import { sha256 } from '@noble/hashes/sha2.js'
import { encodeHeader, encodeValidatorSet } from '../../src/core/codec.ts'
import { hashHeader, hashValidatorSet, verifyHeaderLink } from '../../src/core/header.ts'
import type { LinkReason } from '../../src/core/types.ts'
import { sampleChild, sampleGenesis, validatorKeys } from '../fixtures/core-samples.ts'

const keys = validatorKeys(4)
const parent = sampleGenesis(keys.set)
const child = sampleChild(parent, 4)

describe('hashes', () => {
  it('hash the full canonical encoding with SHA-256', () => {
    expect(hashHeader(parent)).toEqual(sha256(encodeHeader(parent)))
    expect(hashValidatorSet(keys.set)).toEqual(sha256(encodeValidatorSet(keys.set)))
  })

  it('change with any header field', () => {
    const base = hashHeader(child)
    const variants = [
      { chainId: child.chainId + 1 },
      { height: child.height + 1 },
      { parentHash: new Uint8Array(32) },
      { stateRoot: child.stateRoot + 1n },
      { txRoot: child.txRoot + 1n },
      { timestamp: child.timestamp + 1 },
      { validatorSetHash: new Uint8Array(32) },
      { proposer: child.proposer + 1 },
    ]
    for (const v of variants) expect(hashHeader({ ...child, ...v })).not.toEqual(base)
  })

  it('depend on validator order', () => {
    expect(hashValidatorSet([...keys.set].reverse())).not.toEqual(hashValidatorSet(keys.set))
  })
})

describe('verifyHeaderLink', () => {
  it('accepts a correct child, with or without the validator count', () => {
    expect(verifyHeaderLink(parent, child, 4)).toEqual({ ok: true })
    expect(verifyHeaderLink(parent, child)).toEqual({ ok: true })
    expect(verifyHeaderLink(child, sampleChild(child, 4), 4)).toEqual({ ok: true })
  })

  it('accepts an equal timestamp and the last proposer index', () => {
    expect(verifyHeaderLink(parent, { ...child, timestamp: parent.timestamp, proposer: 3 }, 4)).toEqual({ ok: true })
  })

  const negatives: [LinkReason, Partial<typeof child>][] = [
    ['wrong-chain', { chainId: parent.chainId + 1 }],
    ['height-gap', { height: parent.height + 2 }],
    ['height-gap', { height: parent.height }],
    ['not-linked', { parentHash: new Uint8Array(32) }],
    ['not-linked', { parentHash: hashHeader(child) }],
    ['wrong-validator-set', { validatorSetHash: hashValidatorSet(validatorKeys(4, 'other').set) }],
    ['bad-timestamp', { timestamp: parent.timestamp - 1 }],
    ['bad-proposer', { proposer: 4 }],
  ]
  it.each(negatives)('rejects %s (%o)', (reason, change) => {
    expect(verifyHeaderLink(parent, { ...child, ...change }, 4)).toEqual({ ok: false, reason })
  })

  it('skips the proposer check only when no validator count is given', () => {
    // WARNING (documented on verifyHeaderLink): without the count the index is not checked.
    expect(verifyHeaderLink(parent, { ...child, proposer: 4 })).toEqual({ ok: true })
    expect(verifyHeaderLink(parent, { ...child, proposer: 0 }, 1)).toEqual({ ok: true })
    expect(verifyHeaderLink(parent, { ...child, proposer: 1 }, 1)).toEqual({ ok: false, reason: 'bad-proposer' })
  })

  it('reports the first failing rule in spec order', () => {
    const bad = { ...child, chainId: 99, height: 5, parentHash: new Uint8Array(32), timestamp: 0, proposer: 9 }
    expect(verifyHeaderLink(parent, bad, 4)).toEqual({ ok: false, reason: 'wrong-chain' })
    expect(verifyHeaderLink(parent, { ...bad, chainId: parent.chainId }, 4)).toEqual({ ok: false, reason: 'height-gap' })
  })
})
