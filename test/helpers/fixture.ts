// Deterministic keys, ledgers and blocks for tests (fixed seeds, no clock, no randomness).
import { sha256 } from '@noble/hashes/sha2.js'
import { createLedger, applyBlockTransfers, type LedgerState, type TransferStep } from '../../src/core/ledger.ts'
import { derivePublicKey, signTransfer } from '../../src/core/transfer.ts'
import type { Point, Transfer } from '../../src/core/types.ts'

export function seedKey(label: string): Uint8Array {
  return sha256(new TextEncoder().encode(`zklight-test-key:${label}`))
}

export interface TestAccount {
  index: number
  key: Uint8Array
  pubKey: Point
}

export async function makeAccounts(n: number): Promise<TestAccount[]> {
  return Array.from({ length: n }, (_, i) => {
    const key = seedKey(`account-${i}`)
    return { index: i, key, pubKey: derivePublicKey(key) }
  })
}

export function makeLedger(chainTag: bigint, depth: number, accounts: TestAccount[], funded: number, balance = 1_000_000n): LedgerState {
  return createLedger(
    chainTag,
    depth,
    accounts.slice(0, funded).map((a) => ({ index: a.index, account: { pubKey: a.pubKey, balance, nonce: 0 } })),
  )
}

export function transfer(chainTag: bigint, from: TestAccount, to: TestAccount, amount: bigint, nonce: number): Transfer {
  return signTransfer(from.key, chainTag, { from: from.index, to: to.index, toPubKey: to.pubKey, amount, nonce })
}

/** Applies transfers and returns the steps plus the root before them. */
export function applyAll(state: LedgerState, transfers: Transfer[]): { oldRoot: bigint; steps: TransferStep[] } {
  const oldRoot = state.tree.root
  return { oldRoot, steps: applyBlockTransfers(state, transfers) }
}
