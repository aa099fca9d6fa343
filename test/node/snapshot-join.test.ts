// Joining by snapshot, in-process over real libp2p: a producer with real (cached) test-profile
// proofs runs to a height of several hundred blocks; a new node proves the head's state root
// from genesis (links, certificate, proofs), fetches the state there in verified chunks and
// replays only the blocks after it; peers that serve tampered chunks are banned and the chunks
// fetched from an honest one; a restart resumes from the store; a pinned anchor shortens the
// check; the CLI joins by snapshot by default.
import '../../src/polyfill.ts'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { hashHeader } from '../../src/core/header.ts'
import { silentLogger } from '../../src/core/logger.ts'
import { snapshotLayout, verifySnapshotChunk } from '../../src/core/snapshot.ts'
import { verifyAccountProof } from '../../src/core/smt.ts'
import { derivePublicKey } from '../../src/core/transfer.ts'
import type { Header } from '../../src/core/types.ts'
import { HEADERS, PROOFS, ACCOUNT, STATUS } from '../../src/net/protocols.ts'
import { SNAPSHOT } from '../../src/net/snapshot-messages.ts'
import { ChainState } from '../../src/node/chain.ts'
import { chainIdentity, chainSpecToJson } from '../../src/node/chain-spec.ts'
import { startLedgerNode, type LedgerNode } from '../../src/node/ledger-node.ts'
import { ensureCircuitArtifacts } from '../../src/zk/artifacts.ts'
import { terminateCurve } from '../../src/zk/curve.ts'
import { seedKey, transfer, type TestAccount } from '../helpers/fixture.ts'
import { CachedProver } from './helpers/cached-prover.ts'
import { startHostileProxy } from './helpers/snapshot-proxy.ts'
import { startTamperingProxy } from '../client/helpers/hostile-proxy.ts'
import { killAll, startCli, tcpAddr } from './helpers/processes.ts'
import { makeSpec, P, type NodeFixture } from './helpers/spec.ts'
import { startWireClient, until, type WireClient } from './helpers/wire.ts'

/** The height the producer runs to before anyone joins. */
const TARGET = 400

let dir: string
let fx: NodeFixture
let producer: LedgerNode
let prover: CachedProver
let wire: WireClient
let pAddr: string
let H: number
const nodes: LedgerNode[] = []
const proxies: { stop: () => Promise<void> }[] = []
const appendSpy = vi.spyOn(ChainState.prototype, 'append')

/** Accounts in other chunks than 0 (the test profile's chunks hold 16 leaves each). */
const far = (index: number): TestAccount => {
  const key = seedKey(`snapshot-${index}`)
  return { index, key, pubKey: derivePublicKey(key) }
}
const acct = (i: number) => fx.accounts[i] as TestAccount
const tag = () => chainIdentity(fx.spec).chainTag

/** Heights `node.chain` appended (re-executed and stored) since the spy was installed. */
function appendedBy(node: LedgerNode): number[] {
  return appendSpy.mock.calls.flatMap((args, i) => (appendSpy.mock.contexts[i] === node.chain ? [args[0].header.height] : []))
}

async function header(node: LedgerNode, height: number): Promise<Header> {
  const h = await node.chain.store.getHeader(height)
  if (!h) throw new Error(`no header ${height}`)
  return h
}

beforeAll(async () => {
  const artifacts = await ensureCircuitArtifacts(P)
  fx = await makeSpec(4, 6, artifacts.vk)
  dir = await mkdtemp(join(tmpdir(), 'zklight-snapshot-join-'))
  wire = await startWireClient()
  prover = new CachedProver(artifacts)
  producer = await startLedgerNode({ dir: join(dir, 'producer'), spec: fx.spec, producer: { validatorKeys: fx.validatorKeys, blockTimeMs: 20, prover }, logger: silentLogger })
  pAddr = tcpAddr(producer.multiaddrs())
  // Signed first and submitted in one go, so they land in the same blocks every run (the proof cache keys on the witness).
  const txs = [transfer(tag(), acct(0), far(37), 500n, 0), transfer(tag(), acct(1), far(200), 700n, 0), transfer(tag(), acct(2), acct(4), 300n, 0)]
  for (const r of await Promise.all(txs.map((t) => producer.submit(t)))) expect(r).toEqual({ ok: true })
  await until(async () => (producer.chain.head.height >= TARGET ? true : undefined), 120_000, `the producer at height ${TARGET}`, 100)
  await producer.producer!.stop() // a fixed head while nodes join; started again to show they follow
  H = producer.chain.head.height
  await until(async () => (producer.chain.servedHead.header.height === H ? true : undefined), 120_000, 'every block proven')
}, 600_000)

afterAll(async () => {
  for (const n of nodes.reverse()) await n.stop()
  for (const p of proxies) await p.stop()
  await producer?.stop()
  await wire?.stop()
  await killAll()
  await terminateCurve()
  if (dir) await rm(dir, { recursive: true, force: true })
}, 60_000)

describe('joining by snapshot', () => {
  it('proves the head from genesis, fetches every chunk, stores no block below it and serves from it', async () => {
    const t0 = Date.now()
    const node = await startLedgerNode({ dir: join(dir, 'a'), spec: fx.spec, peers: [pAddr], sync: 'snapshot', logger: silentLogger })
    const startMs = Date.now() - t0
    nodes.push(node)
    const report = node.snapshot!
    expect(report).toBeDefined()
    expect(report.height).toBe(H)
    expect(report.anchorHeight).toBe(0)
    expect(report.blocks).toBe(H) // every header from genesis linked...
    expect(report.proofs).toBe(2) // ...and both non-empty blocks' proofs verified
    expect(report.chunks).toBe(snapshotLayout(P.depth).chunkCount)
    expect(report.accounts).toBe(7) // 6 funded or created in chunk 0, one in chunk 2, one in chunk 12
    expect(report.bans).toEqual([])
    expect(report.servedBy).toEqual({ [pAddr]: 16 })
    console.log(
      `snapshot join at height ${H}: node started in ${startMs} ms (join ${report.ms.total} ms: head ${report.ms.head} of which waiting on the verifier ${report.ms.verifyWait}, chunks ${report.ms.chunks}, store ${report.ms.store}); ` +
        `${report.blocks} blocks / ${report.proofs} proofs checked (${report.bytes.ranges} B), ${report.chunks} chunks (${report.bytes.chunks} B, ${report.accounts} accounts)`,
    )

    // Its state at H is the producer's, checked against H's state root when the chain opened.
    const atH = await header(producer, H)
    expect(hashHeader(node.chain.head)).toEqual(hashHeader(atH))
    expect(node.chain.ledger.tree.root).toBe(atH.stateRoot)
    expect(node.chain.ledger.accounts).toEqual((await producer.chain.readState(H, (s) => new Map(s.ledger.accounts)))!)
    expect(node.chain.baseHeight).toBe(H)
    // No block below H was fetched into the store, let alone re-executed.
    expect(await node.chain.store.getHeader(0)).toEqual(await header(producer, 0))
    for (let h = 1; h < H; h++) expect(await node.chain.store.getBlock(h)).toBeUndefined()
    expect(appendedBy(node)).toEqual([])

    // It serves from H on: status, headers (and genesis), proofs, account proofs and chunks; not-found below.
    const nAddr = tcpAddr(node.multiaddrs())
    expect((await wire.ask(nAddr, STATUS, {})).headHeight).toBe(H)
    expect((await wire.ask(nAddr, HEADERS, { from: 0, count: 5 })).headers.map((e) => e.header.height)).toEqual([0])
    expect(await wire.askRaw(nAddr, HEADERS, { from: H - 1, count: 2 })).toMatchObject({ kind: 'error', code: 'not-found' })
    expect(await wire.askRaw(nAddr, PROOFS, { from: H - 1, count: 2 })).toMatchObject({ kind: 'error', code: 'not-found' })
    expect((await wire.ask(nAddr, PROOFS, { from: H, count: 1 })).entries.map((e) => hashHeader(e.block.header))).toEqual([hashHeader(atH)])
    const a = await wire.ask(nAddr, ACCOUNT, { index: 37, height: H })
    expect(a.accountProof.account?.balance).toBe(500n)
    expect(verifyAccountProof(atH.stateRoot, a.accountProof, P.depth)).toEqual({ ok: true })
    expect(await wire.askRaw(nAddr, ACCOUNT, { index: 37, height: H - 1 })).toMatchObject({ kind: 'error', code: 'not-found' })
    for (const chunk of [0, 2, 12, 15]) {
      const c = await wire.ask(nAddr, SNAPSHOT, { height: H, chunk })
      expect(verifySnapshotChunk({ stateRoot: atH.stateRoot, depth: P.depth, height: H, chunk }, c)).toEqual({ ok: true })
    }
    expect(await wire.askRaw(nAddr, SNAPSHOT, { height: H - 1, chunk: 0 })).toMatchObject({ kind: 'error', code: 'not-found' })
    expect(await wire.askRaw(nAddr, SNAPSHOT, { height: H, chunk: 16 })).toMatchObject({ kind: 'error', code: 'bad-request' })
  }, 120_000)

  it('bans peers that serve tampered chunks (a balance, a sibling) and fetches those chunks from an honest peer', async () => {
    const balance = await startHostileProxy(pAddr, 'chunk-balance')
    const siblings = await startHostileProxy(pAddr, 'chunk-siblings')
    proxies.push(balance, siblings)
    const [bAddr, sAddr] = [tcpAddr(balance.addrs), tcpAddr(siblings.addrs)]
    const banned: { peer: string; offence: string; detail: string }[] = []
    const node = await startLedgerNode({
      dir: join(dir, 'b'),
      spec: fx.spec,
      peers: [bAddr, sAddr, pAddr],
      sync: 'snapshot',
      logger: silentLogger,
      onPeerBanned: (peer, offence, detail) => banned.push({ peer, offence, detail }),
    })
    nodes.push(node)
    const report = node.snapshot!
    expect(balance.lies()).toBeGreaterThan(0)
    expect(siblings.lies()).toBeGreaterThan(0)
    expect(banned.map((b) => [b.peer, b.offence]).sort()).toEqual(
      [
        [bAddr, 'bad-snapshot-chunk'],
        [sAddr, 'bad-snapshot-chunk'],
      ].sort(),
    )
    for (const b of banned) expect(b.detail).toMatch(/^chunk \d+ at \d+: root-mismatch$/)
    expect(report.bans).toEqual(banned)
    expect(report.refetched).toBeGreaterThanOrEqual(2)
    expect(report.servedBy).toEqual({ [pAddr]: 16 }) // every chunk that counted came from the honest peer
    // The follower keeps ignoring them.
    expect([node.follower!.isBanned(bAddr), node.follower!.isBanned(sAddr), node.follower!.isBanned(pAddr)]).toEqual([true, true, false])
    expect(node.chain.ledger.tree.root).toBe((await header(producer, report.height)).stateRoot)
    expect(appendedBy(node)).toEqual([])
  }, 120_000)

  it('bans a peer whose proofs do not verify while it proves the head, and joins without it; with no honest peer the join fails', async () => {
    const bad = await startTamperingProxy(pAddr) // flips a bit of every proof in proofs-by-range answers
    proxies.push({ stop: async () => bad.host.stop() })
    const xAddr = tcpAddr(bad.addrs)
    const node = await startLedgerNode({ dir: join(dir, 'x'), spec: fx.spec, peers: [xAddr, pAddr], sync: 'snapshot', logger: silentLogger })
    nodes.push(node)
    expect(bad.tampered()).toBeGreaterThan(0)
    // Blocks 1..64 (both proofs) went to the first peer; the round failed, was retried without it.
    expect(node.snapshot!.bans).toEqual([{ peer: xAddr, offence: 'proof-invalid', detail: expect.stringMatching(/^block \d+$/) }])
    expect(node.chain.ledger.tree.root).toBe((await header(producer, node.snapshot!.height)).stateRoot)

    const alone = startLedgerNode({ dir: join(dir, 'y'), spec: fx.spec, peers: [xAddr], sync: 'snapshot', logger: silentLogger })
    await expect(alone).rejects.toMatchObject({ name: 'SnapshotJoinFailed', reason: 'no-peers' })
  }, 120_000)

  it('bans a peer whose head certificate fails and one that forges the last header of a range', async () => {
    const cert = await startHostileProxy(pAddr, 'head-certificate')
    const tail = await startHostileProxy(pAddr, 'range-tail')
    proxies.push(cert, tail)
    const [cAddr, tAddr] = [tcpAddr(cert.addrs), tcpAddr(tail.addrs)]
    const node = await startLedgerNode({ dir: join(dir, 'd'), spec: fx.spec, peers: [cAddr, tAddr, pAddr], sync: 'snapshot', logger: silentLogger })
    nodes.push(node)
    expect(cert.lies()).toBeGreaterThan(0)
    expect(tail.lies()).toBeGreaterThan(0)
    expect(node.snapshot!.bans).toEqual([
      { peer: cAddr, offence: 'bad-certificate', detail: `head ${H}: bad-signature` },
      { peer: tAddr, offence: 'bad-certificate', detail: expect.stringMatching(/^wrong-header at height \d+$/) },
    ])
    expect(node.chain.ledger.tree.root).toBe((await header(producer, H)).stateRoot)
  }, 120_000)

  it('then follows new blocks with full checks, re-executing only blocks after the snapshot', async () => {
    producer.producer!.start()
    const t = transfer(tag(), acct(3), far(37), 11n, 0)
    expect(await producer.submit(t)).toEqual({ ok: true })
    for (const node of nodes) {
      await until(async () => ((await node.chain.accountProof(37, Number.MAX_SAFE_INTEGER))?.proof.account?.balance === 511n ? true : undefined), 60_000, 'the transfer on the joined node')
      const appended = appendedBy(node)
      expect(appended[0]).toBe(node.snapshot!.height + 1)
      expect(appended).toEqual(Array.from({ length: appended.length }, (_, i) => node.snapshot!.height + 1 + i))
      const head = node.chain.servedHead.header
      expect(hashHeader(head)).toEqual(hashHeader(await header(producer, head.height)))
    }
  }, 120_000)

  it('resumes from its store on restart, without a snapshot', async () => {
    const a = nodes.shift() as LedgerNode
    const before = a.chain.head.height
    await a.stop()
    const again = await startLedgerNode({ dir: join(dir, 'a'), spec: fx.spec, peers: [pAddr], sync: 'snapshot', logger: silentLogger })
    nodes.unshift(again)
    expect(again.snapshot).toBeUndefined()
    expect(again.chain.baseHeight).toBe(H)
    expect(again.chain.head.height).toBeGreaterThanOrEqual(before)
    await until(async () => (again.chain.head.height > before ? true : undefined), 30_000, 'the restarted node to follow')
  }, 60_000)

  it('proves only the blocks after a pinned anchor', async () => {
    const top = producer.chain.servedHead.header.height
    const anchor = await header(producer, top - 10)
    const node = await startLedgerNode({ dir: join(dir, 'c'), spec: fx.spec, peers: [pAddr], sync: 'snapshot', snapshotAnchor: anchor, logger: silentLogger })
    nodes.push(node)
    const report = node.snapshot!
    expect(report.anchorHeight).toBe(top - 10)
    expect(report.blocks).toBe(report.height - anchor.height)
    expect(report.blocks).toBeLessThan(80)
    expect(node.chain.ledger.tree.root).toBe((await header(producer, report.height)).stateRoot)
  }, 60_000)

  it('is what `zklight node` does on an empty folder', async () => {
    await producer.producer!.stop() // a fixed head again, so the time measured is the join's alone
    const specFile = join(dir, 'genesis.json')
    await writeFile(specFile, chainSpecToJson(fx.spec))
    const cli = await startCli(['node', '--dir', join(dir, 'cli'), '--peer', pAddr, '--genesis', specFile], 120_000)
    try {
      const s = cli.ready.snapshot as { height: number; chunks: number; blocks: number; bytes: number; ms: number }
      expect(s.chunks).toBe(16)
      expect(s.height).toBeGreaterThanOrEqual(H)
      expect(s.blocks).toBe(s.height)
      expect(cli.ready.head).toBeGreaterThanOrEqual(s.height)
      console.log(`zklight node: joined by snapshot at ${s.height} in ${s.ms} ms (${s.bytes} B)\n${cli.log()}`)
    } finally {
      await cli.stop()
    }
  }, 180_000)
})
