// The node's job board in-process (no libp2p, stand-in proofs, a verifier the test
// controls): leases one prover at a time, several jobs at once, expiry hands a job to the
// next prover, every proof is checked (signals, then the verifier) with offences returning
// the job at once, proofs are stored as they arrive but served in height order, inputs are
// rebuilt after a restart, and the backlog limit follows the provers.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blockPublicInputs } from '../../src/core/block.ts'
import { bytesToHex } from '../../src/core/bytes.ts'
import { silentLogger } from '../../src/core/logger.ts'
import { ChainState } from '../../src/node/chain.ts'
import { chainIdentity } from '../../src/node/chain-spec.ts'
import { backlogLimit, mempoolBusyAt } from '../../src/node/backlog-policy.ts'
import { PROVER_ACTIVE_MS } from '../../src/node/constants.ts'
import { leaseMsFor, ProvingJobs, type Lease } from '../../src/node/proving-jobs.ts'
import type { BatchItem, ProofVerifier } from '../../src/zk/proof-verifier.ts'
import { PROFILES } from '../../src/zk/profiles.ts'
import { makeProof } from '../store/fixtures.ts'
import { openProducingChain, type ProducingChain } from './helpers/producing-chain.ts'
import { makeSpec, P, type NodeFixture } from './helpers/spec.ts'

let fx: NodeFixture
let dir: string
let n = 0
const open: ChainState[] = []

beforeAll(async () => {
  fx = await makeSpec()
  dir = await mkdtemp(join(tmpdir(), 'zklight-proving-jobs-'))
})
afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined)
  await rm(dir, { recursive: true, force: true })
})

/** A verifier that refuses the proofs in `bad` and records what it was asked. */
function testVerifier() {
  const bad = new Set<string>()
  const seen: BatchItem[] = []
  const verifier: ProofVerifier = {
    verifyBatch: async (items) => {
      seen.push(...items)
      const refused = items.flatMap((it, i) => (bad.has(bytesToHex(it.proof)) ? [i] : []))
      return refused.length === 0 ? { ok: true } : { ok: false, bad: refused, reasons: refused.map(() => 'proof-invalid' as const) }
    },
    close: async () => {},
  }
  return { verifier, bad, seen }
}

/** The public signals a prover computes from a job's input. */
const signalsOf = (l: Lease) => ['oldRoot', 'newRoot', 'txRoot', 'chainTag'].map((k) => BigInt(l.input[k] as string))

async function setup(leaseMs = 10_000) {
  let now = 1_000_000
  const v = testVerifier()
  const path = join(dir, `chain-${n++}`)
  const pc: ProducingChain = await openProducingChain(path, fx, (b, steps, root) => board.add(b.header.height, steps, root))
  open.push(pc.chain)
  const board = new ProvingJobs({ chain: pc.chain, profile: P, verifier: v.verifier, leaseMs, logger: silentLogger, now: () => now })
  return { ...pc, path, board, ...v, advance: (ms: number) => (now += ms) }
}

describe('job board', () => {
  it('leases the lowest free job to one prover at a time, several at once, and hands an expired lease to the next', async () => {
    const { board, tx, commit, advance } = await setup()
    await commit(tx(0, 1, 1n, 0))
    await commit() // empty: no job
    await commit(tx(0, 1, 1n, 1), tx(1, 2, 1n, 0))
    await commit(tx(0, 1, 1n, 2))
    expect(board.pending).toBe(3)
    const a = (await board.lease('A'))!
    const b = (await board.lease('B'))!
    const a2 = (await board.lease('A'))! // a prover with two workers holds two
    expect([a.height, b.height, a2.height]).toEqual([1, 3, 4])
    expect(a.leaseMs).toBe(10_000)
    expect(await board.lease('C')).toBeUndefined()
    expect(board.leases()).toEqual([
      { height: 1, holder: 'A' },
      { height: 3, holder: 'B' },
      { height: 4, holder: 'A' },
    ])
    advance(9_999)
    expect(await board.lease('C')).toBeUndefined()
    advance(1)
    const c = (await board.lease('C'))!
    expect(c.height).toBe(1)
    expect(c.input).toEqual(a.input)
    // A prover block 1 was never leased to gets nothing in. A's lease ran out and C holds the
    // job now, but A's late proof still counts (the first good proof wins); C's comes too late.
    expect(await board.submit('B', 1, makeProof(1), signalsOf(a))).toEqual({ ok: false, reason: 'not-leased', offence: false })
    expect(await board.submit('A', 1, makeProof(1), signalsOf(a))).toEqual({ ok: true })
    expect(await board.submit('C', 1, makeProof(1), signalsOf(c))).toEqual({ ok: false, reason: 'already-proven', offence: false })
    expect(await board.submit('B', 3, makeProof(3), signalsOf(b))).toEqual({ ok: true })
    expect(board.pending).toBe(1)
    // Both proofs took 10 s from their lease: leases now last twice the slowest recent proof.
    expect(board.leaseMs).toBe(20_000)
    // A worker that died hands its job back at once.
    expect((await board.lease('D'))!).toMatchObject({ height: 4, leaseMs: 20_000 })
    board.release('D', 4)
    expect((await board.lease('E'))!.height).toBe(4)
  })

  it('checks every proof: the block signals, then the verifier; an offence returns the job at once', async () => {
    const { board, tx, commit, chain, bad, seen } = await setup()
    await commit(tx(0, 1, 1n, 0))
    await commit(tx(0, 1, 1n, 1))
    const one = (await board.lease('A'))!
    const two = (await board.lease('B'))!
    // Block 2's signals for block 1: an offence, and block 1 is free again at once.
    expect(await board.submit('A', 1, makeProof(1), signalsOf(two))).toEqual({ ok: false, reason: 'signals-mismatch', offence: true })
    expect(board.leases()).toEqual([{ height: 2, holder: 'B' }])
    expect((await board.lease('C'))!.height).toBe(1)
    // A proof the verifier refuses (the right signals, the wrong proof).
    bad.add(bytesToHex(makeProof(99)))
    expect(await board.submit('C', 1, makeProof(99), signalsOf(one))).toEqual({ ok: false, reason: 'proof-invalid', offence: true })
    expect(await chain.store.getProof(1)).toBeUndefined()
    // The verifier is asked about the block's own public inputs.
    const parent = (await chain.store.getHeader(0))!
    const header = (await chain.store.getHeader(1))!
    expect(seen.at(-1)!.signals).toEqual(blockPublicInputs(parent, header, chainIdentity(fx.spec).chainTag))
    expect((await board.lease('D'))!.height).toBe(1)
    expect(await board.submit('D', 1, makeProof(1), signalsOf(one))).toEqual({ ok: true })
    expect(await chain.store.getProof(1)).toEqual(makeProof(1))
    expect(await board.submit('D', 1, makeProof(1), signalsOf(one))).toEqual({ ok: false, reason: 'already-proven', offence: false })
    expect(await board.submit('D', 77, makeProof(1), signalsOf(one))).toEqual({ ok: false, reason: 'not-leased', offence: false })
    // The proof of block 2 is B's to give.
    expect(await board.submit('D', 2, makeProof(2), signalsOf(two))).toEqual({ ok: false, reason: 'not-leased', offence: false })
    expect(board.releaseAll('B')).toBe(1)
    expect(board.leases()).toEqual([])
  })

  it('stores proofs as they arrive and serves them in height order', async () => {
    const { board, tx, commit, chain } = await setup()
    await commit(tx(0, 1, 1n, 0))
    await commit()
    await commit(tx(0, 1, 1n, 1))
    await commit(tx(0, 1, 1n, 2))
    const leases = [(await board.lease('A'))!, (await board.lease('B'))!, (await board.lease('C'))!]
    const served: number[] = []
    chain.onServed((s) => served.push(s.header.height))
    const give = async (i: number, who: string) => expect(await board.submit(who, leases[i]!.height, makeProof(i), signalsOf(leases[i]!))).toEqual({ ok: true })
    await give(2, 'C') // block 4 first: stored, not served
    expect(await chain.store.getProof(4)).toBeDefined()
    expect([chain.provenHeight, chain.servedHead.header.height]).toEqual([0, 0])
    await give(0, 'A') // block 1: serves 1 and the empty block 2
    expect([chain.provenHeight, chain.servedHead.header.height]).toEqual([2, 2])
    await give(1, 'B') // block 3: serves 3 and the already-proven 4
    expect([chain.provenHeight, chain.servedHead.header.height]).toEqual([4, 4])
    expect(served).toEqual([2, 4])
    expect(board.pending).toBe(0)
  })

  it('rebuilds the witness inputs of blocks left unproven by a restart', async () => {
    // A board that saw the blocks committed holds the inputs built from the applied steps.
    const live = await setup()
    await live.commit(live.tx(0, 1, 5n, 0), live.tx(1, 2, 5n, 0))
    await live.commit(live.tx(2, 3, 5n, 0))
    const built = [(await live.board.lease('A'))!, (await live.board.lease('A'))!]
    // The node stops before either proof; the next run rebuilds both inputs from the store.
    await live.chain.close()
    const chain = await ChainState.open(live.path, fx.spec)
    open.push(chain)
    const again = new ProvingJobs({ chain, profile: P, verifier: testVerifier().verifier, leaseMs: 1000, logger: silentLogger })
    expect(await again.recover()).toBe(2)
    expect(await again.recover()).toBe(0) // already on the board
    const rebuilt = [(await again.lease('B'))!, (await again.lease('B'))!]
    expect(rebuilt.map((l) => l.height)).toEqual([1, 2])
    expect(rebuilt.map((l) => l.input)).toEqual(built.map((l) => l.input))
  })
})

describe('backlog policy', () => {
  it('counts local workers, remote provers seen lately and provers holding leases', async () => {
    const { board, tx, commit, advance } = await setup(60_000)
    board.noteProver('local-0', 1, Infinity)
    board.noteProver('R', 3)
    expect(board.capacity()).toBe(4)
    await commit(tx(0, 1, 1n, 0))
    await board.lease('R')
    advance(PROVER_ACTIVE_MS + 1)
    expect(board.capacity()).toBe(4) // R holds a lease
    board.noteProver('S', 2)
    advance(PROVER_ACTIVE_MS + 1)
    expect(board.capacity()).toBe(4) // S went quiet
    board.releaseAll('R')
    expect(board.capacity()).toBe(1)
  })

  it('grows the backlog limit with the workers (at least 2) and says busy past what one backlog carries', () => {
    expect([0, 1, 2, 3].map(backlogLimit)).toEqual([2, 2, 4, 6])
    expect(mempoolBusyAt(3, 2)).toBe(12)
    expect(mempoolBusyAt(0, 4)).toBe(8)
    // Leases last several expected proving times of a full block.
    expect(leaseMsFor(PROFILES.test)).toBe(32_000)
    expect(leaseMsFor(PROFILES.devnet)).toBe(64_000)
  })
})
