// Ledger rules as a verify/apply pair (docs/spec.md#transfers): `verify*` returns a
// verdict and changes nothing; `apply*` mutates and cannot fail on verified input.
import { MAX_AMOUNT, MAX_NONCE } from './constants.ts'
import { hashAccount } from './account.ts'
import { StateTree } from './smt.ts'
import { isSpendableKey } from './eddsa.ts'
import { verifyTransferSignature } from './transfer.ts'
import type { Account, AccountProof, Transfer, TransferReason, Verdict } from './types.ts'

export interface LedgerState {
  /** The network's signing tag (src/core/chain.ts chainTagOf): transfers signed for another network fail. */
  chainTag: bigint
  depth: number
  tree: StateTree
  accounts: Map<number, Account>
}

/** What a circuit witness needs about one applied transfer. */
export interface TransferStep {
  transfer: Transfer
  oldRoot: bigint
  sender: { index: number; before: Account; siblings: bigint[] }
  midRoot: bigint
  receiver: { index: number; before: Account | null; siblings: bigint[] }
  newRoot: bigint
}

export function createLedger(chainTag: bigint, depth: number, genesis: readonly { index: number; account: Account }[]): LedgerState {
  const state: LedgerState = { chainTag, depth, tree: new StateTree(depth), accounts: new Map() }
  for (const { index, account } of genesis) {
    if (state.accounts.has(index)) throw new RangeError(`genesis lists account ${index} twice`)
    if (account.balance < 0n || account.balance > MAX_AMOUNT) throw new RangeError(`genesis balance of ${index} is not a u64`)
    state.accounts.set(index, { ...account })
    state.tree.setLeaf(index, hashAccount(account))
  }
  return state
}

export function cloneLedger(state: LedgerState): LedgerState {
  const accounts = new Map<number, Account>()
  for (const [i, a] of state.accounts) accounts.set(i, { ...a })
  return { chainTag: state.chainTag, depth: state.depth, tree: state.tree.clone(), accounts }
}

function samePoint(a: readonly [bigint, bigint], b: readonly [bigint, bigint]): boolean {
  return a[0] === b[0] && a[1] === b[1]
}

/** Checks one transfer against the state, in the rule order of docs/spec.md. */
export function verifyTransfer(state: LedgerState, t: Transfer): Verdict<TransferReason> {
  const size = 2 ** state.depth
  const isIndex = (i: number) => Number.isInteger(i) && i >= 0 && i < size
  if (!isIndex(t.from) || !isIndex(t.to)) return { ok: false, reason: 'index-out-of-range' }
  if (t.from === t.to) return { ok: false, reason: 'self-transfer' }
  const sender = state.accounts.get(t.from)
  if (!sender) return { ok: false, reason: 'unknown-sender' }
  if (!verifyTransferSignature(state.chainTag, t, sender.pubKey)) return { ok: false, reason: 'bad-signature' }
  if (t.nonce !== sender.nonce) return { ok: false, reason: 'bad-nonce' }
  if (t.amount <= 0n || t.amount > MAX_AMOUNT) return { ok: false, reason: 'bad-amount' }
  if (t.amount > sender.balance) return { ok: false, reason: 'insufficient-balance' }
  // A key off the curve or of small order could never sign: funds sent to it would be lost (the circuit checks it too).
  if (!isSpendableKey(t.toPubKey)) return { ok: false, reason: 'bad-receiver-key' }
  const receiver = state.accounts.get(t.to)
  if (receiver && !samePoint(receiver.pubKey, t.toPubKey)) return { ok: false, reason: 'receiver-mismatch' }
  if ((receiver?.balance ?? 0n) + t.amount > MAX_AMOUNT) return { ok: false, reason: 'balance-overflow' }
  if (sender.nonce >= MAX_NONCE) return { ok: false, reason: 'nonce-exhausted' }
  return { ok: true }
}

/** Applies a verified transfer: sender leaf first, then the receiver against the intermediate root. */
export function applyTransfer(state: LedgerState, t: Transfer): TransferStep {
  const oldRoot = state.tree.root
  const sender = state.accounts.get(t.from) as Account
  const senderBefore = { ...sender }
  const senderSiblings = state.tree.siblings(t.from)
  const senderAfter: Account = { pubKey: sender.pubKey, balance: sender.balance - t.amount, nonce: sender.nonce + 1 }
  state.accounts.set(t.from, senderAfter)
  state.tree.setLeaf(t.from, hashAccount(senderAfter))
  const midRoot = state.tree.root

  const receiver = state.accounts.get(t.to)
  const receiverBefore = receiver ? { ...receiver } : null
  const receiverSiblings = state.tree.siblings(t.to)
  const receiverAfter: Account = receiver ? { pubKey: receiver.pubKey, balance: receiver.balance + t.amount, nonce: receiver.nonce } : { pubKey: t.toPubKey, balance: t.amount, nonce: 0 }
  state.accounts.set(t.to, receiverAfter)
  state.tree.setLeaf(t.to, hashAccount(receiverAfter))
  return {
    transfer: t,
    oldRoot,
    sender: { index: t.from, before: senderBefore, siblings: senderSiblings },
    midRoot,
    receiver: { index: t.to, before: receiverBefore, siblings: receiverSiblings },
    newRoot: state.tree.root,
  }
}

export function applyBlockTransfers(state: LedgerState, transfers: readonly Transfer[]): TransferStep[] {
  return transfers.map((t) => applyTransfer(state, t))
}

export function getAccountProof(state: LedgerState, index: number): AccountProof {
  const account = state.accounts.get(index)
  return { index, account: account ? { ...account } : null, siblings: state.tree.siblings(index) }
}
