// Bodies-free catch-up (docs/protocol.md#header-proofs) over in-memory peers serving a real
// chain: blocks below the body window come as headers with proofs and one certificate, every
// check of a proofs range still applies (links, a proof per non-empty block, empty blocks
// keep the root, the certificate on the last block), a peer that does not speak it is asked
// with proofs-by-range at no cost to it, and hostile header-proofs answers are banned.
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/core/bytes.ts'
import { hashHeader } from '../../src/core/header.ts'
import type { BlockEntry, Header } from '../../src/core/types.ts'
import { HEADER_PROOFS, type HeaderProofsResponse } from '../../src/net/header-proofs-messages.ts'
import type { Body } from '../../src/net/messages.ts'
import { PROOFS, SUBMIT } from '../../src/net/protocols.ts'
import type { VerifiedBlock } from '../../src/client/verified-chain.ts'
import { createFakeNode, type FakeNodeOptions } from './helpers/fake-node.ts'
import { until, untilHeight, useClientFixture, waitUntil } from './helpers/harness.ts'
import { MemoryHub } from './helpers/memory-net.ts'
import { CHAIN_PLAN } from './helpers/plan.ts'
import { certify } from './helpers/test-chain.ts'

const fx = useClientFixture()
const TIP = CHAIN_PLAN.length
/** Blocks TIP - 1 and TIP have their bodies checked; everything below goes bodies-free. */
const WINDOW = 2
const provenIn = (from: number, to: number) => fx.chain.entries.slice(from, to + 1).filter((e) => e.proof !== null).length
const headerAt = (h: number): Header => (fx.chain.entries[h] as BlockEntry).block.header
const chainOf = (client: unknown) => (client as { chain: { block(h: number): VerifiedBlock | undefined; certifiedRange(f: number, c: number): unknown[] } }).chain
const asked = (hub: MemoryHub, to: string, protocol: string) => hub.log.filter((r) => r.to === to && r.protocol === protocol).length
const flip = (b: Uint8Array, at: number) => {
  const c = b.slice()
  c[at] = (c[at] as number) ^ 1
  return c
}

describe('bodies-free catch-up', () => {
  it('fetches blocks below the body window as header-proofs and still verifies every proof and the last certificate', async () => {
    const hub = new MemoryHub()
    const node = createFakeNode(fx.chain)
    hub.setHandlers('node', node.handlers)
    const { client, verifier, banned, heads } = await fx.start({ hub, peers: ['node'], tuning: { bodyWindow: WINDOW } })
    await untilHeight(client, TIP)
    expect(banned).toEqual([])
    expect(heads.at(-1)).toBe(TIP)
    // Each non-empty block's proof was checked once, against its own public inputs.
    expect(verifier.checked).toHaveLength(provenIn(1, TIP))
    expect(node.served.get(HEADER_PROOFS.id)).toBeGreaterThanOrEqual(2)
    expect(node.served.get(PROOFS.id)).toBeGreaterThanOrEqual(1) // the body window, with transfers
    const chain = chainOf(client)
    for (let h = 1; h <= TIP; h++) {
      const b = chain.block(h) as VerifiedBlock
      expect(bytesToHex(b.hash)).toBe(bytesToHex(hashHeader(headerAt(h))))
      const empty = headerAt(h).txRoot === 0n
      if (h > TIP - WINDOW) expect(b.bodyVerified).toBe(true)
      else {
        // Fetched without its transfers: nothing to show as included, nothing served to other tabs.
        expect(b.block.transfers).toEqual([])
        expect(b.bodyVerified).toBe(empty)
        if (!empty) expect(chain.certifiedRange(h, 1)).toEqual([])
      }
    }
  })

  it('asks a peer that does not speak it with proofs-by-range, once refused, and holds nothing against it', async () => {
    const hub = new MemoryHub()
    const old = createFakeNode(fx.chain, { headerProofs: false })
    hub.setHandlers('old', old.handlers)
    const { client, verifier, banned, net } = await fx.start({ hub, peers: ['old'], tuning: { bodyWindow: WINDOW } })
    await untilHeight(client, TIP)
    expect(banned).toEqual([])
    expect(verifier.checked).toHaveLength(provenIn(1, TIP))
    // Asked in the first round only (once per range in flight); the refused ranges and every one after went over proofs.
    const log = hub.log.filter((r) => r.to === 'old' && r.protocol !== '/zklight/status/1.0.0').map((r) => r.protocol)
    expect(asked(hub, 'old', HEADER_PROOFS.id)).toBeGreaterThanOrEqual(1)
    expect(asked(hub, 'old', HEADER_PROOFS.id)).toBeLessThanOrEqual(2) // FAST.parallel
    expect(log.lastIndexOf(HEADER_PROOFS.id)).toBeLessThan(log.indexOf(PROOFS.id))
    expect(asked(hub, 'old', PROOFS.id)).toBeGreaterThanOrEqual(Math.ceil(TIP / 4))
    expect(client.peers().find((p) => p.id === 'old')?.score).toBeGreaterThanOrEqual(0)
    expect(net.bans.size).toBe(0)
    for (let h = 1; h <= TIP - WINDOW; h++) expect(chainOf(client).block(h)?.block.transfers).toEqual((fx.chain.entries[h] as BlockEntry).block.transfers)
  })

  it('does not ask a peer whose identify list lacks it', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('old', createFakeNode(fx.chain, { headerProofs: false }).handlers)
    const { client, banned } = await fx.start({ hub, peers: ['old'], tuning: { bodyWindow: WINDOW }, identify: true })
    await untilHeight(client, TIP)
    expect(banned).toEqual([])
    expect(asked(hub, 'old', HEADER_PROOFS.id)).toBe(0)
  })

  it('uses proofs-by-range alone with bodiesFree off', async () => {
    const hub = new MemoryHub()
    const node = createFakeNode(fx.chain)
    hub.setHandlers('node', node.handlers)
    const { client } = await fx.start({ hub, peers: ['node'], tuning: { bodyWindow: WINDOW, bodiesFree: false } })
    await untilHeight(client, TIP)
    expect(node.served.get(HEADER_PROOFS.id) ?? 0).toBe(0)
  })
})

/** The first proven entry of an answer. */
const firstProven = (a: Body<HeaderProofsResponse>) => a.entries.findIndex((e) => e.proof !== null)
const lean = (f: (a: Body<HeaderProofsResponse>) => Body<HeaderProofsResponse>): FakeNodeOptions => ({ headerProofsAnswer: f })

const cases: [string, FakeNodeOptions, string][] = [
  // Byte 31 puts A off the curve: refused before any pairing. The next case passes the point checks and fails the pairing.
  ['a tampered proof', lean((a) => ({ ...a, entries: a.entries.map((e, i) => (i === firstProven(a) ? { ...e, proof: flip(e.proof as Uint8Array, 31) } : e)) })), 'proof-malformed'],
  [
    'a valid proof of another block',
    lean((a) => {
      const other = fx.chain.entries.find((e) => e.proof !== null && !a.entries.some((x) => x.header.height === e.block.header.height)) as BlockEntry
      return { ...a, entries: a.entries.map((e, i) => (i === firstProven(a) ? { ...e, proof: other.proof } : e)) }
    }),
    'proof-invalid',
  ],
  ['no proof for a block with transfers', lean((a) => ({ ...a, entries: a.entries.map((e, i) => (i === firstProven(a) ? { ...e, proof: null } : e)) })), 'bad-block'],
  [
    'an empty block (txRoot 0) that changes the state root',
    lean((a) => ({ ...a, entries: a.entries.map((e, i) => (i === firstProven(a) ? { header: { ...e.header, txRoot: 0n }, proof: null } : e)) })),
    'bad-block',
  ],
  ['a broken link', lean((a) => ({ ...a, entries: a.entries.map((e, i) => (i === 1 ? { ...e, header: { ...e.header, parentHash: new Uint8Array(32).fill(9) } } : e)) })), 'broken-link'],
  ['a forged certificate', lean((a) => ({ ...a, qc: { ...a.qc, signatures: a.qc.signatures.map((s) => ({ ...s, signature: flip(s.signature, 5) })) } })), 'bad-certificate'],
  [
    'a valid certificate of another block than the last',
    lean((a) => ({ ...a, qc: certify((a.entries[0] as { header: Header }).header, fx.chain.validators, fx.chain.genesisHash) })),
    'bad-certificate',
  ],
  ['malformed bytes', { bytes: (protocol, b) => (protocol === HEADER_PROOFS.id ? b.slice(0, b.length - 3) : b) }, 'malformed'],
]

describe('hostile header-proofs answers are banned while sync completes from an honest peer', () => {
  for (const [name, evil, why] of cases) {
    it(name, async () => {
      const hub = new MemoryHub()
      hub.setHandlers('honest', createFakeNode(fx.chain).handlers)
      hub.setHandlers('evil', createFakeNode(fx.chain, evil).handlers)
      // Ranges of 2 blocks, four in flight: both peers are asked for bodies-free ranges in the first round.
      const { client, banned, headEvents } = await fx.start({ hub, peers: ['evil', 'honest'], tuning: { bodyWindow: WINDOW, chunk: 2, parallel: 4 } })
      const evilBanned = until(client, 'banned', (b) => b.peer === 'evil')
      await untilHeight(client, TIP)
      await evilBanned
      expect(asked(hub, 'evil', HEADER_PROOFS.id)).toBeGreaterThan(0)
      expect(banned.filter((b) => b.peer === 'evil').map((b) => b.why)).toContain(why)
      expect(banned.filter((b) => b.peer === 'honest')).toEqual([])
      expect(client.health().verifiedHeight).toBe(TIP)
      for (const h of headEvents) expect(h.hash).toBe(bytesToHex(hashHeader(headerAt(h.height))))
    })
  }
})

describe('pipelined rounds', () => {
  /** A verifier that holds every batch until released, so a test sees what is asked meanwhile. */
  function heldVerifier() {
    const waiting: (() => void)[] = []
    let open = false
    return {
      release() {
        open = true
        for (const go of waiting.splice(0)) go()
      },
      verifier: {
        verifyBatch: async (items: readonly unknown[]) => {
          if (!open) await new Promise<void>((r) => waiting.push(r))
          return fx.pool.verifyBatch(items as Parameters<typeof fx.pool.verifyBatch>[0])
        },
        close: async () => {},
      },
    }
  }
  const rangesAsked = (hub: MemoryHub) => hub.log.filter((r) => r.protocol === PROOFS.id || r.protocol === HEADER_PROOFS.id).length

  for (const pipeline of [true, false]) {
    it(
      pipeline
        ? "asks for the next round's ranges while this round's proofs are being verified, and sends their proofs to the verifier behind them"
        : 'with pipeline off, asks for nothing more until a round is adopted',
      async () => {
        const hub = new MemoryHub()
        hub.setHandlers('node', createFakeNode(fx.chain).handlers)
        const held = heldVerifier()
        // Ranges of 2, two at a time: the first round covers blocks 1-4.
        const { client, verifier } = await fx.start({ hub, peers: ['node'], verifier: held.verifier, tuning: { chunk: 2, parallel: 2, pipeline } })
        await new Promise((r) => setTimeout(r, 300))
        expect(client.health().verifiedHeight).toBe(0) // nothing verified yet
        // The first round's proofs are at the verifier; pipelined, the next round's too, checked as they arrived.
        expect(verifier.checked).toHaveLength(provenIn(1, pipeline ? 8 : 4))
        expect(rangesAsked(hub)).toBe(pipeline ? 4 : 2)
        held.release()
        await untilHeight(client, TIP)
        expect(verifier.checked).toHaveLength(provenIn(1, TIP))
      },
    )
  }

  it('a prefetched round checked with its bodies left alone is dropped when a transfer of ours becomes pending, and asked for again with them checked', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const held = heldVerifier()
    // Whole blocks (bodiesFree off), bodies checked only from TIP - 1: the first round is 1-4, the prefetched one 5-8.
    const { client } = await fx.start({ hub, peers: ['node'], verifier: held.verifier, tuning: { chunk: 2, parallel: 2, bodyWindow: 2, bodiesFree: false } })
    await waitUntil(() => rangesAsked(hub) === 4, 'the second round asked for')
    await new Promise((r) => setTimeout(r, 100)) // and checked, its proofs queued behind the first round's
    expect(client.health().verifiedHeight).toBe(0)
    // A transfer of ours in block 6 is now pending: every body must be checked from here on.
    const t = (fx.chain.entries[6] as BlockEntry).block.transfers[0] as NonNullable<BlockEntry['block']['transfers'][number]>
    const inclusion = client.submitTransfer(t)
    await waitUntil(() => hub.log.some((r) => r.protocol === SUBMIT.id), 'the transfer sent')
    held.release()
    await untilHeight(client, TIP)
    for (let h = 5; h <= 8; h++) expect(client.inspect(h)?.bodyVerified).toBe(true)
    await expect(inclusion).resolves.toMatchObject({ height: 6, verified: true })
  })

  it('a range cut at the body window takes no slot: the range with bodies after it comes in the same round', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const held = heldVerifier()
    // Bodies checked from TIP - 5 = 7: ranges 1-4 and 5-6 (cut) without bodies, 7-10 with them, all in the first round.
    const { client } = await fx.start({ hub, peers: ['node'], verifier: held.verifier, tuning: { chunk: 4, parallel: 2, bodyWindow: 6, pipeline: false } })
    await new Promise((r) => setTimeout(r, 300))
    expect(client.health().verifiedHeight).toBe(0)
    expect(hub.log.filter((r) => r.protocol === HEADER_PROOFS.id)).toHaveLength(2)
    expect(hub.log.filter((r) => r.protocol === PROOFS.id)).toHaveLength(1)
    held.release()
    await untilHeight(client, TIP)
  })

  it('drops prefetched ranges when a range of the round fails, and blames only that one', async () => {
    const hub = new MemoryHub()
    // Every proof the evil peer sends is bad: whichever range of the first round it serves fails
    // at the verifier, after the next round was asked for from the end of this one.
    hub.setHandlers('evil', createFakeNode(fx.chain, { proofs: (es) => es.map((e) => (e.proof ? { ...e, proof: flip(e.proof, 31) } : e)) }).handlers)
    hub.setHandlers('honest', createFakeNode(fx.chain).handlers)
    const { client, banned, headEvents } = await fx.start({ hub, peers: ['evil', 'honest'], tuning: { chunk: 2, parallel: 2 } })
    await untilHeight(client, TIP)
    expect(banned.filter((b) => b.peer === 'evil').map((b) => b.why)).toEqual(['proof-malformed']) // byte 31: A off the curve
    expect(banned.filter((b) => b.peer === 'honest')).toEqual([])
    for (const h of headEvents) expect(h.hash).toBe(bytesToHex(hashHeader(headerAt(h.height))))
  })
})
