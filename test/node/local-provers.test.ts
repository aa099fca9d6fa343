// The node's in-process provers: a worker thread that dies mid-proof is replaced and its
// block proven by the new one (real snarkjs prover, test profile, proofs verified); and a
// producing node under a load far above its provers' capacity keeps the unproven backlog
// at its limit (which grows with the workers), refuses transfers with `busy`, and keeps
// the proven head's age bounded.
import '../../src/polyfill.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blockPublicInputs } from '../../src/core/block.ts'
import { silentLogger } from '../../src/core/logger.ts'
import { backlogLimit, mempoolBusyAt } from '../../src/node/backlog-policy.ts'
import { chainIdentity } from '../../src/node/chain-spec.ts'
import { startLedgerNode } from '../../src/node/ledger-node.ts'
import { ProvingPipeline } from '../../src/node/prover-pipeline.ts'
import { ensureCircuitArtifacts, type CircuitArtifacts } from '../../src/zk/artifacts.ts'
import { terminateCurve } from '../../src/zk/curve.ts'
import { createNodeVerifierPool } from '../../src/zk/node-verifier.ts'
import { Prover } from '../../src/zk/prover.ts'
import { loadVerificationKey, verifyProof } from '../../src/zk/verifier.ts'
import { transfer, type TestAccount } from '../helpers/fixture.ts'
import { openProducingChain } from './helpers/producing-chain.ts'
import { acceptAllVerifier, FakeProver, makeSpec, P, type NodeFixture } from './helpers/spec.ts'
import { until } from './helpers/wire.ts'

let dir: string
let art: CircuitArtifacts
let fx: NodeFixture
const cleanup: (() => Promise<unknown>)[] = []

beforeAll(async () => {
  art = await ensureCircuitArtifacts(P)
  fx = await makeSpec(4, 6, art.vk)
  dir = await mkdtemp(join(tmpdir(), 'zklight-local-provers-'))
}, 600_000)

afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined)
  await terminateCurve()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('in-process prover workers', () => {
  it('replaces a worker thread that dies mid-proof; its block and the next are proven', async () => {
    const spawned: Prover[] = []
    const verifier = createNodeVerifierPool(fx.spec.vk, 1)
    cleanup.push(() => verifier.close())
    const pc = await openProducingChain(join(dir, 'respawn'), fx, (b, steps, root) => pipeline.enqueue(b.header.height, steps, root))
    cleanup.push(() => pc.chain.close())
    const pipeline = new ProvingPipeline({
      chain: pc.chain,
      profile: P,
      verifier,
      logger: silentLogger,
      workers: 1,
      prover: () => {
        const p = new Prover(art)
        spawned.push(p)
        return p
      },
    })
    cleanup.push(() => pipeline.stop())

    await pc.commit(pc.tx(0, 1, 3n, 0), pc.tx(1, 2, 4n, 0))
    await until(async () => (spawned[0]!.pending > 0 ? true : undefined), 10_000, 'the first worker to take block 1')
    // Kill the thread as a crash would (no clean close): its job fails with ProverError.
    await (spawned[0] as unknown as { worker: Worker }).worker.terminate()
    await until(async () => (pc.chain.provenHeight >= 1 ? true : undefined), 120_000, 'block 1 proven by a new worker')
    expect(spawned.length).toBe(2)
    expect(pipeline.respawns).toBe(1)

    await pc.commit(pc.tx(2, 3, 1n, 0))
    await until(async () => (pc.chain.provenHeight >= 2 ? true : undefined), 120_000, 'block 2 proven')
    expect(spawned.length).toBe(2)
    const vk = await loadVerificationKey(fx.spec.vk)
    for (const h of [1, 2]) {
      const parent = (await pc.chain.store.getHeader(h - 1))!
      const header = (await pc.chain.store.getHeader(h))!
      expect(await verifyProof(vk, (await pc.chain.store.getProof(h))!, blockPublicInputs(parent, header, chainIdentity(fx.spec).chainTag))).toEqual({ ok: true })
    }
  }, 300_000)
})

describe('bounded staleness', () => {
  /**
   * Runs a producing node with `workers` stand-in provers of 1 s a block (2 transfers) and
   * 100 ms blocks, offers ~40 transfers/s (20 times its capacity per worker) for `ms`, and
   * samples backlog, mempool, lag and the proven head's age every 50 ms.
   */
  async function underLoad(workers: number, ms: number) {
    const node = await startLedgerNode({
      dir: join(dir, `load-${workers}`),
      spec: fx.spec,
      producer: { validatorKeys: fx.validatorKeys, blockTimeMs: 100, prover: () => new FakeProver(1000), proveWorkers: workers, verifier: acceptAllVerifier },
      logger: silentLogger,
    })
    cleanup.push(() => node.stop())
    const tag = chainIdentity(fx.spec).chainTag
    const nonces = [0, 0, 0, 0]
    const seen = { maxUnproven: 0, maxMempool: 0, maxLagBlocks: 0, maxAgeMs: 0, accepted: 0, busy: 0, other: new Set<string>() }
    const t0 = Date.now()
    const firstServed = node.chain.servedHead.header.height
    while (Date.now() - t0 < ms) {
      for (let from = 0; from < 4; from++) {
        const r = await node.submit(transfer(tag, fx.accounts[from] as TestAccount, fx.accounts[(from + 1) % 6] as TestAccount, 1n, nonces[from]!))
        if (r.ok) {
          nonces[from]!++
          seen.accepted++
        } else if (r.reason === 'busy') seen.busy++
        else seen.other.add(r.reason)
      }
      for (let i = 0; i < 2; i++) {
        seen.maxUnproven = Math.max(seen.maxUnproven, node.unproven())
        seen.maxMempool = Math.max(seen.maxMempool, node.mempool!.size)
        seen.maxLagBlocks = Math.max(seen.maxLagBlocks, node.chain.head.height - node.chain.servedHead.header.height)
        // Ignore the first seconds: genesis is old by construction.
        if (Date.now() - t0 > 3000) seen.maxAgeMs = Math.max(seen.maxAgeMs, Date.now() - node.chain.servedHead.header.timestamp)
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    const served = node.chain.servedHead.header.height - firstServed
    await node.stop()
    return { ...seen, served, other: [...seen.other] }
  }

  it('keeps the backlog at its limit, says busy, and keeps the proven head recent; more workers, a larger limit', async () => {
    const one = await underLoad(1, 12_000)
    console.log('1 worker under load:', JSON.stringify(one))
    expect(one.other).toEqual([])
    expect(one.maxUnproven).toBe(backlogLimit(1))
    expect(one.maxMempool).toBeLessThanOrEqual(mempoolBusyAt(1, P.batch))
    expect(one.busy).toBeGreaterThan(one.accepted)
    // Age bound: (limit / workers + 1) proving times + a block + slack for a busy machine.
    expect(one.maxAgeMs).toBeLessThan((backlogLimit(1) / 1 + 1) * 1000 + 100 + 2000)
    // The proven head keeps moving (how far depends on how fast this machine cuts blocks).
    expect(one.served).toBeGreaterThan(10)

    const two = await underLoad(2, 8_000)
    console.log('2 workers under load:', JSON.stringify(two))
    // Past one worker's limit, never past two workers' (a busy machine may not fill it in the window).
    expect(two.maxUnproven).toBeGreaterThan(backlogLimit(1))
    expect(two.maxUnproven).toBeLessThanOrEqual(backlogLimit(2))
    expect(two.maxMempool).toBeLessThanOrEqual(mempoolBusyAt(2, P.batch))
    expect(two.maxAgeMs).toBeLessThan((backlogLimit(2) / 2 + 1) * 1000 + 100 + 2000)
    // Twice the workers take (and prove) clearly more transfers a second: about twice as many.
    expect(two.accepted / 8).toBeGreaterThan((1.3 * one.accepted) / 12)
  }, 120_000)
})
