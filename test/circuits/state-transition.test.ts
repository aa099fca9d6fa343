// The state-transition circuit against the TypeScript ledger: valid batches have a
// witness that satisfies every constraint; each broken rule has none.
import { beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as snarkjs from 'snarkjs'
import { ensureCircuitArtifacts, type CircuitArtifacts } from '../../src/zk/artifacts.ts'
import { PROFILES } from '../../src/zk/profiles.ts'
import { buildWitnessInput, type CircuitInput } from '../../src/zk/witness.ts'
import { verifyTransfer } from '../../src/core/ledger.ts'
import { derivePublicKey, signTransfer } from '../../src/core/transfer.ts'
import { computeTxRoot } from '../../src/core/tx-root.ts'
import { applyAll, makeAccounts, makeLedger, transfer, type TestAccount } from '../helpers/fixture.ts'

const P = PROFILES.test
let art: CircuitArtifacts
let accounts: TestAccount[]
let dir: string

beforeAll(async () => {
  art = await ensureCircuitArtifacts(P, { log: (m) => console.log(`[circuits] ${m}`) })
  accounts = await makeAccounts(6)
  dir = mkdtempSync(join(tmpdir(), 'zklight-wtns-'))
  return () => rmSync(dir, { recursive: true, force: true })
}, 600_000)

let n = 0
/** Computes a witness; resolves to the error text when the circuit refuses the input. */
async function witness(input: CircuitInput): Promise<{ ok: true } | { ok: false; error: string }> {
  const file = join(dir, `w${n++}.wtns`)
  try {
    await snarkjs.wtns.calculate(input, art.wasm, file)
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  }
  // Every constraint of the r1cs must hold for the computed witness.
  expect(await snarkjs.wtns.check(art.r1cs, file)).toBe(true)
  return { ok: true }
}

/** Any field element works as the network's tag: it is a public input, not a circuit constant. */
const TAG = 987654321n

function validBlock(count: 1 | 2, newReceiver = true): { input: CircuitInput; newRoot: bigint } {
  const a = accounts as [TestAccount, TestAccount, TestAccount, TestAccount, TestAccount, TestAccount]
  const state = makeLedger(TAG, P.depth, accounts, 3)
  const ts = [transfer(TAG, a[0], newReceiver ? a[4] : a[1], 1000n, 0), transfer(TAG, a[1], a[2], 25n, 0)].slice(0, count)
  const { oldRoot, steps } = applyAll(state, ts)
  return { input: buildWitnessInput(steps, P, oldRoot, TAG), newRoot: state.tree.root }
}

/** A correctly signed, correctly applied transfer to a new account whose key is `toPubKey` (applyTransfer does not check keys). */
function blockTo(toPubKey: readonly [bigint, bigint]): CircuitInput {
  const a = accounts as TestAccount[]
  const state = makeLedger(TAG, P.depth, accounts, 3)
  const t = signTransfer((a[0] as TestAccount).key, TAG, { from: 0, to: 9, toPubKey, amount: 10n, nonce: 0 })
  const { oldRoot, steps } = applyAll(state, [t])
  return buildWitnessInput(steps, P, oldRoot, TAG)
}

const mutate = (input: CircuitInput, f: (i: Record<string, any>) => void): CircuitInput => {
  const copy = structuredClone(input) as Record<string, any>
  f(copy)
  return copy
}

describe('state transition circuit (test profile)', () => {
  it('accepts a full batch and agrees with the TypeScript roots', async () => {
    const { input, newRoot } = validBlock(2)
    expect(input.newRoot).toBe(newRoot.toString())
    expect(await witness(input)).toEqual({ ok: true })
  })

  it('accepts a partially filled batch with an existing receiver', async () => {
    const { input } = validBlock(1, false)
    expect((input.enabled as string[])[1]).toBe('0')
    expect(await witness(input)).toEqual({ ok: true })
  })

  it('txRoot equals the TypeScript fold', () => {
    const { input } = validBlock(2)
    const a = accounts as TestAccount[]
    const ts = [transfer(TAG, a[0] as TestAccount, a[4] as TestAccount, 1000n, 0), transfer(TAG, a[1] as TestAccount, a[2] as TestAccount, 25n, 0)]
    expect(input.txRoot).toBe(computeTxRoot(TAG, ts).toString())
    expect(input.chainTag).toBe(TAG.toString())
  })

  it('accepts a transfer to a fresh key, and has no witness for one to a key off the curve or of small order', async () => {
    const fresh = derivePublicKey(new Uint8Array(32).fill(42))
    expect(await witness(blockTo(fresh))).toEqual({ ok: true })
    const offCurve = await witness(blockTo([1n, 2n]))
    expect(offCurve.ok).toBe(false)
    const identity = await witness(blockTo([0n, 1n]))
    expect(identity.ok).toBe(false)
    // The ledger refuses both too, so the two agree.
    const state = makeLedger(TAG, P.depth, accounts, 3)
    const signer = (accounts[0] as TestAccount).key
    for (const toPubKey of [
      [1n, 2n],
      [0n, 1n],
    ] as const) {
      expect(verifyTransfer(state, signTransfer(signer, TAG, { from: 0, to: 9, toPubKey, amount: 10n, nonce: 0 }))).toEqual({ ok: false, reason: 'bad-receiver-key' })
    }
  })

  const cases: [string, (i: Record<string, any>) => void][] = [
    ['bad signature', (i) => (i.sigS[0] = (BigInt(i.sigS[0]) + 1n).toString())],
    ['wrong nonce', (i) => (i.nonce[0] = '1')],
    ['overdraft', (i) => (i.amount[0] = (BigInt(i.senderBalance[0]) + 1n).toString())],
    ['amount overflow (>= 2^64)', (i) => (i.amount[0] = (1n << 64n).toString())],
    ['zero amount in an enabled slot', (i) => (i.amount[0] = '0')],
    ['receiver leaf tampered', (i) => (i.receiverSiblings[1][0] = (BigInt(i.receiverSiblings[1][0]) + 1n).toString())],
    ['receiver key differs from its leaf', (i) => (i.toAx[1] = (BigInt(i.toAx[1]) + 1n).toString())],
    ['existing receiver claimed as new', (i) => (i.receiverIsNew[1] = '1')],
    ['no-op slot carrying value', (i) => ((i.enabled[1] = '0'), (i.amount[1] = '5'))],
    ['wrong txRoot', (i) => (i.txRoot = (BigInt(i.txRoot) + 1n).toString())],
    ['wrong newRoot', (i) => (i.newRoot = (BigInt(i.newRoot) + 1n).toString())],
    ['enabled slots not a prefix', (i) => (i.enabled[0] = '0')],
    ['from == to', (i) => (i.to[0] = i.from[0])],
    ['sender balance forged', (i) => (i.senderBalance[0] = (BigInt(i.senderBalance[0]) + 1000n).toString())],
    ["another network's tag (signatures and txRoot were made for this one)", (i) => (i.chainTag = (BigInt(i.chainTag) + 1n).toString())],
  ]
  for (const [name, f] of cases) {
    it(`has no witness for: ${name}`, async () => {
      const { input } = validBlock(2, false)
      const r = await witness(mutate(input, f))
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error).toMatch(/Assert Failed|Error in template/)
    })
  }
})
