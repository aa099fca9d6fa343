// Verified balances (present and absent accounts, lying peers, nodes without
// history), submitted transfers followed to verified inclusion, and the freshness guard.
import { describe, expect, it } from 'vitest'
import { encodeAddress } from '../../src/core/address.ts'
import type { Account } from '../../src/core/types.ts'
import { ACCOUNT } from '../../src/net/protocols.ts'
import { decodeAccountResponse, encodeAccountResponse } from '../../src/net/messages.ts'
import type { Clock } from '../../src/core/platform.ts'
import type { BlockEntry } from '../../src/core/types.ts'
import { announce, createFakeNode, type FakeNodeOptions } from './helpers/fake-node.ts'
import { until, untilHeight, useClientFixture, waitUntil } from './helpers/harness.ts'
import { MemoryHub } from './helpers/memory-net.ts'
import { CHAIN_PLAN } from './helpers/plan.ts'
import { accountProofAt } from './helpers/test-chain.ts'

const fx = useClientFixture()
const TIP = CHAIN_PLAN.length

const addressOf = (i: number) => encodeAddress(i, (fx.chain.accounts[i] as { pubKey: readonly [bigint, bigint] }).pubKey)
const accountAt = (i: number, h: number) => fx.chain.states[h]?.accounts.get(i) as Account

async function synced(nodes: Record<string, FakeNodeOptions>, opts: { height?: number; clock?: Clock } = {}) {
  const hub = new MemoryHub()
  const handles = Object.fromEntries(Object.entries(nodes).map(([id, o]) => [id, createFakeNode(fx.chain, o)]))
  for (const [id, n] of Object.entries(handles)) hub.setHandlers(id, n.handlers)
  const s = await fx.start({ hub, peers: Object.keys(nodes), ...(opts.clock ? { clock: opts.clock } : {}) })
  await untilHeight(s.client, opts.height ?? TIP)
  return { ...s, hub, handles }
}

describe('getBalance', () => {
  it('returns a verified balance for an existing account', async () => {
    const { client } = await synced({ node: {} })
    const b = await client.getBalance(addressOf(3))
    expect(b).toEqual({
      balance: accountAt(3, TIP).balance,
      nonce: accountAt(3, TIP).nonce,
      exists: true,
      height: TIP,
      stateRoot: fx.chain.states[TIP]?.tree.root,
      proof: expect.objectContaining({ index: 3 }),
      verified: true,
    })
  })

  it('returns balance 0 with a verified non-inclusion proof for an absent account', async () => {
    const { client } = await synced({ node: {} })
    const stranger = encodeAddress(200, (fx.chain.accounts[5] as { pubKey: readonly [bigint, bigint] }).pubKey)
    const b = await client.getBalance(stranger)
    expect(b).toMatchObject({ balance: 0n, nonce: 0, exists: false, height: TIP, verified: true })
  })

  it('refuses an address whose slot belongs to another key, and a malformed address', async () => {
    const { client } = await synced({ node: {} })
    const impostor = encodeAddress(3, (fx.chain.accounts[4] as { pubKey: readonly [bigint, bigint] }).pubKey)
    await expect(client.getBalance(impostor)).rejects.toMatchObject({ name: 'BadAddress', reason: 'key-mismatch' })
    await expect(client.getBalance('zkl1notanaddress')).rejects.toMatchObject({ name: 'BadAddress', reason: 'bad-address' })
  })

  it('bans a peer that serves a forged account proof and answers from an honest one', async () => {
    const liar: FakeNodeOptions = {
      bytes: (protocol, answer) => {
        if (protocol !== ACCOUNT.id) return answer
        const d = decodeAccountResponse(answer)
        if (!d.ok || d.value.kind !== 'account' || !d.value.accountProof.account) return answer
        const p = d.value.accountProof
        return encodeAccountResponse({ ...d.value, accountProof: { ...p, account: { ...(p.account as Account), balance: 10n ** 12n } } })
      },
    }
    // The liar serves the chain honestly, so it earns the better score and is asked first.
    const { client, banned, hub } = await synced({ liar })
    hub.setHandlers('honest', createFakeNode(fx.chain).handlers)
    hub.connect('client', 'honest')
    expect((await client.getBalance(addressOf(3))).balance).toBe(accountAt(3, TIP).balance)
    expect(banned.find((b) => b.peer === 'liar')).toMatchObject({ kind: 'offence', why: 'bad-account-proof' })
  })

  it('asks a node without history for its latest state, syncs to that height, and verifies there', async () => {
    // The node keeps account state only at its head (TIP); the client has verified TIP - 1
    // and polls status rarely, so it learns of TIP only from the node's account answer.
    const hub = new MemoryHub()
    const node = createFakeNode(fx.chain, { height: TIP - 1, latestOnly: true })
    hub.setHandlers('node', node.handlers)
    const { client } = await fx.start({ hub, peers: ['node'], tuning: { statusIntervalMs: 3_600_000 } })
    await untilHeight(client, TIP - 1)
    node.options.height = TIP
    const b = await client.getBalance(addressOf(0))
    expect(b).toMatchObject({ balance: accountAt(0, TIP).balance, height: TIP, stateRoot: fx.chain.states[TIP]?.tree.root, verified: true })
    expect(client.health().verifiedHeight).toBe(TIP)
  })

  it('treats an answer from before the verified tip as a fault and asks another peer', async () => {
    // `old` serves the chain but answers balances from TIP - 2 only (a lagging or lying node).
    const stale = (protocol: string, answer: Uint8Array): Uint8Array => {
      if (protocol !== ACCOUNT.id) return answer
      const d = decodeAccountResponse(answer)
      if (!d.ok || d.value.kind !== 'account') return answer
      const h = TIP - 2
      const e = fx.chain.entries[h] as BlockEntry
      return encodeAccountResponse({ ...d.value, height: h, header: e.block.header, qc: e.qc, accountProof: accountProofAt(fx.chain, d.value.accountProof.index, h) })
    }
    const { client, banned, hub } = await synced({ old: { bytes: stale } })
    hub.setHandlers('honest', createFakeNode(fx.chain).handlers)
    hub.connect('client', 'honest')
    await waitUntil(() => client.peers().length === 2, 'the client to see the honest node')
    const b = await client.getBalance(addressOf(3))
    expect(b).toMatchObject({ height: TIP, balance: accountAt(3, TIP).balance })
    const old = client.peers().find((p) => p.id === 'old')
    expect(old?.lastOffence).toBe('stale')
    expect(banned.filter((x) => x.peer === 'old' && x.kind === 'offence')).toEqual([])
  })
})

describe('submitTransfer', () => {
  it('resolves once the transfer is in a verified block', async () => {
    let arrived: () => void = () => {}
    const submitted = new Promise<void>((resolve) => (arrived = resolve))
    const { client, hub, handles } = await synced({ node: { height: TIP - 1, onSubmit: () => (arrived(), { accepted: true }) } }, { height: TIP - 1 })
    const t = (fx.chain.entries[TIP] as BlockEntry).block.transfers[0]
    if (!t) throw new Error('plan: the last block must hold a transfer')
    const inclusion = client.submitTransfer(t)
    await submitted
    ;(handles.node as { options: FakeNodeOptions }).options.height = TIP
    hub.publish('node', announce(fx.chain, TIP))
    await expect(inclusion).resolves.toMatchObject({ height: TIP, index: 0, verified: true })
  })

  it("rejects with the node's rule when the node refuses the transfer", async () => {
    const { client } = await synced({ node: { onSubmit: () => ({ accepted: false, reason: 'bad-nonce' }) } })
    const t = (fx.chain.entries[1] as BlockEntry).block.transfers[0]
    await expect(client.submitTransfer(t as NonNullable<typeof t>)).rejects.toMatchObject({ name: 'TransferRejected', reason: 'bad-nonce' })
  })
})

describe('freshness', () => {
  it('measures lagMs as the age of the verified head, whoever is connected', async () => {
    let offset = 0
    const clock: Clock = { now: () => Date.now() + offset, setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) }
    const { client } = await synced({ node: {} }, { clock })
    const tipTime = (fx.chain.entries[TIP] as BlockEntry).block.header.timestamp
    const fresh = await client.requireFresh({ maxLagMs: 600_000 })
    expect(fresh).toMatchObject({ verifiedHeight: TIP, lagBlocks: 0, status: 'synced' })
    expect(Math.abs(fresh.lagMs - (clock.now() - tipTime))).toBeLessThan(50)
    // An hour later the node is still there and still answers, but the chain has not moved:
    // the verified state is an hour old, and a trading view must not take it as current.
    offset = 3_600_000
    await expect(client.requireFresh({ maxLagMs: 600_000 })).rejects.toMatchObject({ name: 'StaleView' })
    expect(client.health().lagMs).toBeGreaterThan(3_600_000)
    expect(client.health().status).toBe('stale')
  })

  it('a certified head whose proof has not arrived keeps the view stale by blocks, until the proof is served', async () => {
    const { client, hub, handles } = await synced({ node: { height: TIP - 3 } }, { height: TIP - 3 })
    const node = handles.node as { options: FakeNodeOptions }
    // The node certified TIP and says so at once, but serves (and its status names) only TIP - 3.
    const pending = until(client, 'pending', (p: { height: number }) => p.height === TIP)
    hub.publish('node', announce(fx.chain, TIP))
    await pending
    expect(client.health()).toMatchObject({ verifiedHeight: TIP - 3, bestSeenHeight: TIP, lagBlocks: 3 })
    await expect(client.requireFresh({ maxLagMs: 600_000, maxLagBlocks: 1 })).rejects.toMatchObject({ name: 'StaleView', lagBlocks: 3 })
    await expect(client.requireFresh({ maxLagMs: 600_000 })).resolves.toMatchObject({ lagBlocks: 3 }) // no block bound asked for
    // The proofs land: the node serves TIP and announces it again.
    node.options.height = TIP
    hub.publish('node', announce(fx.chain, TIP))
    await untilHeight(client, TIP)
    await expect(client.requireFresh({ maxLagMs: 600_000, maxLagBlocks: 1 })).resolves.toMatchObject({ verifiedHeight: TIP, lagBlocks: 0 })
  })
})
