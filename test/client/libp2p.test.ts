// The light client over real libp2p on loopback: a Node host serving a real chain
// through the zklight protocols (TCP), gossiping a new head (the only way the client can
// learn of it: it polls status once an hour), and a hostile host whose tampered proofs
// (valid points, a failing pairing) get it banned before an honest host has anything to serve;
// and tabs that connected to the client do not keep it from redialling a node it lost.
import '../../src/polyfill.ts'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { encodeAddress } from '../../src/core/address.ts'
import type { QuorumCertificate } from '../../src/core/types.ts'
import { createLightClient } from '../../src/client/create.ts'
import type { LightClient } from '../../src/client/light-client.ts'
import type { BannedEvent } from '../../src/client/options.ts'
import type { BlockEntry } from '../../src/core/types.ts'
import { publishHead } from '../../src/net/gossip.ts'
import { createNodeHost, type NodeHost } from '../../src/net/host.ts'
import { handle } from '../../src/net/rpc.ts'
import { ALL_PROTOCOLS, PROOFS, STATUS } from '../../src/net/protocols.ts'
import { createLibp2pNetwork } from '../../src/client/libp2p-network.ts'
import { systemClock } from '../../src/client/deps.ts'
import { MemoryCheckpointStore } from '../../src/store/checkpoint-store.ts'
import { createFakeNode, type FakeNode, type FakeNodeOptions } from './helpers/fake-node.ts'
import { FAST, until, untilHeight, waitUntil } from './helpers/harness.ts'
import { CHAIN_PLAN } from './helpers/plan.ts'
import { buildTestChain, type TestChain } from './helpers/test-chain.ts'
import { shiftedA } from '../helpers/tamper.ts'

let chain: TestChain
const hosts: NodeHost[] = []
const clients: LightClient[] = []
const TIP = CHAIN_PLAN.length
/** A status poll period no test outlasts: after the first answers, a head can come only by gossip. */
const GOSSIP_ONLY = 3_600_000

beforeAll(async () => {
  chain = await buildTestChain(CHAIN_PLAN)
}, 900_000)

afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.stop()))
})

afterAll(async () => {
  await Promise.allSettled(hosts.map((h) => h.stop()))
})

async function serveNode(options: FakeNodeOptions = {}): Promise<{ host: NodeHost; node: FakeNode; addrs: string[] }> {
  const host = await createNodeHost({ wsPort: null, webrtcDirectPort: null, relayServer: false })
  hosts.push(host)
  const node = createFakeNode(chain, options)
  for (const [id, h] of node.handlers) {
    const spec = ALL_PROTOCOLS.find((p) => p.id === id)
    if (spec) await handle(host, id, h, { maxRequestBytes: spec.maxRequestBytes, timeoutMs: spec.timeoutMs })
  }
  host.services.pubsub.subscribe('zklight/heads/1')
  return { host, node, addrs: host.getMultiaddrs().map(String) }
}

async function client(bootstrap: string[], store = new MemoryCheckpointStore({ chainId: chain.chainId, genesisHash: chain.genesisHash }), statusIntervalMs = 200) {
  const c = await createLightClient({ bootstrap, anchor: chain.anchor, store, verificationKey: chain.vk, rtc: { iceServers: [] }, tuning: { ...FAST, statusIntervalMs } })
  clients.push(c)
  return c
}

describe('light client over libp2p (TCP, loopback)', () => {
  it('cold sync, verified balance, resume from the stored checkpoint, gossiped head', async () => {
    const { host, node, addrs } = await serveNode({ height: TIP - 1 })
    const store = new MemoryCheckpointStore({ chainId: chain.chainId, genesisHash: chain.genesisHash })
    const c = await client(addrs, store, GOSSIP_ONLY)
    const t0 = performance.now()
    await c.start()
    await untilHeight(c, TIP - 1)
    const coldMs = performance.now() - t0
    const addr = encodeAddress(3, (chain.accounts[3] as { pubKey: readonly [bigint, bigint] }).pubKey)
    const b = await c.getBalance(addr)
    expect(b).toMatchObject({ balance: chain.states[TIP - 1]?.accounts.get(3)?.balance, height: TIP - 1, verified: true })

    // A new head over gossipsub. The node serves it only once the client shows it pending,
    // which only the announcement can do: its status still says TIP - 1 and the client does
    // not poll again on its own. The client then asks the announcer what it can serve.
    const tip = chain.entries[TIP] as BlockEntry
    const pending = until(c, 'pending', (p: { height: number }) => p.height === TIP)
    c.on('pending', (p) => {
      if (p.height === TIP) node.options.height = TIP
    })
    const heard = until(c, 'head', (h: { height: number }) => h.height === TIP)
    // gossipsub needs the mesh to form; re-publish until the client has it.
    const timer = setInterval(() => void publishHead(host, { header: tip.block.header, qc: tip.qc as QuorumCertificate }).catch(() => {}), 200)
    await Promise.all([pending, heard]).finally(() => clearInterval(timer))
    await c.stop()

    const resumed = await client(addrs, store)
    expect(resumed.startPoint).toMatchObject({ source: 'store' })
    expect(resumed.startPoint.checkpoint.height).toBe(TIP)
    const t1 = performance.now()
    await resumed.start()
    await resumed.whenSynced()
    const warmMs = performance.now() - t1
    expect(resumed.health().verifiedHeight).toBe(TIP)
    console.log(`libp2p loopback: cold sync of ${TIP - 1} blocks ${coldMs.toFixed(0)} ms (incl. verifier start), warm resume to synced ${warmMs.toFixed(0)} ms`)
  })

  it('bans a host serving tampered proofs and syncs from the honest one', async () => {
    // Every proof the evil host serves has another point of G1 as A: only the pairing fails.
    const evil = await serveNode({ proofs: (es) => es.map((e) => (e.proof ? { ...e, proof: shiftedA(e.proof) } : e)) })
    // The honest host serves only the genesis until the evil one is banned, so the evil one
    // is asked for every range first, whatever order the client picks peers in.
    const honest = await serveNode({ height: 0 })
    const c = await client([...evil.addrs, ...honest.addrs])
    const banned: BannedEvent[] = []
    c.on('banned', (x) => banned.push(x))
    const evilId = evil.host.peerId.toString()
    const evilBanned = until(c, 'banned', (x: BannedEvent) => x.peer === evilId)
    await c.start()
    expect(await evilBanned).toMatchObject({ kind: 'offence', why: 'proof-invalid' })
    expect(evil.node.served.get(PROOFS.id)).toBeGreaterThan(0)
    expect(honest.node.served.get(PROOFS.id) ?? 0).toBe(0)
    expect(c.health().verifiedHeight).toBe(0) // nothing of the evil host's was adopted
    honest.node.options.height = TIP
    await untilHeight(c, TIP)
    expect(banned.some((x) => x.peer === honest.host.peerId.toString())).toBe(false)
    expect(evil.host.getConnections().some((conn) => conn.remotePeer.toString() !== honest.host.peerId.toString() && conn.status === 'open')).toBe(false)
  })

  it('light clients that connected to it do not stand in for the node it lost: it redials the node', async () => {
    const { host: nodeHost, addrs } = await serveNode()
    const aHost = await createNodeHost({ wsPort: null, webrtcDirectPort: null, relayServer: false })
    hosts.push(aHost)
    const net = await createLibp2pNetwork({ host: aHost, bootstrap: addrs, rtc: { iceServers: [] }, clock: systemClock })
    await net.start()
    const nodeId = nodeHost.peerId.toString()
    await waitUntil(() => net.peers().includes(nodeId), 'the node connected')
    // Three tabs syncing from this client dial it: zklight peers (they answer status) with
    // nothing verified yet, so no account protocol, and not among its bootstrap peers.
    const tabs = await Promise.all(
      [0, 1, 2].map(async () => {
        const h = await createNodeHost({ wsPort: null, webrtcDirectPort: null, relayServer: false })
        hosts.push(h)
        await handle(h, STATUS.id, async () => new Uint8Array(), { maxRequestBytes: STATUS.maxRequestBytes, timeoutMs: STATUS.timeoutMs })
        await h.dial(aHost.getMultiaddrs()[0] as Parameters<typeof h.dial>[0])
        return h.peerId.toString()
      }),
    )
    await waitUntil(() => tabs.every((t) => net.peers().includes(t)), 'the three tabs counted as zklight peers')
    expect(net.servesState?.(nodeId)).toBe(true)
    expect(tabs.map((t) => net.servesState?.(t))).toEqual([false, false, false])
    // The node drops the client (a restart, a network change).
    await nodeHost.hangUp(aHost.peerId)
    await waitUntil(() => !net.peers().includes(nodeId), 'the node gone')
    expect(net.peers()).toHaveLength(3)
    await net.ensurePeers(3)
    // Counted once identify has said what it speaks, just after the dial.
    await waitUntil(() => net.peers().includes(nodeId), 'the node dialled again', 10_000)
    expect(net.servesState?.(nodeId)).toBe(true)
    await net.stop()
  })
})
