// A deterministic chain for block-store tests: block h, the accounts it changes, and
// the account state expected after it, so a reopened store can be checked exactly.
import type { Account, Block } from '../../src/core/types.ts'
import { makeAccount, makeBlock } from './fixtures.ts'

export const GENESIS_ACCOUNTS = 10

/** Every third block is empty (no proof needed); the rest carry transfers. */
export function nextBlock(height: number, parent: Block | undefined): Block {
  return makeBlock(height, parent?.header, height === 0 || height % 3 === 0 ? 0 : 2)
}

export function accountChanges(height: number): Map<number, Account> {
  const out = new Map<number, Account>()
  if (height === 0) {
    for (let i = 0; i < GENESIS_ACCOUNTS; i++) out.set(i, makeAccount(i))
    return out
  }
  if (height % 3 === 0) return out
  // Index GENESIS_ACCOUNTS + height is a new account, so undo must delete it again.
  for (const index of [height % GENESIS_ACCOUNTS, GENESIS_ACCOUNTS + height]) out.set(index, makeAccount(height * 100 + index))
  return out
}

export function expectedAccounts(height: number): Map<number, Account> {
  const state = new Map<number, Account>()
  for (let h = 0; h <= height; h++) for (const [i, a] of accountChanges(h)) state.set(i, a)
  return state
}
