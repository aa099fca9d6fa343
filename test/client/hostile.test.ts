// Hostile peers next to an honest one: each kind of bad answer is rejected, the peer
// is banned for the right offence, and sync still completes with the honest chain.
// Equivocation halts the client; a certified head whose proof fails is dropped.
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/core/bytes.ts'
import { hashHeader } from '../../src/core/header.ts'
import { computeTxRoot } from '../../src/core/tx-root.ts'
import type { Header } from '../../src/core/types.ts'
import { encodeHeadAnnouncement } from '../../src/net/messages.ts'
import { PROOFS } from '../../src/net/protocols.ts'
import { MemoryCheckpointStore } from '../../src/store/checkpoint-store.ts'
import type { DroppedHead } from '../../src/client/head-tracker.ts'
import type { StatusEvent } from '../../src/client/rules/live-status.ts'
import type { BlockEntry } from '../../src/core/types.ts'
import { announce, createFakeNode, type FakeNodeOptions } from './helpers/fake-node.ts'
import { until, untilHeight, useClientFixture } from './helpers/harness.ts'
import { MemoryHub } from './helpers/memory-net.ts'
import { CHAIN_PLAN } from './helpers/plan.ts'
import { certify, nextHeader, type TestChain } from './helpers/test-chain.ts'
import { offCurveA, shiftedA } from '../helpers/tamper.ts'

const fx = useClientFixture()
const TIP = CHAIN_PLAN.length

const headerAt = (h: number): Header => (fx.chain.entries[h] as BlockEntry).block.header
const hashAt = (h: number) => bytesToHex(hashHeader(headerAt(h)))
const firstProven = (entries: BlockEntry[]) => entries.findIndex((e) => e.proof !== null)
const flip = (b: Uint8Array, at: number) => {
  const c = b.slice()
  c[at] = (c[at] as number) ^ 1
  return c
}

async function syncNextToEvil(evil: FakeNodeOptions, tuning = {}) {
  const hub = new MemoryHub()
  hub.setHandlers('honest', createFakeNode(fx.chain).handlers)
  const node = createFakeNode(fx.chain, evil)
  hub.setHandlers('evil', node.handlers)
  const s = await fx.start({ hub, peers: ['evil', 'honest'], tuning })
  const evilBanned = until(s.client, 'banned', (b) => b.peer === 'evil')
  await untilHeight(s.client, TIP)
  await evilBanned
  return { ...s, hub, node }
}

const cases: [string, FakeNodeOptions, string][] = [
  // Caught by the point checks, before any pairing.
  ['tampered proof: A off the curve', { proofs: (es) => es.map((e, i) => (i === firstProven(es) ? { ...e, proof: offCurveA(e.proof as Uint8Array) } : e)) }, 'proof-malformed'],
  // Valid points of the right groups: only the pairing check can catch these.
  ['tampered proof: A replaced by another point of G1', { proofs: (es) => es.map((e, i) => (i === firstProven(es) ? { ...e, proof: shiftedA(e.proof as Uint8Array) } : e)) }, 'proof-invalid'],
  [
    'valid proof for the wrong public inputs',
    {
      proofs: (es) => {
        const other = fx.chain.entries.find((e) => e.proof !== null && !es.some((x) => x.block.header.height === e.block.header.height)) as BlockEntry
        return es.map((e, i) => (i === firstProven(es) ? { ...e, proof: other.proof } : e))
      },
    },
    'proof-invalid',
  ],
  ['broken link', { proofs: (es) => es.map((e, i) => (i === 1 ? { ...e, block: { ...e.block, header: { ...e.block.header, parentHash: new Uint8Array(32).fill(9) } } } : e)) }, 'broken-link'],
  [
    'transfers that do not match the txRoot',
    {
      proofs: (es) => es.map((e, i) => (i === firstProven(es) ? { ...e, block: { ...e.block, transfers: e.block.transfers.map((t) => ({ ...t, amount: t.amount + 1n })) } } : e)),
    },
    'bad-block',
  ],
  [
    'forged certificate on the range tail',
    {
      proofs: (es) => es.map((e, i) => (i === es.length - 1 && e.qc ? { ...e, qc: { ...e.qc, signatures: e.qc.signatures.map((s) => ({ ...s, signature: flip(s.signature, 5) })) } } : e)),
    },
    'bad-certificate',
  ],
  ['forged certificate on an advertised head', { status: ({ header, qc }) => ({ header: { ...header, height: header.height + 50 }, qc }) }, 'bad-certificate'],
  ['malformed bytes', { bytes: (protocol, b) => (protocol === PROOFS.id ? b.slice(0, b.length - 3) : b) }, 'malformed'],
]

describe('hostile peers are banned while sync completes from an honest peer', () => {
  for (const [name, evil, why] of cases) {
    it(name, async () => {
      const { client, banned, heads, headEvents } = await syncNextToEvil(evil)
      const whys = banned.filter((b) => b.peer === 'evil').map((b) => b.why)
      expect(whys).toContain(why)
      expect(whys.filter((w) => w !== why)).toEqual([]) // one offence per case: reasons are not folded together
      expect(banned.filter((b) => b.peer === 'honest')).toEqual([])
      expect(heads.at(-1)).toBe(TIP)
      expect(client.health().verifiedHeight).toBe(TIP)
      // Every verified head is the honest chain's, hash for hash.
      for (const h of headEvents) expect(h.hash).toBe(hashAt(h.height))
    })
  }

  it('a silent peer is replaced (dropped for timeouts) and sync completes', async () => {
    const { banned } = await syncNextToEvil({ silent: true }, { requestTimeoutMs: 150 })
    expect(banned.find((b) => b.peer === 'evil')).toMatchObject({ kind: 'fault', why: 'timeout' })
  })
})

describe('equivocation', () => {
  const conflicting = (h: number): Header => ({ ...headerAt(h), timestamp: headerAt(h).timestamp + 1 })

  it('two valid certificates at a verified height halt the client and keep the last checkpoint', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const store = new MemoryCheckpointStore({ chainId: fx.chain.chainId, genesisHash: fx.chain.genesisHash })
    const s = await fx.start({ hub, peers: ['node'], store })
    await untilHeight(s.client, TIP)
    const halted = until<StatusEvent>(s.client, 'status', (e) => e.status === 'halted')
    const other = conflicting(5)
    hub.publish('node', encodeHeadAnnouncement({ header: other, qc: certify(other, fx.chain.validators, fx.chain.genesisHash) }))
    const ev = await halted
    expect(ev.reason).toBe('equivocation')
    expect(ev.evidence?.height).toBe(5)
    await expect(s.client.requireFresh({ maxLagMs: 60_000 })).rejects.toMatchObject({ name: 'ClientHalted' })
    await expect(s.client.getBalance('zkl1anything')).rejects.toMatchObject({ name: 'ClientHalted' })
    expect(s.client.health().status).toBe('halted')
    expect((await store.load()).record?.checkpoint.height).toBe(TIP)
  })

  it('two valid certificates for different heads above the verified height halt it too', async () => {
    const hub = new MemoryHub()
    const node = createFakeNode(fx.chain, { height: TIP - 1 })
    hub.setHandlers('node', node.handlers)
    const s = await fx.start({ hub, peers: ['node'] })
    await untilHeight(s.client, TIP - 1)
    const halted = until<StatusEvent>(s.client, 'status', (e) => e.status === 'halted')
    const other = conflicting(TIP)
    hub.publish('node', announce(fx.chain, TIP))
    hub.publish('node', encodeHeadAnnouncement({ header: other, qc: certify(other, fx.chain.validators, fx.chain.genesisHash) }))
    expect((await halted).reason).toBe('equivocation')
    // Neither head is adopted and the verified view stays where it was.
    expect(s.client.health().verifiedHeight).toBe(TIP - 1)
    expect(s.heads).not.toContain(TIP)
  })

  it('a certificate signed by too few validators is not equivocation: the peer is banned instead', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const s = await fx.start({ hub, peers: ['node'] })
    await untilHeight(s.client, TIP)
    const banned = until(s.client, 'banned')
    const other = conflicting(5)
    hub.publish('node', encodeHeadAnnouncement({ header: other, qc: certify(other, fx.chain.validators, fx.chain.genesisHash, [0, 1]) }))
    expect(await banned).toMatchObject({ peer: 'node', why: 'bad-certificate' })
    expect(s.client.health().status).not.toBe('halted')
  })
})

describe('a certified head whose state transition is not proven', () => {
  it('is shown as pending, then dropped, never verified', async () => {
    // Validators certify block TIP+1 claiming a state root no proof supports.
    const tip = headerAt(TIP)
    const transfers = (fx.chain.entries[1] as BlockEntry).block.transfers
    const bad = nextHeader(tip, headerAt(3).stateRoot, computeTxRoot(fx.chain.chainTag, transfers))
    const forged: TestChain = {
      ...fx.chain,
      entries: [...fx.chain.entries, { block: { header: bad, transfers }, proof: (fx.chain.entries[1] as BlockEntry).proof, qc: certify(bad, fx.chain.validators, fx.chain.genesisHash) }],
    }
    const hub = new MemoryHub()
    const node = createFakeNode(forged, { height: TIP })
    hub.setHandlers('node', node.handlers)
    const s = await fx.start({ hub, peers: ['node'] })
    await untilHeight(s.client, TIP)
    const pending = until(s.client, 'pending')
    const dropped = until<DroppedHead>(s.client, 'dropped')
    node.options.height = TIP + 1
    hub.publish('node', announce(forged, TIP + 1))
    expect(await pending).toMatchObject({ height: TIP + 1, verified: false })
    expect(await dropped).toMatchObject({ height: TIP + 1, reason: 'proof-invalid', peer: 'node' })
    expect(s.client.health().verifiedHeight).toBe(TIP)
    expect(s.heads).not.toContain(TIP + 1)
  })
})
