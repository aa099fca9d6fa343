// Light-client sync over in-memory peers serving a real chain (real Groth16 proofs,
// real certificates): cold sync, resume from a stored checkpoint, a corrupt stored
// record, gossiped heads shown as pending, and one light client syncing from another.
import { describe, expect, it, vi } from 'vitest'
import { blockPublicInputs } from '../../src/core/block.ts'
import { bytesToHex } from '../../src/core/bytes.ts'
import { checkpointFromHeader } from '../../src/core/checkpoint.ts'
import { hashHeader } from '../../src/core/header.ts'
import { MemoryCheckpointStore } from '../../src/store/checkpoint-store.ts'
import { PROOFS, toBytesHandler } from '../../src/net/protocols.ts'
import { HEADER_PROOFS } from '../../src/net/header-proofs-messages.ts'
import type { ServeHandler } from '../../src/client/network.ts'
import { createWireClient } from '../../src/client/wire-client.ts'
import { PROTOCOL } from '../../src/net/constants.ts'
import { decodeHeadAnnouncement } from '../../src/net/messages.ts'
import { createServeHandlers } from '../../src/client/serve-source.ts'
import type { PendingHead } from '../../src/client/head-tracker.ts'
import type { LightClient } from '../../src/client/light-client.ts'
import type { VerifiedBlock } from '../../src/client/verified-chain.ts'
import type { BlockEntry } from '../../src/core/types.ts'
import { announce, createFakeNode } from './helpers/fake-node.ts'
import { recordAt, until, untilHeight, useClientFixture, waitUntil } from './helpers/harness.ts'
import { MemoryHub } from './helpers/memory-net.ts'
import { CHAIN_PLAN } from './helpers/plan.ts'

const fx = useClientFixture()
const TIP = CHAIN_PLAN.length
const provenIn = (from: number, to: number) => fx.chain.entries.slice(from, to + 1).filter((e) => e.proof !== null).length

const start = (opts: Parameters<typeof fx.start>[0]) => fx.start(opts)
/** The blocks a client holds, for tests that look at what it verified and keeps. */
const chainOf = (client: LightClient) => (client as unknown as { chain: { block(h: number): VerifiedBlock | undefined } }).chain
/** A wire client on a new endpoint linked to `id` only: asks it what any peer could. */
function probeOf(hub: MemoryHub, id: string) {
  hub.connect('probe', id)
  return createWireClient((peer, protocol, bytes, opts) => hub.request('probe', peer, protocol, bytes, opts))
}

describe('cold sync', () => {
  it('checks transfers only near the target: an old body is neither trusted, served nor a reason to ban', async () => {
    const old = fx.chain.entries.findIndex((e, h) => h > 0 && e.proof !== null)
    expect(old).toBeLessThan(TIP - 2)
    const hub = new MemoryHub()
    // The peer changes the transfers of an old block: its header, proof and certificate stay valid.
    const tamper = (es: BlockEntry[]) =>
      es.map((e) => (e.block.header.height === old ? { ...e, block: { ...e.block, transfers: e.block.transfers.map((t) => ({ ...t, amount: t.amount + 1n })) } } : e))
    hub.setHandlers('node', createFakeNode(fx.chain, { proofs: tamper }).handlers)
    const { client, banned } = await start({ hub, peers: ['node'], tuning: { bodyWindow: 2 } })
    await untilHeight(client, TIP)
    expect(banned).toEqual([])
    const verified = (client as unknown as { chain: { certifiedRange(f: number, c: number): unknown[]; block(h: number): VerifiedBlock | undefined } }).chain
    expect(verified.block(old)?.bodyVerified).toBe(false)
    expect(verified.certifiedRange(old, 1)).toEqual([]) // never served to another light client
    expect(verified.block(TIP)?.bodyVerified).toBe(true)
  })

  it('verifies every proof from genesis to the advertised head and saves a checkpoint', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const store = new MemoryCheckpointStore({ chainId: fx.chain.chainId, genesisHash: fx.chain.genesisHash })
    const { client, verifier, heads } = await start({ hub, peers: ['node'], store })
    await untilHeight(client, TIP)
    expect(verifier.checked).toHaveLength(provenIn(1, TIP))
    // Each proof was checked against the block's public inputs.
    const signals = verifier.checked.map((i) => i.signals.map(String).join(','))
    for (let h = 1; h <= TIP; h++) {
      const e = fx.chain.entries[h] as BlockEntry
      if (!e.proof) continue
      const parent = (fx.chain.entries[h - 1] as BlockEntry).block.header
      expect(signals).toContain(blockPublicInputs(parent, e.block.header, fx.chain.chainTag).join(','))
    }
    expect(heads).toEqual([...heads].sort((a, b) => a - b))
    expect(heads.at(-1)).toBe(TIP)
    await client.stop()
    const saved = await store.load()
    expect(saved.record?.checkpoint.height).toBe(TIP)
    expect(bytesToHex(saved.record?.checkpoint.headerHash ?? new Uint8Array())).toBe(bytesToHex(hashHeader((fx.chain.entries[TIP] as BlockEntry).block.header)))
    // The record carries the header and the certificate that make it checkable on the next start.
    expect(saved.record?.header).toEqual((fx.chain.entries[TIP] as BlockEntry).block.header)
    expect(saved.record?.qc).toEqual((fx.chain.entries[TIP] as BlockEntry).qc)
  })

  it('fetches ranges from several peers at once', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('a', createFakeNode(fx.chain).handlers)
    hub.setHandlers('b', createFakeNode(fx.chain).handlers)
    const { client } = await start({ hub, peers: ['a', 'b'] })
    await untilHeight(client, TIP)
    const askedFor = new Set(hub.log.filter((r) => r.protocol === PROOFS.id).map((r) => r.to))
    expect(askedFor).toEqual(new Set(['a', 'b']))
    expect(client.health().status === 'synced' || client.health().lagBlocks === 0).toBe(true)
  })

  it('checks the certificates on the ranges it syncs through WebCrypto (off the page thread in a browser)', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify')
    try {
      // Ranges of 4: three of them to TIP = 12, each ended by a certificate of 3 votes.
      const { client } = await start({ hub, peers: ['node'], tuning: { chunk: 4 } })
      await untilHeight(client, TIP)
      expect(verify.mock.calls.length).toBeGreaterThanOrEqual(3 * Math.ceil(TIP / 4))
    } finally {
      verify.mockRestore()
    }
  })
})

describe('resume', () => {
  it('resumes from the stored checkpoint and verifies only the delta', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const store = new MemoryCheckpointStore({ chainId: fx.chain.chainId, genesisHash: fx.chain.genesisHash })
    const from = 6
    await store.save(recordAt(fx.chain, from))
    const { client, verifier, heads } = await start({ hub, peers: ['node'], store })
    expect(client.startPoint.source).toBe('store')
    await untilHeight(client, TIP)
    expect(verifier.checked).toHaveLength(provenIn(from + 1, TIP))
    expect(Math.min(...heads)).toBeGreaterThan(from)
  })

  it('ignores a corrupt stored record, reports it, and syncs from the pinned checkpoint', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const store = new MemoryCheckpointStore({ chainId: fx.chain.chainId, genesisHash: fx.chain.genesisHash })
    await store.save(recordAt(fx.chain, 8))
    const record = store.cell.record as Uint8Array
    record[40] = (record[40] as number) ^ 0xff
    const { client, verifier } = await start({ hub, peers: ['node'], store })
    expect(client.startPoint.source).toBe('pinned')
    expect(client.startPoint.problem).toBe('bad-checksum')
    await untilHeight(client, TIP)
    expect(verifier.checked).toHaveLength(provenIn(1, TIP))
  })

  it('ignores a stored checkpoint of another validator set', async () => {
    const store = new MemoryCheckpointStore({ chainId: fx.chain.chainId, genesisHash: fx.chain.genesisHash })
    const real = recordAt(fx.chain, 8)
    await store.save({ ...real, checkpoint: { ...real.checkpoint, validatorSet: [new Uint8Array(32).fill(7)] } })
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const { client } = await start({ hub, peers: ['node'], store })
    expect(client.startPoint).toMatchObject({ source: 'pinned', problem: 'foreign-validator-set' })
    await untilHeight(client, TIP)
    await client.stop()
    // The foreign record (height 8) was replaced even though it claimed a height: nothing of it is kept.
    expect((await store.load()).record?.checkpoint.validatorSet).toEqual(fx.chain.set)
  })

  it('ignores a well-sealed record whose checkpoint was forged, and bans no honest peer', async () => {
    // What a same-origin script can write: a record with a valid checksum, a height far
    // ahead and a state root of its choosing. Its header/certificate cannot be forged.
    const store = new MemoryCheckpointStore({ chainId: fx.chain.chainId, genesisHash: fx.chain.genesisHash })
    const real = recordAt(fx.chain, 8)
    const forgedHeader = { ...real.header, height: 1_000_000, stateRoot: 12345n }
    const forged = { checkpoint: checkpointFromHeader(forgedHeader, fx.chain.set, fx.chain.genesisHash), header: forgedHeader, qc: real.qc }
    await store.save(forged)
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const { client, banned } = await start({ hub, peers: ['node'], store })
    expect(client.startPoint).toMatchObject({ source: 'pinned', problem: 'unverified:wrong-header' })
    await untilHeight(client, TIP)
    expect(banned).toEqual([])
    // A record certified by too few validators is refused the same way.
    const weak = { ...real, qc: { ...(real.qc as NonNullable<typeof real.qc>), signatures: (real.qc as NonNullable<typeof real.qc>).signatures.slice(0, 2) } }
    const store2 = new MemoryCheckpointStore({ chainId: fx.chain.chainId, genesisHash: fx.chain.genesisHash })
    await store2.save(weak)
    const second = await start({ hub, id: 'client-2', peers: ['node'], store: store2 })
    expect(second.client.startPoint).toMatchObject({ source: 'pinned', problem: 'unverified:quorum-missing' })
  })
})

describe('following gossiped heads', () => {
  it('reports a gossiped head as pending, then as verified', async () => {
    const hub = new MemoryHub()
    const node = createFakeNode(fx.chain, { height: TIP - 2 })
    hub.setHandlers('node', node.handlers)
    // Status is polled once an hour: after the first answers, only gossip can bring a head.
    const { client } = await start({ hub, peers: ['node'], tuning: { statusIntervalMs: 3_600_000 } })
    await untilHeight(client, TIP - 2)
    const order: string[] = []
    client.on('pending', (p) => order.push(`pending:${p.height}`))
    client.on('head', (h) => order.push(`head:${h.height}`))
    const pending = until<PendingHead>(client, 'pending')
    // The node serves the new head only once the announcement made it pending; the client
    // then asks the announcer what it can serve.
    client.on('pending', (p) => {
      if (p.height === TIP) node.options.height = TIP
    })
    hub.publish('node', announce(fx.chain, TIP))
    const p = await pending
    expect(p).toMatchObject({ height: TIP, verified: false })
    await untilHeight(client, TIP)
    expect(order.indexOf(`pending:${TIP}`)).toBeLessThan(order.indexOf(`head:${TIP}`))
  })
})

describe('light client to light client', () => {
  it('a second client syncs entirely from the first one', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const first = await start({ hub, id: 'tab-a', peers: ['node'] })
    await untilHeight(first.client, TIP)
    const second = await start({ hub, id: 'tab-b', peers: ['tab-a'] })
    await untilHeight(second.client, TIP)
    expect(hub.log.some((r) => r.from === 'tab-b' && r.to === 'node')).toBe(false)
    expect(second.verifier.checked).toHaveLength(provenIn(1, TIP))
    expect(second.banned).toEqual([])
  })

  it('a client that caught up without bodies serves those blocks through header-proofs to one syncing from further back', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    // Both check transfers only for the last 2 blocks: the first holds no bodies below them.
    const tuning = { bodyWindow: 2 }
    const first = await start({ hub, id: 'tab-a', peers: ['node'], tuning })
    await untilHeight(first.client, TIP)
    const old = fx.chain.entries.findIndex((e, h) => h > 0 && e.proof !== null)
    const chainA = chainOf(first.client)
    expect(chainA.block(old)?.bodyVerified).toBe(false)
    const second = await start({ hub, id: 'tab-b', peers: ['tab-a'], tuning })
    let timer: ReturnType<typeof setTimeout> | undefined
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`tab-b stalled at ${second.client.health().verifiedHeight} of ${TIP}`)), 20_000)
    })
    await Promise.race([untilHeight(second.client, TIP), stalled]).finally(() => clearTimeout(timer))
    const asked = (protocol: string) => hub.log.filter((r) => r.from === 'tab-b' && r.to === 'tab-a' && r.protocol === protocol).length
    expect(asked(PROTOCOL.headerProofs)).toBeGreaterThan(0)
    expect(hub.log.some((r) => r.from === 'tab-b' && r.to === 'node')).toBe(false)
    // Every proof from genesis was checked again by the second client; nothing was blamed on the first.
    expect(second.verifier.checked).toHaveLength(provenIn(1, TIP))
    expect(second.banned).toEqual([])
  })

  it('keeps the certificates it verified from gossip on the blocks it adopts, so it can end a served range on any of them', async () => {
    const hub = new MemoryHub()
    const node = createFakeNode(fx.chain, { height: 1 })
    hub.setHandlers('node', node.handlers)
    const first = await start({ hub, id: 'tab-a', peers: ['node'], tuning: { chunk: 64 } })
    await untilHeight(first.client, 1)
    // Heads 2..TIP are announced, certified, while the node cannot serve their proofs yet.
    for (let h = 2; h <= TIP; h++) {
      const pending = until<PendingHead>(first.client, 'pending', (p: PendingHead) => p.height === h)
      hub.publish('node', announce(fx.chain, h))
      await pending
    }
    // Then the proofs are in: tab A adopts 2..TIP as one range, certified on its tail.
    node.options.height = TIP
    hub.publish('node', announce(fx.chain, TIP))
    await untilHeight(first.client, TIP)
    const chainA = chainOf(first.client)
    for (let h = 2; h <= TIP; h++) expect(chainA.block(h)?.qc, `certificate of block ${h}`).not.toBeNull()
    // A one-block range of any of them is served (it used to be cut back to nothing: no
    // certificate it had verified on that block).
    const probe = probeOf(hub, 'tab-a')
    for (const h of [2, Math.floor((2 + TIP) / 2), TIP - 1]) {
      expect((await probe.headerProofs('tab-a', h, 1))?.entries.map((e) => e.header.height)).toEqual([h])
      expect((await probe.proofs('tab-a', h, 1)).map((e) => e.block.header.height)).toEqual([h])
    }
  })

  it('a certificate verified after its block was adopted goes on that block too', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const first = await start({ hub, id: 'tab-a', peers: ['node'], tuning: { chunk: 64 } })
    await untilHeight(first.client, TIP)
    const chainA = chainOf(first.client)
    const h = TIP - 2
    expect(chainA.block(h)?.qc).toBeNull() // inside the one range adopted: only its tail is certified
    hub.publish('node', announce(fx.chain, h))
    await expect.poll(() => chainA.block(h)?.qc ?? null).not.toBeNull()
    expect(chainA.block(h - 1)?.qc).toBeNull()
  })

  it('serves a range inside one it adopted whole, checking the certificate that came with its last block then', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const first = await start({ hub, id: 'tab-a', peers: ['node'], tuning: { chunk: 64 } })
    await untilHeight(first.client, TIP)
    const chainA = chainOf(first.client)
    // One range 1..TIP: only its tail certified; the node sent a certificate with every block.
    expect(chainA.block(4)?.qc).toBeNull()
    expect(chainA.block(4)?.unverifiedQc).not.toBeNull()
    const probe = probeOf(hub, 'tab-a')
    // A range that ends before the tail: served, ending on block 4, whose certificate is now checked.
    expect((await probe.headerProofs('tab-a', 2, 3))?.entries.map((e) => e.header.height)).toEqual([2, 3, 4])
    expect(chainA.block(4)?.qc).not.toBeNull()
    expect((await probe.proofs('tab-a', 2, 3)).map((e) => e.block.header.height)).toEqual([2, 3, 4])
    // A forged kept certificate is checked once, refused, and the range is not served on it.
    const b6 = chainA.block(6) as VerifiedBlock
    const kept = b6.unverifiedQc as NonNullable<VerifiedBlock['unverifiedQc']>
    b6.unverifiedQc = { ...kept, signatures: kept.signatures.map((v) => ({ ...v, signature: new Uint8Array(64) })) }
    expect(await probe.headerProofs('tab-a', 5, 2)).toBeNull()
    expect(b6.qc).toBeNull()
    expect(b6.unverifiedQc).toBeNull()
  })

  it('a light client with nothing verified yet is kept (it may be syncing from us); a node that cannot answer is dropped', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const first = await start({ hub, id: 'tab-a', peers: ['node'], identify: true })
    await untilHeight(first.client, TIP)
    // What a light client serves before it has verified a certified block: status answers `unavailable`.
    hub.setHandlers('tab-b', createServeHandlers({ status: () => undefined, headers: () => [], proofs: () => [], headerProofs: () => undefined }))
    // A node in the same state: it serves account proofs too, so it is judged as a node.
    hub.setHandlers(
      'node-2',
      new Map([...createServeHandlers({ status: () => undefined, headers: () => [], proofs: () => [], headerProofs: () => undefined }), [PROTOCOL.account, async () => new Uint8Array()]]),
    )
    hub.connect('tab-a', 'tab-b')
    hub.connect('tab-a', 'node-2')
    const statusAsked = (to: string) => hub.log.filter((r) => r.from === 'tab-a' && r.to === to && r.protocol === PROTOCOL.status).length
    // Six `unavailable` answers take a peer's score to the floor (docs/protocol.md#clients).
    await until(first.client, 'banned', (b: { peer: string }) => b.peer === 'node-2', 10_000)
    await expect.poll(() => statusAsked('tab-b'), { timeout: 10_000 }).toBeGreaterThanOrEqual(8)
    expect(first.banned.map((b) => `${b.peer}: ${b.why}`)).toEqual(['node-2: unavailable'])
    expect(hub.linked('tab-a', 'tab-b')).toBe(true)
    expect(hub.linked('tab-a', 'node-2')).toBe(false)
  })

  it('gossip that arrives through a connection that is not a zklight peer of ours is counted, and that peer is not blamed', async () => {
    const hub = new MemoryHub()
    const node = createFakeNode(fx.chain, { height: TIP - 2 })
    hub.setHandlers('node', node.handlers)
    const { client, banned, net } = await start({ hub, peers: ['node'], tuning: { statusIntervalMs: 3_600_000 } })
    await untilHeight(client, TIP - 2)
    // Gossip forwarded by a relay: libp2p hands it over, but the relay never became a zklight
    // peer of the client (it speaks no zklight protocol, or onlyPeers leaves it out).
    const relayed = decodeHeadAnnouncement(announce(fx.chain, TIP))
    if (!relayed.ok) throw new Error(relayed.reason)
    const pending = until<PendingHead>(client, 'pending', (p: PendingHead) => p.height === TIP)
    for (let i = 0; i < 5; i++) {
      for (const fn of hub.endpoint('client').listeners) fn({ type: 'head', peer: 'relay', head: relayed.value })
      await new Promise((r) => setTimeout(r, 30))
    }
    await pending
    // Asking the relay would fail on our side ("not connected"); counted as its fault, three
    // of those dropped it, and with it every connection it was relaying.
    expect(banned).toEqual([])
    expect(net.bans.has('relay')).toBe(false)
  })
})

describe('a stuck catch-up', () => {
  it('is reported once, naming the height no peer serves, and not again until it moves', async () => {
    const hub = new MemoryHub()
    const node = createFakeNode(fx.chain)
    // The node claims the tip with a valid certificate but answers not-found for every range,
    // until it is told to serve.
    let serving = false
    const notFound = new Map<string, ServeHandler>([
      [PROOFS.id, toBytesHandler(PROOFS, () => ({ kind: 'error' as const, code: 'not-found' as const, message: 'not kept' }))],
      [HEADER_PROOFS.id, toBytesHandler(HEADER_PROOFS, () => ({ kind: 'error' as const, code: 'not-found' as const, message: 'not kept' }))],
    ])
    const handlers = new Map<string, ServeHandler>()
    for (const [id, real] of node.handlers) handlers.set(id, (req, ctx) => (serving ? real : (notFound.get(id) ?? real))(req, ctx))
    hub.setHandlers('node', handlers)
    const { client, stalled, banned } = await start({ hub, peers: ['node'] })
    await waitUntil(() => stalled.length > 0, 'a stalled event')
    expect(stalled[0]).toMatchObject({ height: 1, target: TIP, reason: 'no-answer', peers: 1 })
    // Which peer, which request and what it answered.
    expect(stalled[0]?.detail).toMatch(/^…[\w-]{1,8}: (proofs|header-proofs) 1\+\d+: not-found$/)
    // Many retries (every retryMs), one report; not-found costs the node nothing.
    const rangeAsks = () => hub.log.filter((r) => r.to === 'node' && (r.protocol === PROOFS.id || r.protocol === HEADER_PROOFS.id)).length
    const before = rangeAsks()
    await waitUntil(() => rangeAsks() >= before + 10, 'ten more range requests')
    expect(stalled).toHaveLength(1)
    expect(client.health().verifiedHeight).toBe(0)
    expect(banned).toEqual([])
    serving = true
    await untilHeight(client, TIP)
    expect(stalled).toHaveLength(1)
  })

  it("is reported as the client's own failure when its verifier fails, and no peer is blamed", async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    let broken = true
    const verifier = {
      verifyBatch: (items: Parameters<typeof fx.pool.verifyBatch>[0]) => (broken ? Promise.reject(new Error('worker crashed')) : fx.pool.verifyBatch(items)),
      close: async () => {},
    }
    const { client, stalled, banned } = await start({ hub, peers: ['node'], verifier })
    await waitUntil(() => stalled.length > 0, 'a stalled event')
    const first = fx.chain.entries.findIndex((e, h) => h > 0 && e.proof !== null)
    expect(stalled[0]).toMatchObject({ reason: 'error', detail: 'Error: worker crashed', target: TIP, peers: 1 })
    // Blocks before the first with a proof need no verifier: the stall is at or before it.
    expect(stalled[0]?.height).toBeLessThanOrEqual(first)
    expect(banned).toEqual([])
    broken = false
    await untilHeight(client, TIP)
    expect(stalled).toHaveLength(1)
  })
})
