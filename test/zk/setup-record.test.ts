// The setup class as a pure function of facts, and the transcript hash that pins a
// setup: defined by its text, sensitive to order, names, hashes and the beacon.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import { classifySetup, computeTranscriptHash, describeSetup, parseSetupRecord, setupRecordOf, transcriptText, type SetupTranscript } from '../../src/zk/setup-record.ts'

const h = (c: string, n: number) => c.repeat(n)
const base: SetupTranscript = {
  circuitHash: h('a', 128),
  ptauHash: h('b', 64),
  ptauInsecureDev: false,
  contributions: [
    { index: 1, name: 'alice', hash: h('1', 128) },
    { index: 2, name: 'bob "the builder"', hash: h('2', 128) },
  ],
}
const withBeacon: SetupTranscript = { ...base, contributions: [...base.contributions, { index: 3, name: 'beacon', hash: h('3', 128), beacon: { seed: 'cafe', iterationsExp: 10 } }] }

describe('classifySetup', () => {
  it('is insecure-dev on an insecure ptau, however many contribute', () => {
    for (const contributions of [0, 1, 2, 30]) for (const beacon of [false, true]) expect(classifySetup({ ptauInsecureDev: true, contributions, beacon })).toBe('insecure-dev')
  })
  it('is insecure-dev without a secret contribution (a beacon alone is public)', () => {
    expect(classifySetup({ ptauInsecureDev: false, contributions: 0, beacon: true })).toBe('insecure-dev')
    expect(classifySetup({ ptauInsecureDev: false, contributions: 0, beacon: false })).toBe('insecure-dev')
  })
  it('is single-party with one contribution, with or without a beacon', () => {
    expect(classifySetup({ ptauInsecureDev: false, contributions: 1, beacon: false })).toBe('single-party')
    expect(classifySetup({ ptauInsecureDev: false, contributions: 1, beacon: true })).toBe('single-party')
  })
  it('is ceremony from two contributions on, with or without a beacon', () => {
    for (const contributions of [2, 3, 100]) for (const beacon of [false, true]) expect(classifySetup({ ptauInsecureDev: false, contributions, beacon })).toBe('ceremony')
  })
})

describe('transcript', () => {
  it('is the documented text, and its hash is SHA-256 of that text', () => {
    const text = transcriptText(withBeacon)
    expect(text).toBe(
      [
        'zklight-setup-transcript/1',
        `circuit ${h('a', 128)}`,
        `ptau ${h('b', 64)} insecure-dev=false`,
        `contribution 1 ${h('1', 128)} "alice"`,
        `contribution 2 ${h('2', 128)} "bob \\"the builder\\""`,
        `beacon 3 ${h('3', 128)} cafe 10 "beacon"`,
        '',
      ].join('\n'),
    )
    expect(computeTranscriptHash(withBeacon)).toBe(bytesToHex(sha256(new TextEncoder().encode(text))))
  })
  it('changes with the order, a name, a hash, the beacon and the ptau', () => {
    const hashes = new Set(
      [
        base,
        withBeacon,
        { ...base, contributions: [...base.contributions].reverse() },
        { ...base, contributions: [{ ...base.contributions[0]!, name: 'alicf' }, base.contributions[1]!] },
        { ...base, contributions: [base.contributions[0]!, { ...base.contributions[1]!, hash: h('4', 128) }] },
        { ...base, ptauInsecureDev: true },
        { ...base, ptauHash: h('c', 64) },
      ].map(computeTranscriptHash),
    )
    expect(hashes.size).toBe(7)
  })
})

describe('setup record', () => {
  it('counts secret contributions and the beacon apart', () => {
    const r = setupRecordOf(withBeacon)
    expect(r).toMatchObject({ class: 'ceremony', contributions: 2, beacon: true, ptauInsecureDev: false, ptauHash: h('b', 64) })
    expect(describeSetup(r)).toBe('ceremony(2) + beacon')
    expect(describeSetup(setupRecordOf({ ...base, ptauInsecureDev: true }))).toMatch(/^insecure-dev \(2 contributions; dev powers of tau/)
    expect(setupRecordOf({ ...base, contributions: base.contributions.slice(0, 1) }).class).toBe('single-party')
    expect(setupRecordOf({ ...base, ptauInsecureDev: true }).class).toBe('insecure-dev')
  })
  it('parses what it writes and refuses a record whose class contradicts its facts', () => {
    const r = setupRecordOf(withBeacon)
    expect(parseSetupRecord(JSON.parse(JSON.stringify(r)))).toEqual(r)
    expect(parseSetupRecord({ ...r, class: 'single-party' })).toBeUndefined()
    expect(parseSetupRecord({ ...r, ptauInsecureDev: true })).toBeUndefined()
    expect(parseSetupRecord({ ...r, transcriptHash: 'xyz' })).toBeUndefined()
    expect(parseSetupRecord('ceremony')).toBeUndefined()
  })
})
