// Snapshot chunks of the state tree: the layout, chunks cut from a ledger that verify and
// rebuild it, and one rejection per rule of verifySnapshotChunk (tampered balances and
// siblings among them), plus a property over random account sets.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FIELD_MODULUS, MAX_AMOUNT } from '../../src/core/constants.ts'
import { createLedger, type LedgerState } from '../../src/core/ledger.ts'
import { snapshotChunkOf, snapshotLayout, subtreeRoot, verifySnapshotChunk, type SnapshotAnswer, type SnapshotEntry } from '../../src/core/snapshot.ts'
import type { Account } from '../../src/core/types.ts'

const DEPTH = 8 // the test profile's: L = 4, 16 chunks of 16 leaves
const HEIGHT = 412

function account(seed: number): Account {
  return { pubKey: [BigInt(seed * 2 + 1), BigInt(seed * 2 + 2)], balance: BigInt(seed) * 1000n + 7n, nonce: seed % 5 }
}

function ledgerWith(indices: number[], depth = DEPTH): LedgerState {
  return createLedger(
    9n,
    depth,
    indices.map((index) => ({ index, account: account(index) })),
  )
}

// Chunk 0 holds 0, 1, 5; chunk 2 holds 37; chunk 12 holds 200; chunk 15 holds 255; the rest are empty.
const state = ledgerWith([0, 1, 5, 37, 200, 255])
const root = state.tree.root

function answer(chunk: number, s: LedgerState = state, height = HEIGHT): SnapshotAnswer {
  return { height, chunk, ...snapshotChunkOf(s, chunk) }
}

const target = (chunk: number) => ({ stateRoot: root, depth: DEPTH, height: HEIGHT, chunk })
const verdict = (chunk: number, a: SnapshotAnswer) => {
  const v = verifySnapshotChunk(target(chunk), a)
  return v.ok ? 'ok' : v.reason
}

describe('snapshot layout', () => {
  it('cuts at ceil(D/2), at most level 12', () => {
    expect(snapshotLayout(8)).toEqual({ depth: 8, level: 4, chunkCount: 16, chunkSize: 16 })
    expect(snapshotLayout(16)).toEqual({ depth: 16, level: 8, chunkCount: 256, chunkSize: 256 })
    expect(snapshotLayout(1)).toEqual({ depth: 1, level: 1, chunkCount: 1, chunkSize: 2 })
    expect(snapshotLayout(21)).toMatchObject({ level: 11, chunkCount: 1024 })
    expect(snapshotLayout(32)).toMatchObject({ level: 12, chunkCount: 2 ** 20, chunkSize: 4096 })
    for (const d of [0, 33, 2.5]) expect(() => snapshotLayout(d)).toThrow(RangeError)
  })
})

describe('snapshot chunks', () => {
  it('every chunk verifies against the root, and together they rebuild the state', () => {
    const all: SnapshotEntry[] = []
    for (let c = 0; c < 16; c++) {
      const a = answer(c)
      expect(a.siblings).toHaveLength(DEPTH - 4)
      expect(verdict(c, a)).toBe('ok')
      all.push(...a.accounts)
    }
    expect(all.map((e) => e.index)).toEqual([0, 1, 5, 37, 200, 255])
    expect(answer(3).accounts).toEqual([]) // an empty subtree: no accounts, only siblings
    expect(createLedger(9n, DEPTH, all).tree.root).toBe(root)
  })

  it('computes the subtree root the tree holds', () => {
    // Folding chunk 12's root with its siblings gives the root only if it is the tree's node at (level 4, 12).
    expect(subtreeRoot(4, 12 * 16, answer(12).accounts)).not.toBe(subtreeRoot(4, 12 * 16, []))
    expect(subtreeRoot(4, 3 * 16, [])).toBe(subtreeRoot(4, 0, []))
  })

  it('refuses a chunk that does not exist', () => {
    expect(verifySnapshotChunk(target(16), answer(15))).toEqual({ ok: false, reason: 'chunk-out-of-range' })
    expect(verifySnapshotChunk(target(-1), answer(0))).toEqual({ ok: false, reason: 'chunk-out-of-range' })
    expect(() => snapshotChunkOf(state, 16)).toThrow(RangeError)
  })

  it('refuses an answer for another height or chunk', () => {
    expect(verdict(0, { ...answer(0), height: HEIGHT + 1 })).toBe('wrong-chunk')
    expect(verdict(0, answer(2))).toBe('wrong-chunk')
  })

  it('refuses more accounts than the chunk has leaves', () => {
    const accounts = Array.from({ length: 17 }, (_, i) => ({ index: i, account: account(i) }))
    expect(verdict(0, { ...answer(0), accounts })).toBe('too-many-accounts')
  })

  it('refuses a wrong number of siblings', () => {
    const a = answer(2)
    expect(verdict(2, { ...a, siblings: a.siblings.slice(1) })).toBe('bad-sibling-count')
    expect(verdict(2, { ...a, siblings: [...a.siblings, 0n] })).toBe('bad-sibling-count')
  })

  it('refuses an account outside the chunk, repeated or out of order', () => {
    const a = answer(0)
    expect(verdict(0, { ...a, accounts: [...a.accounts, { index: 37, account: account(37) }] })).toBe('index-outside-chunk')
    expect(verdict(2, { ...answer(2), accounts: [{ index: 31, account: account(31) }] })).toBe('index-outside-chunk')
    expect(verdict(0, { ...a, accounts: [...a.accounts].reverse() })).toBe('not-in-order')
    const [first] = a.accounts as [SnapshotEntry]
    expect(verdict(0, { ...a, accounts: [first, first] })).toBe('not-in-order')
  })

  it('refuses values out of range', () => {
    const a = answer(0)
    const [first, ...rest] = a.accounts as [SnapshotEntry, ...SnapshotEntry[]]
    expect(verdict(0, { ...a, siblings: [FIELD_MODULUS, ...a.siblings.slice(1)] })).toBe('out-of-range')
    expect(verdict(0, { ...a, accounts: [{ index: 0, account: { ...first.account, balance: MAX_AMOUNT + 1n } }, ...rest] })).toBe('out-of-range')
    expect(verdict(0, { ...a, accounts: [{ index: 0, account: { ...first.account, nonce: -1 } }, ...rest] })).toBe('out-of-range')
  })

  it('refuses a tampered balance, a wrong sibling, a dropped or invented account and a stale state', () => {
    const a = answer(12)
    const [acct] = a.accounts as [SnapshotEntry]
    expect(verdict(12, { ...a, accounts: [{ index: acct.index, account: { ...acct.account, balance: acct.account.balance + 1n } }] })).toBe('root-mismatch')
    expect(verdict(12, { ...a, siblings: [a.siblings[0]! + 1n, ...a.siblings.slice(1)] })).toBe('root-mismatch')
    expect(verdict(12, { ...a, siblings: [...a.siblings.slice(0, -1), a.siblings.at(-1)! ^ 1n] })).toBe('root-mismatch')
    expect(verdict(12, { ...a, accounts: [] })).toBe('root-mismatch')
    expect(verdict(3, { ...answer(3), accounts: [{ index: 50, account: account(50) }] })).toBe('root-mismatch')
    // The same chunk of the state one transfer earlier (the account at 200 did not exist yet).
    expect(verdict(12, answer(12, ledgerWith([0, 1, 5, 37, 255])))).toBe('root-mismatch')
    // Another chunk's content moved under this chunk's number: its siblings do not fit.
    expect(verdict(2, { ...answer(3), chunk: 2 })).toBe('root-mismatch')
  })

  it('holds for random account sets at depth 10', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1023 }), { maxLength: 40 }), (indices) => {
        const s = ledgerWith(indices, 10)
        const { chunkCount } = snapshotLayout(10)
        const got: number[] = []
        for (let c = 0; c < chunkCount; c++) {
          const a = { height: 1, chunk: c, ...snapshotChunkOf(s, c) }
          expect(verifySnapshotChunk({ stateRoot: s.tree.root, depth: 10, height: 1, chunk: c }, a)).toEqual({ ok: true })
          got.push(...a.accounts.map((e) => e.index))
        }
        expect(got).toEqual([...indices].sort((x, y) => x - y))
      }),
      { numRuns: 15 },
    )
  })
})
