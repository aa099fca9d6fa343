// A follower in front of a dishonest producer, in-process over real libp2p: the producer
// certifies its blocks properly but "proves" them with bytes that are not a valid Groth16
// proof. The follower keeps the valid prefix (empty blocks), refuses the first block whose
// proof fails (proof-malformed: its points are off the curve), ignores that peer from then
// on, and keeps serving what it has.
import '../../src/polyfill.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { hashHeader } from '../../src/core/header.ts'
import { silentLogger } from '../../src/core/logger.ts'
import { STATUS, SUBMIT } from '../../src/net/protocols.ts'
import { chainIdentity } from '../../src/node/chain-spec.ts'
import { startLedgerNode, type LedgerNode } from '../../src/node/ledger-node.ts'
import { ensureCircuitArtifacts } from '../../src/zk/artifacts.ts'
import { terminateCurve } from '../../src/zk/curve.ts'
import { transfer, type TestAccount } from '../helpers/fixture.ts'
import { acceptAllVerifier, FakeProver, makeSpec, P, type NodeFixture } from './helpers/spec.ts'
import { tcpAddr } from './helpers/processes.ts'
import { startWireClient, until, type WireClient } from './helpers/wire.ts'

let dir: string
let fx: NodeFixture
const nodes: LedgerNode[] = []
let wire: WireClient

beforeAll(async () => {
  const artifacts = await ensureCircuitArtifacts(P)
  fx = await makeSpec(4, 6, artifacts.vk)
  dir = await mkdtemp(join(tmpdir(), 'zklight-follower-test-'))
  wire = await startWireClient()
}, 600_000)

afterAll(async () => {
  await wire?.stop()
  for (const n of nodes.reverse()) await n.stop()
  await terminateCurve()
  if (dir) await rm(dir, { recursive: true, force: true })
})

it('refuses a block whose proof does not verify, bans the peer and keeps the valid prefix', async () => {
  const bans: { peer: string; offence: string; detail: string }[] = []
  const producer = await startLedgerNode({
    dir: join(dir, 'producer'),
    spec: fx.spec,
    producer: { validatorKeys: fx.validatorKeys, blockTimeMs: 100, prover: new FakeProver(), verifier: acceptAllVerifier },
    logger: silentLogger,
  })
  nodes.push(producer)
  await until(async () => (producer.chain.head.height >= 3 ? true : undefined), 10_000, 'empty blocks')
  const [a, b] = fx.accounts as [TestAccount, TestAccount]
  expect(await producer.submit(transfer(chainIdentity(fx.spec).chainTag, a, b, 5n, 0))).toEqual({ ok: true })
  const bad = await until(
    async () => {
      const s = await wire.ask(tcpAddr(producer.multiaddrs()), STATUS, {})
      for (let h = 1; h <= s.headHeight; h++) {
        const block = await producer.chain.store.getBlock(h)
        if (block && block.transfers.length > 0) return h
      }
      return undefined
    },
    20_000,
    'the producer to serve its block with a transfer',
  )

  const follower = await startLedgerNode({
    dir: join(dir, 'follower'),
    spec: fx.spec,
    peers: [tcpAddr(producer.multiaddrs())],
    logger: silentLogger,
    onPeerBanned: (peer, offence, detail) => bans.push({ peer, offence, detail }),
  })
  nodes.push(follower)
  await until(async () => (bans.length > 0 ? true : undefined), 30_000, 'the follower to refuse the block')
  expect(follower.chain.head.height).toBe(bad - 1)
  expect(hashHeader(follower.chain.head)).toEqual(hashHeader((await producer.chain.store.getHeader(bad - 1))!))
  // The fake proof's points are not on the curve: refused before any pairing.
  expect(bans).toEqual([{ peer: tcpAddr(producer.multiaddrs()), offence: 'proof-malformed', detail: `block ${bad}` }])
  // It stays up and serves its own valid chain.
  const s = await wire.ask(tcpAddr(follower.multiaddrs()), STATUS, {})
  expect(s.headHeight).toBe(bad - 1)
  // It does not come back for more: the producer is no upstream of it any longer, not even
  // for a valid transfer it would otherwise forward there.
  expect(follower.follower?.isBanned(tcpAddr(producer.multiaddrs()))).toBe(true)
  const next = transfer(chainIdentity(fx.spec).chainTag, b, a, 1n, 0)
  expect(await wire.ask(tcpAddr(follower.multiaddrs()), SUBMIT, { transfer: next })).toEqual({ kind: 'submit', accepted: false, reason: 'no-upstream' })
  expect(follower.chain.head.height).toBe(bad - 1)
  expect(bans).toHaveLength(1)
}, 120_000)
