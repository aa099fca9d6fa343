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
import { untilHeight, useClientFixture } from './helpers/harness.ts'
import { MemoryHub } from './helpers/memory-net.ts'
import { CHAIN_PLAN } from './helpers/plan.ts'

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

  it('verifies against the height a node without history answers at', async () => {
    const { client } = await synced({ node: { latestOnly: true } })
    const b = await client.getBalance(addressOf(0))
    expect(b).toMatchObject({ balance: accountAt(0, TIP).balance, height: TIP, verified: true })
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
  it('requireFresh passes when synced and throws StaleView once no peer confirms the view', async () => {
    let offset = 0
    const clock: Clock = { now: () => Date.now() + offset, setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) }
    const { client, hub } = await synced({ node: {} }, { clock })
    await expect(client.requireFresh({ maxLagMs: 60_000 })).resolves.toMatchObject({ verifiedHeight: TIP, lagBlocks: 0 })
    hub.disconnect('client', 'node')
    offset = 3_600_000
    await expect(client.requireFresh({ maxLagMs: 60_000 })).rejects.toMatchObject({ name: 'StaleView' })
    expect(client.health().status).toBe('stale')
  })

  it('reports lag while a certified head is not yet verified', async () => {
    const { client, hub, handles } = await synced({ node: { height: TIP - 3 } }, { height: TIP - 3 })
    const node = handles.node as { options: FakeNodeOptions }
    node.options.height = TIP
    node.options.silent = true // announces, then serves nothing: the head stays unverified
    hub.publish('node', announce(fx.chain, TIP))
    expect(client.health()).toMatchObject({ verifiedHeight: TIP - 3, bestSeenHeight: TIP, lagBlocks: 3 })
  })
})
