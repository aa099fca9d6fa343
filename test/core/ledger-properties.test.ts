// Ledger and state-tree properties: random valid transfers conserve the total
// balance and leave the incremental root equal to a from-scratch rebuild.
import { beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { applyTransfer, createLedger, verifyTransfer, getAccountProof } from '../../src/core/ledger.ts'
import { StateTree, emptyHash, verifyAccountProof } from '../../src/core/smt.ts'
import { hashAccount } from '../../src/core/account.ts'
import { encodeAddress, decodeAddress } from '../../src/core/address.ts'
import { poseidon } from '../../src/core/poseidon.ts'
import { makeAccounts, transfer, type TestAccount } from '../helpers/fixture.ts'

let accounts: TestAccount[]
beforeAll(async () => {
  accounts = await makeAccounts(5)
})

describe('state tree', () => {
  it('an empty tree has root Z[D]', () => {
    expect(new StateTree(8).root).toBe(emptyHash(8))
    expect(emptyHash(1)).toBe(poseidon([0n, 0n]))
  })
  it('proves inclusion and non-inclusion at depth 16', () => {
    const state = createLedger(7n, 16, [{ index: 40000, account: { pubKey: accounts[0]!.pubKey, balance: 9n, nonce: 0 } }])
    expect(verifyAccountProof(state.tree.root, getAccountProof(state, 40000), 16)).toEqual({ ok: true })
    expect(verifyAccountProof(state.tree.root, getAccountProof(state, 3), 16)).toEqual({ ok: true })
    expect(verifyAccountProof(state.tree.root, { ...getAccountProof(state, 3), index: 40000 }, 16)).toEqual({ ok: false, reason: 'root-mismatch' })
  })
})

describe('ledger properties', () => {
  it('conserves balances and matches a rebuilt tree', () => {
    let accepted = 0
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 4 }), fc.nat({ max: 4 }), fc.bigInt({ min: 1n, max: 400n })), { minLength: 1, maxLength: 6 }), (moves) => {
        const state = createLedger(
          5n,
          6,
          accounts.slice(0, 3).map((a) => ({ index: a.index, account: { pubKey: a.pubKey, balance: 500n, nonce: 0 } })),
        )
        for (const [f, t, amount] of moves) {
          const from = accounts[f]!
          const sender = state.accounts.get(from.index)
          const tx = transfer(5n, from, accounts[t]!, amount, sender?.nonce ?? 0)
          // The model: signed with the sender's key at its nonce, so valid exactly when the
          // sender exists, pays someone else and has the amount (3 and 4 exist once paid).
          const valid = sender !== undefined && f !== t && amount <= sender.balance
          expect(verifyTransfer(state, tx).ok, `move ${f} -> ${t}, ${amount}`).toBe(valid)
          if (valid) {
            applyTransfer(state, tx)
            accepted++
          }
        }
        let total = 0n
        const rebuilt = new StateTree(6)
        for (const [i, a] of state.accounts) {
          total += a.balance
          rebuilt.setLeaf(i, hashAccount(a))
        }
        expect(total).toBe(1500n)
        expect(state.tree.root).toBe(rebuilt.root)
      }),
      // The first run is fixed: valid transfers (one to a new account) and each kind of refusal.
      {
        numRuns: 12,
        examples: [
          [
            [
              [0, 3, 100n],
              [3, 1, 40n],
              [1, 1, 5n],
              [4, 0, 1n],
              [2, 0, 501n],
            ],
          ],
        ],
      },
    )
    expect(accepted).toBeGreaterThanOrEqual(2)
  })
})

describe('addresses', () => {
  it('round-trip and catch a one-character typo', () => {
    const a = encodeAddress(12, accounts[1]!.pubKey)
    expect(a.startsWith('zkl1')).toBe(true)
    expect(decodeAddress(a)).toEqual({ ok: true, value: { index: 12, pubKey: accounts[1]!.pubKey } })
    const i = 10
    const typo = a.slice(0, i) + (a[i] === 'q' ? 'p' : 'q') + a.slice(i + 1)
    expect(decodeAddress(typo)).toEqual({ ok: false, reason: 'bad-address' })
    expect(decodeAddress('not an address')).toEqual({ ok: false, reason: 'bad-address' })
  })
})
