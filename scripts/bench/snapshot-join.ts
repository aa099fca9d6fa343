// Measures joining by snapshot against replaying: an in-process producer (test profile, real
// proofs cached by witness) runs to --blocks; a node joins by snapshot (twice) and another
// replays from genesis; then the state-size cost at depth 16 for --accounts accounts (serving
// and checking every chunk, rebuilding the tree). Usage:
//   npx tsx scripts/bench/snapshot-join.ts [--blocks 2000] [--accounts 1000]
import '../../src/polyfill.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createLedger } from '../../src/core/ledger.ts'
import { silentLogger } from '../../src/core/logger.ts'
import { poseidon } from '../../src/core/poseidon.ts'
import { snapshotChunkOf, snapshotLayout, verifySnapshotChunk } from '../../src/core/snapshot.ts'
import { encodeSnapshotResponse } from '../../src/net/snapshot-messages.ts'
import { chainIdentity } from '../../src/node/chain-spec.ts'
import { startLedgerNode, type LedgerNode } from '../../src/node/ledger-node.ts'
import { ensureCircuitArtifacts } from '../../src/zk/artifacts.ts'
import { terminateCurve } from '../../src/zk/curve.ts'
import { transfer, type TestAccount } from '../../test/helpers/fixture.ts'
import { CachedProver } from '../../test/node/helpers/cached-prover.ts'
import { tcpAddr } from '../../test/node/helpers/processes.ts'
import { makeSpec, P } from '../../test/node/helpers/spec.ts'
import { until } from '../../test/node/helpers/wire.ts'

const { values } = parseArgs({ options: { blocks: { type: 'string', default: '2000' }, accounts: { type: 'string', default: '1000' } } })
const blocks = Number(values.blocks)
const accounts = Number(values.accounts)

async function chainCost(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'zklight-bench-snapshot-'))
  const nodes: LedgerNode[] = []
  try {
    const artifacts = await ensureCircuitArtifacts(P)
    const fx = await makeSpec(4, 6, artifacts.vk)
    const producer = await startLedgerNode({
      dir: join(dir, 'p'),
      spec: fx.spec,
      producer: { validatorKeys: fx.validatorKeys, blockTimeMs: 10, prover: new CachedProver(artifacts) },
      logger: silentLogger,
    })
    nodes.push(producer)
    const tag = chainIdentity(fx.spec).chainTag
    const acct = (i: number) => fx.accounts[i] as TestAccount
    await Promise.all([transfer(tag, acct(0), acct(4), 500n, 0), transfer(tag, acct(1), acct(5), 700n, 0), transfer(tag, acct(2), acct(4), 300n, 0)].map((t) => producer.submit(t)))
    await until(async () => (producer.chain.head.height >= blocks ? true : undefined), 3_600_000, 'the producer', 200)
    await producer.producer?.stop()
    const H = producer.chain.head.height
    await until(async () => (producer.chain.servedHead.header.height === H ? true : undefined), 600_000, 'every block proven')
    const peers = [tcpAddr(producer.multiaddrs())]
    for (const k of [1, 2]) {
      const t0 = performance.now()
      const node = await startLedgerNode({ dir: join(dir, `snapshot-${k}`), spec: fx.spec, peers, sync: 'snapshot', logger: silentLogger })
      nodes.push(node)
      const s = node.snapshot
      console.log(
        `snapshot join #${k} at ${H}: node started in ${(performance.now() - t0).toFixed(0)} ms; join ${JSON.stringify({ ms: s?.ms, blocks: s?.blocks, proofs: s?.proofs, chunks: s?.chunks, bytes: s?.bytes })}`,
      )
    }
    const t0 = performance.now()
    const replay = await startLedgerNode({ dir: join(dir, 'replay'), spec: fx.spec, peers, sync: 'replay', logger: silentLogger })
    nodes.push(replay)
    await until(async () => (replay.chain.servedHead.header.height >= H ? true : undefined), 3_600_000, 'the replaying node', 50)
    console.log(`replay from genesis to ${H}: ${(performance.now() - t0).toFixed(0)} ms`)
  } finally {
    for (const n of nodes.reverse()) await n.stop()
    await terminateCurve()
    await rm(dir, { recursive: true, force: true })
  }
}

function stateCost(): void {
  let x = 1n
  for (let i = 0; i < 1000; i++) x = poseidon([x, 5n])
  const t0 = performance.now()
  for (let i = 0; i < 5000; i++) x = poseidon([x, 7n])
  console.log(`poseidon, 2 inputs: ${(((performance.now() - t0) / 5000) * 1000).toFixed(0)} µs`)
  const depth = 16
  const entries = Array.from({ length: accounts }, (_, i) => ({ index: (i * 7919) % 2 ** depth, account: { pubKey: [BigInt(i + 1), BigInt(i + 2)] as const, balance: BigInt(i), nonce: 0 } }))
  const t1 = performance.now()
  const state = createLedger(1n, depth, entries)
  const build = performance.now() - t1
  const layout = snapshotLayout(depth)
  let bytes = 0
  const t2 = performance.now()
  for (let c = 0; c < layout.chunkCount; c++) {
    const answer = { height: 1, chunk: c, ...snapshotChunkOf(state, c) }
    bytes += encodeSnapshotResponse(answer).length
    if (!verifySnapshotChunk({ stateRoot: state.tree.root, depth, height: 1, chunk: c }, answer).ok) throw new Error(`chunk ${c} does not verify`)
  }
  const chunks = performance.now() - t2
  console.log(`state of ${accounts} accounts at depth ${depth}: ${layout.chunkCount} chunks, ${bytes} B; serve and check every chunk ${chunks.toFixed(0)} ms; rebuild the tree ${build.toFixed(0)} ms`)
}

stateCost()
await chainCost()
