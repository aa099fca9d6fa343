// What the web app and the CLI display, from the client's own events and methods: a
// `batch` event per verified range (heights, proofs, verifier time, target), `inspect`
// (header, covering certificate, proof) and the stages of a submitted transfer.
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/core/bytes.ts'
import { hashHeader } from '../../src/core/header.ts'
import type { BlockEntry } from '../../src/core/types.ts'
import type { BatchEvent, TransferProgress } from '../../src/client/options.ts'
import { announce, createFakeNode } from './helpers/fake-node.ts'
import { untilHeight, useClientFixture } from './helpers/harness.ts'
import { MemoryHub } from './helpers/memory-net.ts'
import { CHAIN_PLAN } from './helpers/plan.ts'

const fx = useClientFixture()
const TIP = CHAIN_PLAN.length
const entry = (h: number) => fx.chain.entries[h] as BlockEntry

describe('batch events', () => {
  it('cover every height from the checkpoint to the tip once, with the proofs verified in each', async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const batches: BatchEvent[] = []
    const { client } = await fx.start({ hub, peers: ['node'] })
    client.on('batch', (b) => batches.push(b))
    await untilHeight(client, TIP)
    expect(batches.length).toBeGreaterThan(0)
    let next = 1
    for (const b of batches) {
      expect(b.from).toBe(next)
      expect(b.to).toBeGreaterThanOrEqual(b.from)
      const proven = fx.chain.entries.slice(b.from, b.to + 1).filter((e) => e.proof !== null).length
      expect(b.proofs).toBe(proven)
      if (b.proofs > 0) expect(b.verifyMs).toBeGreaterThan(0)
      expect(b.target).toBeGreaterThanOrEqual(b.to)
      expect(b.peer).toBe('node')
      next = b.to + 1
    }
    expect(next).toBe(TIP + 1)
  })
})

describe('inspect', () => {
  it("gives a verified block's header, its proof, and a certificate that covers it", async () => {
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const { client } = await fx.start({ hub, peers: ['node'] })
    await untilHeight(client, TIP)
    const proven = fx.chain.entries.findIndex((e, h) => h > 0 && e.proof !== null)
    const b = client.inspect(proven)
    expect(b).toBeDefined()
    expect(b?.hash).toBe(bytesToHex(hashHeader(entry(proven).block.header)))
    expect(b?.header).toEqual(entry(proven).block.header)
    expect(b?.proof && bytesToHex(b.proof)).toBe(bytesToHex(entry(proven).proof as Uint8Array))
    expect(b?.source).toBe('synced')
    // The certificate is that of a verified block at or above it, and signs that block's hash.
    const cert = b?.certificate
    expect(cert).toBeDefined()
    expect(cert?.height).toBeGreaterThanOrEqual(proven)
    expect(cert?.headerHash).toBe(bytesToHex(hashHeader(entry(cert?.height as number).block.header)))
    expect(cert?.signers.length).toBeGreaterThan(((cert?.validators as number) * 2) / 3)
    // The tip's own certificate covers the tip.
    expect(client.inspect(TIP)?.certificate?.height).toBe(TIP)
    // The checkpoint (genesis) header has no proof; heights above the tip are unknown.
    expect(client.inspect(0)).toMatchObject({ source: 'checkpoint', proof: null })
    expect(client.inspect(TIP + 1)).toBeUndefined()
  })
})

describe('transfer progress', () => {
  it('reports accepted, certified, then verified, in that order, before the inclusion resolves', async () => {
    const hub = new MemoryHub()
    let arrived: () => void = () => {}
    const submitted = new Promise<void>((resolve) => (arrived = resolve))
    const node = createFakeNode(fx.chain, { height: TIP - 1, onSubmit: () => (arrived(), { accepted: true }) })
    hub.setHandlers('node', node.handlers)
    const { client } = await fx.start({ hub, peers: ['node'] })
    await untilHeight(client, TIP - 1)
    const t = entry(TIP).block.transfers[0]
    if (!t) throw new Error('plan: the last block must hold a transfer')
    const stages: TransferProgress[] = []
    const inclusion = client.submitTransfer(t, { onProgress: (p) => stages.push(p) })
    await submitted
    node.options.height = TIP
    hub.publish('node', announce(fx.chain, TIP))
    const done = await inclusion
    expect(done.height).toBe(TIP)
    expect(stages).toEqual([
      { stage: 'accepted', peer: 'node' },
      { stage: 'certified', height: TIP },
      { stage: 'verified', height: TIP },
    ])
  })
})
