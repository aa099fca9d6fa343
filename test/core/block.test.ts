// The one block rule (src/core/block.ts): every reason it returns, the public inputs it
// names, and that it changes neither the block nor the parent state. The client's range
// rule (src/client/rules/range.ts) built on it leaves the served entries untouched.
import { beforeAll, describe, expect, it } from 'vitest'
import { blockPublicInputs, verifyBlock, verifyBodilessBlock, type BlockRules } from '../../src/core/block.ts'
import { PUBLIC_SIGNAL_COUNT } from '../../src/core/constants.ts'
import { hashHeader, hashValidatorSet } from '../../src/core/header.ts'
import { applyBlockTransfers, cloneLedger, type LedgerState } from '../../src/core/ledger.ts'
import { computeTxRoot } from '../../src/core/tx-root.ts'
import type { Block, BlockEntry, Header, Transfer } from '../../src/core/types.ts'
import { checkRange } from '../../src/client/rules/range.ts'
import { makeAccounts, makeLedger, transfer, type TestAccount } from '../helpers/fixture.ts'

const CHAIN = 7
const TAG = 77n
const DEPTH = 4
let accounts: TestAccount[]
let genesis: LedgerState
let parent: Header

beforeAll(async () => {
  accounts = await makeAccounts(4)
  genesis = makeLedger(TAG, DEPTH, accounts, 3)
  parent = {
    chainId: CHAIN,
    height: 0,
    parentHash: new Uint8Array(32),
    stateRoot: genesis.tree.root,
    txRoot: 0n,
    timestamp: 1000,
    validatorSetHash: hashValidatorSet([new Uint8Array(32).fill(1)]),
    proposer: 0,
  }
})

/** The state root after applying `transfers` to genesis (the apply half of the ledger rules). */
function rootAfter(transfers: Transfer[]): bigint {
  const s = cloneLedger(genesis)
  applyBlockTransfers(s, transfers)
  return s.tree.root
}

const rules = (r: Partial<BlockRules> = {}): BlockRules => ({ chainTag: TAG, validatorCount: 1, maxTransfers: 2, checkTxRoot: true, ...r })

describe('verifyBlock', () => {
  it('accepts an empty child and asks for no proof', () => {
    const block: Block = { header: { ...parent, height: 1, parentHash: hashHeader(parent) }, transfers: [] }
    expect(verifyBlock(parent, block, rules())).toEqual({ ok: true, proofInputs: null })
  })

  it('names each rule an empty or linked block breaks', () => {
    const base = { ...parent, height: 1, parentHash: hashHeader(parent) }
    const reason = (h: Partial<Header>, transfers: Transfer[] = []) => {
      const v = verifyBlock(parent, { header: { ...base, ...h }, transfers }, rules())
      return v.ok ? 'ok' : v.reason
    }
    expect(reason({ height: 2 })).toBe('height-gap')
    expect(reason({ parentHash: new Uint8Array(32) })).toBe('not-linked')
    expect(reason({ chainId: CHAIN + 1 })).toBe('wrong-chain')
    expect(reason({ timestamp: parent.timestamp - 1 })).toBe('bad-timestamp')
    expect(reason({ proposer: 1 })).toBe('bad-proposer')
    expect(reason({ stateRoot: parent.stateRoot + 1n })).toBe('state-changed')
    expect(reason({ txRoot: 1n })).toBe('tx-root-mismatch')
    const [a, b, c] = accounts as [TestAccount, TestAccount, TestAccount]
    expect(reason({}, [transfer(TAG, a, b, 1n, 0), transfer(TAG, b, c, 1n, 0), transfer(TAG, c, a, 1n, 0)])).toBe('too-many-transfers')
  })

  it('re-executes transfers against the parent state, names the failing one, and leaves the state alone', () => {
    const [a, b] = accounts as [TestAccount, TestAccount]
    const before = genesis.tree.root
    const replay = [transfer(TAG, a, b, 10n, 0), transfer(TAG, a, b, 10n, 0)] // nonce 0 twice
    const header = { ...parent, height: 1, parentHash: hashHeader(parent), txRoot: computeTxRoot(TAG, replay), stateRoot: 0n }
    expect(verifyBlock(parent, { header, transfers: replay }, rules({ parentState: genesis }))).toEqual({ ok: false, reason: 'bad-nonce', transfer: 1 })
    expect(genesis.tree.root).toBe(before)
    expect(genesis.accounts.get(a.index)?.nonce).toBe(0)
  })

  it('accepts the honest block with the state after it, and refuses a wrong state root', () => {
    const [a, b, c] = accounts as [TestAccount, TestAccount, TestAccount]
    const txs = [transfer(TAG, a, b, 10n, 0), transfer(TAG, b, c, 5n, 0)]
    const header = { ...parent, height: 1, parentHash: hashHeader(parent), txRoot: computeTxRoot(TAG, txs), stateRoot: rootAfter(txs) }
    const v = verifyBlock(parent, { header, transfers: txs }, rules({ parentState: genesis }))
    expect(v.ok && v.proofInputs).toEqual([parent.stateRoot, header.stateRoot, header.txRoot, TAG])
    expect(v.ok && v.state?.tree.root).toBe(header.stateRoot)
    expect(v.ok && v.state?.accounts.get(b.index)?.nonce).toBe(1)
    expect(genesis.accounts.get(b.index)?.nonce).toBe(0)
    const wrong = { ...header, stateRoot: header.stateRoot ^ 1n }
    expect(verifyBlock(parent, { header: wrong, transfers: txs }, rules({ parentState: genesis }))).toEqual({ ok: false, reason: 'state-root-mismatch' })
    // Without the state the rule cannot see the root is wrong: that is the proof's job.
    expect(verifyBlock(parent, { header: wrong, transfers: txs }, rules())).toEqual({ ok: true, proofInputs: [parent.stateRoot, wrong.stateRoot, wrong.txRoot, TAG] })
  })

  it('checks txRoot only when asked', () => {
    const [a, b] = accounts as [TestAccount, TestAccount]
    const block: Block = { header: { ...parent, height: 1, parentHash: hashHeader(parent), txRoot: 12345n, stateRoot: 1n }, transfers: [transfer(TAG, a, b, 1n, 0)] }
    expect(verifyBlock(parent, block, rules())).toMatchObject({ ok: false, reason: 'tx-root-mismatch' })
    expect(verifyBlock(parent, block, rules({ checkTxRoot: false }))).toEqual({ ok: true, proofInputs: [parent.stateRoot, 1n, 12345n, TAG] })
  })

  it('builds exactly PUBLIC_SIGNAL_COUNT public inputs in circuit order', () => {
    const h = { ...parent, height: 1, stateRoot: 5n, txRoot: 6n }
    expect(blockPublicInputs(parent, h, TAG)).toEqual([parent.stateRoot, 5n, 6n, TAG])
    expect(blockPublicInputs(parent, h, TAG)).toHaveLength(PUBLIC_SIGNAL_COUNT)
  })
})

describe('verifyBodilessBlock (a header served without its transfers)', () => {
  it('reads emptiness from txRoot: 0 keeps the state root and needs no proof, anything else needs one', () => {
    const base = { ...parent, height: 1, parentHash: hashHeader(parent) }
    expect(verifyBodilessBlock(parent, base, rules())).toEqual({ ok: true, proofInputs: null })
    expect(verifyBodilessBlock(parent, { ...base, stateRoot: parent.stateRoot + 1n }, rules())).toEqual({ ok: false, reason: 'state-changed' })
    // A non-zero txRoot is a block with transfers: the proof binds it, whatever the body was.
    const full = { ...base, txRoot: 6n, stateRoot: 5n }
    expect(verifyBodilessBlock(parent, full, rules())).toEqual({ ok: true, proofInputs: [parent.stateRoot, 5n, 6n, TAG] })
    // Even one that keeps the state root: a proof must still say the (unseen) transfers lead there.
    expect(verifyBodilessBlock(parent, { ...base, txRoot: 6n }, rules())).toEqual({ ok: true, proofInputs: [parent.stateRoot, parent.stateRoot, 6n, TAG] })
  })

  it('keeps every link rule of the full block rule', () => {
    const base = { ...parent, height: 1, parentHash: hashHeader(parent), txRoot: 6n, stateRoot: 5n }
    const reason = (h: Partial<Header>) => {
      const v = verifyBodilessBlock(parent, { ...base, ...h }, rules())
      return v.ok ? 'ok' : v.reason
    }
    expect(reason({})).toBe('ok')
    expect(reason({ height: 2 })).toBe('height-gap')
    expect(reason({ parentHash: new Uint8Array(32) })).toBe('not-linked')
    expect(reason({ chainId: CHAIN + 1 })).toBe('wrong-chain')
    expect(reason({ timestamp: parent.timestamp - 1 })).toBe('bad-timestamp')
    expect(reason({ proposer: 1 })).toBe('bad-proposer')
    expect(reason({ validatorSetHash: new Uint8Array(32) })).not.toBe('ok')
  })

  it('asks for the same proof as the full rule for the same header', () => {
    const [a, b] = accounts as [TestAccount, TestAccount]
    const txs = [transfer(TAG, a, b, 10n, 0)]
    const header = { ...parent, height: 1, parentHash: hashHeader(parent), txRoot: computeTxRoot(TAG, txs), stateRoot: rootAfter(txs) }
    const full = verifyBlock(parent, { header, transfers: txs }, rules())
    expect(verifyBodilessBlock(parent, header, rules())).toEqual(full)
  })
})

describe('checkRange', () => {
  it('does not modify the entries it checks', () => {
    const [a, b] = accounts as [TestAccount, TestAccount]
    const txs = [transfer(TAG, a, b, 1n, 0)]
    const h1 = { ...parent, height: 1, parentHash: hashHeader(parent), txRoot: computeTxRoot(TAG, txs), stateRoot: 9n }
    const h2 = { ...h1, height: 2, parentHash: hashHeader(h1), txRoot: 0n }
    const entries: BlockEntry[] = [
      { block: { header: h1, transfers: txs }, proof: new Uint8Array(256), qc: null },
      { block: { header: h2, transfers: [] }, proof: new Uint8Array(256), qc: null },
    ]
    const snapshot = JSON.stringify(entries, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? [...v] : v))
    for (const e of entries) Object.freeze(e)
    const v = checkRange(parent, entries, { chainTag: TAG, validatorCount: 1, bodiesFrom: 2 })
    expect(v.ok).toBe(true)
    if (!v.ok) return
    expect(v.value.entries.map((e) => e.bodyVerified)).toEqual([false, true])
    expect(v.value.proofs.map((p) => p.entry)).toEqual([0])
    expect(v.value.entries[1]?.proof).toBeNull() // a proof sent with an empty block is not kept
    expect(JSON.stringify(entries, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? [...x] : x))).toBe(snapshot)
  })
})
