// The node's parts in-process, without libp2p or real proofs: mempool rejection reasons,
// validator refusals, and block production through chain state and the proving pipeline
// (served head held back until proofs exist, recovery of unproven blocks after a restart,
// no proof stored whose public signals are not the block's).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashHeader } from '../../src/core/header.ts'
import { silentLogger } from '../../src/core/logger.ts'
import { applyBlockTransfers, cloneLedger } from '../../src/core/ledger.ts'
import { verifyQuorumCertificate } from '../../src/core/quorum.ts'
import { verifyAccountProof } from '../../src/core/smt.ts'
import type { Block, Transfer } from '../../src/core/types.ts'
import { LATEST_HEIGHT } from '../../src/net/constants.ts'
import { ChainState } from '../../src/node/chain.ts'
import { chainIdentity, genesisLedger, genesisHeader } from '../../src/node/chain-spec.ts'
import { Mempool } from '../../src/node/mempool.ts'
import { BlockProducer } from '../../src/node/producer.ts'
import { ProvingPipeline } from '../../src/node/prover-pipeline.ts'
import { Validator } from '../../src/node/validator.ts'
import { transfer, type TestAccount } from '../helpers/fixture.ts'
import { acceptAllVerifier, FakeProver, makeSpec, P, type NodeFixture } from './helpers/spec.ts'
import { until } from './helpers/wire.ts'

let fx: NodeFixture
let dir: string
const acct = (i: number) => fx.accounts[i] as TestAccount
const tx = (from: number, to: number, amount: bigint, nonce: number): Transfer => transfer(chainIdentity(fx.spec).chainTag, acct(from), acct(to), amount, nonce)

beforeAll(async () => {
  fx = await makeSpec()
  dir = await mkdtemp(join(tmpdir(), 'zklight-node-parts-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('mempool', () => {
  it('queues valid transfers and refuses each broken rule with its reason', () => {
    const pool = new Mempool(genesisLedger(fx.spec), 3)
    expect(pool.add(tx(0, 1, 600_000n, 0))).toEqual({ ok: true })
    expect(pool.add(tx(0, 1, 600_000n, 0))).toEqual({ ok: false, reason: 'duplicate' })
    // Same sender nonce, other content: the queued one already used that nonce.
    expect(pool.add(tx(0, 2, 5n, 0))).toEqual({ ok: false, reason: 'bad-nonce' })
    // Checked against the state with the queued transfer applied.
    expect(pool.add(tx(0, 1, 600_000n, 1))).toEqual({ ok: false, reason: 'insufficient-balance' })
    expect(pool.add(tx(5, 1, 1n, 0))).toEqual({ ok: false, reason: 'unknown-sender' })
    const forged = { ...tx(1, 2, 10n, 0), amount: 11n }
    expect(pool.add(forged)).toEqual({ ok: false, reason: 'bad-signature' })
    expect(pool.add(tx(1, 1, 10n, 0))).toEqual({ ok: false, reason: 'self-transfer' })
    expect(pool.add(tx(1, 2, 10n, 0))).toEqual({ ok: true })
    expect(pool.add(tx(2, 3, 10n, 0))).toEqual({ ok: true })
    expect(pool.add(tx(3, 0, 10n, 0))).toEqual({ ok: false, reason: 'mempool-full' })
    expect(pool.pendingAccount(0)?.nonce).toBe(1)
  })

  it('drops committed transfers and re-checks the rest when a block was not its prefix', () => {
    const head = genesisLedger(fx.spec)
    const pool = new Mempool(head)
    const a = tx(0, 1, 10n, 0)
    const b = tx(0, 1, 10n, 1)
    const c = tx(1, 2, 10n, 0)
    for (const t of [a, b, c]) expect(pool.add(t).ok).toBe(true)
    // A block (from elsewhere) that used sender 1's nonce 0 for something else.
    const other = tx(1, 3, 7n, 0)
    const after = cloneLedger(head)
    applyBlockTransfers(after, [a, other])
    pool.committed([a, other], after)
    expect(pool.peek(10)).toEqual([b])
  })
})

describe('validator', () => {
  const rules = () => {
    const id = chainIdentity(fx.spec)
    return { chainId: id.chainId, chainTag: id.chainTag, genesisHash: id.genesisHash, batch: P.batch, validatorCount: 4 }
  }

  function proposal(transfers: Transfer[], edit: Partial<Block['header']> = {}): { parent: Block['header']; block: Block } {
    const parent = genesisHeader(fx.spec)
    // Same root and txRoot 0 unless edited: a valid empty block, or the first check a transfer fails.
    return { parent, block: { header: { ...parent, height: 1, parentHash: hashHeader(parent), proposer: 1, ...edit }, transfers } }
  }

  it('signs a valid empty block and refuses each broken rule', () => {
    const v = new Validator(2, fx.validatorKeys[2] as Uint8Array, rules())
    const state = genesisLedger(fx.spec)
    const now = fx.spec.genesisTime + 1000
    const ok = proposal([])
    const review = v.review(ok.parent, state, ok.block, now)
    expect(review.ok).toBe(true)
    const refused = (p: ReturnType<typeof proposal>, t = now) => {
      const r = v.review(p.parent, state, p.block, t)
      return r.ok ? 'signed' : r.reason
    }
    expect(refused(proposal([], { proposer: 2 }))).toBe('wrong-proposer')
    expect(refused(proposal([], { proposer: 9 }))).toBe('bad-proposer')
    expect(refused(proposal([], { parentHash: new Uint8Array(32) }))).toBe('not-linked')
    expect(refused(proposal([], { height: 2 }))).toBe('height-gap')
    expect(refused(proposal([], { stateRoot: 5n }))).toBe('state-changed')
    expect(refused(proposal([], { txRoot: 5n }))).toBe('tx-root-mismatch')
    expect(refused(proposal([], { timestamp: now + 60_000 }))).toBe('future-timestamp')
    expect(refused(proposal([tx(0, 1, 5n, 0), tx(1, 2, 5n, 0), tx(2, 3, 5n, 0)]))).toBe('too-many-transfers')
    expect(refused(proposal([tx(0, 1, 5n, 3)]))).toBe('bad-nonce')
    expect(refused(proposal([tx(0, 1, 5n, 0)]))).toBe('tx-root-mismatch')
  })
})

describe('producer, chain state and proving pipeline', () => {
  it('serves blocks only once proven, answers past account proofs, and re-proves after a restart', async () => {
    const blocks = join(dir, 'chain')
    let chain = await ChainState.open(blocks, fx.spec)
    const prover = new FakeProver()
    prover.hold()
    let pipeline = new ProvingPipeline({ chain, prover, profile: P, verifier: acceptAllVerifier, logger: silentLogger })
    const validators = fx.validatorKeys.map(
      (k, i) =>
        new Validator(i, k, { chainId: chainIdentity(fx.spec).chainId, chainTag: chainIdentity(fx.spec).chainTag, genesisHash: chainIdentity(fx.spec).genesisHash, batch: P.batch, validatorCount: 4 }),
    )
    const mempool = new Mempool(chain.ledger)
    const producer = new BlockProducer({
      chain,
      mempool,
      validators,
      blockTimeMs: 1000,
      unproven: () => pipeline.pending,
      onBlock: (b, steps, root) => pipeline.enqueue(b.header.height, steps, root),
      logger: silentLogger,
      now: () => fx.spec.genesisTime + 1000,
    })
    for (const t of [tx(0, 1, 100n, 0), tx(0, 4, 50n, 1), tx(1, 2, 7n, 0)]) expect(mempool.add(t).ok).toBe(true)

    const b1 = await producer.produce()
    const b2 = await producer.produce()
    const b3 = await producer.produce() // two blocks wait for proofs: this one is cut empty
    expect([b1, b2, b3].map((b) => b?.transfers.length)).toEqual([2, 1, 0])
    expect(mempool.size).toBe(0)
    for (const b of [b1, b2, b3]) {
      expect(b!.header.proposer).toBe(b!.header.height % 4)
      const qc = (await chain.store.getQc(b!.header.height))!
      expect(verifyQuorumCertificate(b!.header, qc, fx.spec.validators, chainIdentity(fx.spec).genesisHash)).toEqual({ ok: true })
    }
    expect(chain.head.height).toBe(3)
    expect(chain.servedHead.header.height).toBe(0) // nothing proven yet: light clients see genesis
    expect(await chain.accountProof(0, 1)).toBeUndefined()

    const served = new Promise<number>((resolve) => chain.onServed((s) => s.header.height === 3 && resolve(3)))
    prover.open()
    expect(await served).toBe(3)
    const latest = (await chain.accountProof(4, LATEST_HEIGHT))!
    expect(latest.proof.account?.balance).toBe(50n)
    expect(verifyAccountProof(latest.header.stateRoot, latest.proof, P.depth)).toEqual({ ok: true })
    const past = (await chain.accountProof(2, 1))!
    expect(past.header.height).toBe(1)
    expect(past.proof.account?.balance).toBe(1_000_000n) // receives 7 only in block 2
    expect(verifyAccountProof(past.header.stateRoot, past.proof, P.depth)).toEqual({ ok: true })
    const before = (await chain.accountProof(4, 0))!
    expect(before.proof.account).toBeNull() // created in block 1: a non-inclusion proof at genesis
    expect(verifyAccountProof(before.header.stateRoot, before.proof, P.depth)).toEqual({ ok: true })
    expect((await chain.accountProof(2, LATEST_HEIGHT))!.proof.account?.balance).toBe(1_000_007n)

    // A block whose proof never gets written (the process dies while proving).
    prover.hold()
    expect(mempool.add(tx(2, 3, 1n, 0)).ok).toBe(true)
    const b4 = await producer.produce()
    expect(b4?.transfers.length).toBe(1)
    await producer.stop()
    await pipeline.stop()
    await chain.close()

    chain = await ChainState.open(blocks, fx.spec)
    expect(chain.head.height).toBe(4)
    expect(hashHeader(chain.head)).toEqual(hashHeader(b4!.header))
    expect(chain.servedHead.header.height).toBe(3)
    expect(chain.ledger.tree.root).toBe(b4!.header.stateRoot)
    const again = new FakeProver()
    pipeline = new ProvingPipeline({ chain, prover: again, profile: P, verifier: acceptAllVerifier, logger: silentLogger })
    const done = new Promise<void>((resolve) => chain.onServed((s) => s.header.height === 4 && resolve()))
    expect(await pipeline.recover()).toBe(1)
    await done
    expect(chain.provenHeight).toBe(4)
    await pipeline.stop()
    await chain.close()
  })

  it("stores no proof whose public signals are not the block's: the worker is replaced and backs off instead", async () => {
    const chain = await ChainState.open(join(dir, 'lying-prover'), fx.spec)
    // A prover (or worker) that answers for another state transition.
    const honest = new FakeProver()
    const liar = {
      prove: async (input: Record<string, unknown>) => {
        const r = await honest.prove(input)
        return { ...r, publicSignals: r.publicSignals.map((s, i) => (i === 1 ? s + 1n : s)) }
      },
      close: async () => {},
    }
    const pipeline = new ProvingPipeline({ chain, prover: liar, profile: P, verifier: acceptAllVerifier, logger: silentLogger })
    const { chainId, chainTag, genesisHash } = chainIdentity(fx.spec)
    const validators = fx.validatorKeys.map((k, i) => new Validator(i, k, { chainId, chainTag, genesisHash, batch: P.batch, validatorCount: 4 }))
    const mempool = new Mempool(chain.ledger)
    const producer = new BlockProducer({
      chain,
      mempool,
      validators,
      blockTimeMs: 1000,
      unproven: () => pipeline.pending,
      onBlock: (b, steps, root) => pipeline.enqueue(b.header.height, steps, root),
      logger: silentLogger,
      now: () => fx.spec.genesisTime + 1000,
    })
    expect(mempool.add(tx(0, 1, 100n, 0)).ok).toBe(true)
    const b1 = await producer.produce()
    expect(b1?.transfers.length).toBe(1)
    await until(async () => pipeline.error, 5000, 'the proof to be refused')
    expect(pipeline.error).toMatchObject({ name: 'BadProof' })
    expect(await chain.store.getProof(1)).toBeUndefined()
    expect(chain.provenHeight).toBe(0)
    expect(chain.servedHead.header.height).toBe(0)
    await producer.stop()
    await pipeline.stop()
    await chain.close()
  })

  it('refuses to open a store that holds another chain', async () => {
    const other = await makeSpec(3)
    await expect(ChainState.open(join(dir, 'chain'), other.spec)).rejects.toMatchObject({ name: 'ChainMismatch' })
  })
})
