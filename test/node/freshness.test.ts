// Freshness against a real ledger node, in-process over libp2p: the node's prover is held
// back, so its validators keep certifying blocks (announced at once, before their proofs)
// while the proven head stays behind a block with a transfer. A light client shows those
// heads as pending, never as verified; it counts them in lagBlocks, and requireFresh with a
// small block bound throws StaleView. Once the proofs land, it verifies the blocks and the
// same requireFresh passes. Real (cached) test-profile proofs: the client verifies them.
import '../../src/polyfill.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { encodeAddress } from '../../src/core/address.ts'
import { silentLogger } from '../../src/core/logger.ts'
import { createLightClient } from '../../src/client/create.ts'
import type { PendingHead } from '../../src/client/head-tracker.ts'
import type { LightClient } from '../../src/client/light-client.ts'
import type { HeadEvent } from '../../src/client/options.ts'
import { chainIdentity } from '../../src/node/chain-spec.ts'
import { startLedgerNode, type LedgerNode } from '../../src/node/ledger-node.ts'
import type { ProverLike } from '../../src/node/prover-pipeline.ts'
import { ensureCircuitArtifacts } from '../../src/zk/artifacts.ts'
import { terminateCurve } from '../../src/zk/curve.ts'
import { transfer, type TestAccount } from '../helpers/fixture.ts'
import { CachedProver } from './helpers/cached-prover.ts'
import { tcpAddr } from './helpers/processes.ts'
import { makeSpec, P, type NodeFixture } from './helpers/spec.ts'
import { until } from './helpers/wire.ts'

/** A real prover whose jobs wait while it is held. */
class HeldProver implements ProverLike {
  private gate: Promise<void> = Promise.resolve()
  private release: (() => void) | undefined

  constructor(private readonly inner: CachedProver) {}

  hold(): void {
    this.gate = new Promise((r) => (this.release = r))
  }

  open(): void {
    this.release?.()
  }

  async prove(input: Record<string, unknown>) {
    await this.gate
    return this.inner.prove(input)
  }

  async close() {
    this.open()
    await this.inner.close()
  }
}

const SMALL = 2

let dir: string
let fx: NodeFixture
let node: LedgerNode
let prover: HeldProver
let client: LightClient
const pendings: PendingHead[] = []
const heads: HeadEvent[] = []

beforeAll(async () => {
  const artifacts = await ensureCircuitArtifacts(P)
  fx = await makeSpec(4, 6, artifacts.vk, 'freshness')
  dir = await mkdtemp(join(tmpdir(), 'zklight-freshness-'))
  prover = new HeldProver(new CachedProver(artifacts))
  node = await startLedgerNode({ dir: join(dir, 'node'), spec: fx.spec, producer: { validatorKeys: fx.validatorKeys, blockTimeMs: 250, prover }, logger: silentLogger })
  client = await createLightClient({
    bootstrap: [tcpAddr(node.multiaddrs())],
    anchor: chainIdentity(fx.spec).anchor,
    verificationKey: artifacts.vk,
    rtc: { iceServers: [] },
    // Only the block bound is under test: the age allowances are far beyond any wait here.
    tuning: { statusIntervalMs: 200, retryMs: 100, staleAfterMs: 600_000 },
  })
  client.on('pending', (p) => pendings.push(p))
  client.on('head', (h) => heads.push(h))
  await client.start()
  // Not whenSynced: with a block every 250 ms a loaded machine may chase the head for a while.
  await until(async () => (client.health().verifiedHeight >= 1 ? true : undefined), 120_000, 'the client to verify a block')
}, 600_000)

afterAll(async () => {
  await client?.stop()
  await node?.stop()
  await terminateCurve()
  if (dir) await rm(dir, { recursive: true, force: true })
}, 60_000)

it('shows certified heads whose proofs lag as pending and refuses to call the view fresh, until the proofs land', async () => {
  const [a, b] = fx.accounts as [TestAccount, TestAccount]
  const address = encodeAddress(a.index, a.pubKey)
  prover.hold()
  expect(await node.submit(transfer(chainIdentity(fx.spec).chainTag, a, b, 5n, 0))).toEqual({ ok: true })
  // The block that holds it, certified and committed; its proof waits.
  const k = await until(
    async () => {
      for (let h = 1; h <= node.chain.head.height; h++) if ((await node.chain.store.getBlock(h))?.transfers.length) return h
      return undefined
    },
    60_000,
    'the transfer in a certified block',
  )

  // Certified heads run ahead of the proven head, and the client hears of them.
  const ahead = await until(async () => pendings.find((p) => p.height >= k + SMALL + 2), 120_000, `a pending head at ${k + SMALL + 2} or above`)
  await until(async () => (client.health().verifiedHeight === k - 1 ? true : undefined), 120_000, `the client verified up to ${k - 1}`)
  expect(node.chain.servedHead.header.height).toBe(k - 1)
  const held = client.health()
  expect(held).toMatchObject({ verifiedHeight: k - 1 })
  expect(held.bestSeenHeight).toBeGreaterThanOrEqual(ahead.height)
  expect(held.lagBlocks).toBe(held.bestSeenHeight - (k - 1))
  // lagMs is the age of the verified state: at least the time between it and the newest head heard of.
  const verifiedAt = (await node.chain.store.getHeader(k - 1))?.timestamp as number
  expect(held.lagMs).toBeGreaterThanOrEqual(ahead.header.timestamp - verifiedAt)
  const stale = await client.requireFresh({ maxLagMs: 600_000, maxLagBlocks: SMALL }).catch((e: unknown) => e)
  expect(stale).toMatchObject({ name: 'StaleView' })
  expect((stale as { lagBlocks: number }).lagBlocks).toBeGreaterThan(SMALL)
  // Pending, never verified: no verified head at or above the unproven block, and the balance is the proven one.
  expect(pendings.every((p) => p.verified === false)).toBe(true)
  expect(heads.filter((h) => h.height >= k)).toEqual([])
  expect(await client.getBalance(address)).toMatchObject({ balance: 1_000_000n, nonce: 0, height: k - 1, verified: true })

  // The chain stops where it is; the proofs catch up.
  await node.producer?.stop()
  const top = node.chain.head.height
  prover.open()
  await until(async () => (node.chain.servedHead.header.height === top ? true : undefined), 300_000, `every block up to ${top} proven`)
  await until(async () => (client.health().verifiedHeight === top ? true : undefined), 120_000, `the client verified up to ${top}`)
  await expect(client.requireFresh({ maxLagMs: 600_000, maxLagBlocks: SMALL })).resolves.toMatchObject({ verifiedHeight: top, lagBlocks: 0, status: 'synced' })
  expect(heads.some((h) => h.height >= k)).toBe(true)
  expect(await client.getBalance(address)).toMatchObject({ balance: 1_000_000n - 5n, nonce: 1, height: top, verified: true })
}, 600_000)
