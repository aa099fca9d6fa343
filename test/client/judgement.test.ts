// How the light client judges what peers answer (docs/protocol.md#clients): `unavailable`
// is a fault that costs score (until the peer is dropped), `not-found` a normal answer
// that costs nothing; a proofs answer whose last block has no certificate is a fault and
// is never adopted; an account answer is checked against the client's own verified root,
// whatever header it comes with. Asserted through `banned` events and client.peers().
import { describe, expect, it } from 'vitest'
import { encodeAddress } from '../../src/core/address.ts'
import { createLedger, getAccountProof } from '../../src/core/ledger.ts'
import type { Account, BlockEntry } from '../../src/core/types.ts'
import { decodeAccountResponse, encodeAccountResponse, encodeError } from '../../src/net/messages.ts'
import { ACCOUNT, PROOFS } from '../../src/net/protocols.ts'
import type { LightClient } from '../../src/client/light-client.ts'
import { createFakeNode, type FakeNodeOptions } from './helpers/fake-node.ts'
import { until, untilHeight, useClientFixture } from './helpers/harness.ts'
import { MemoryHub } from './helpers/memory-net.ts'
import { CHAIN_PLAN } from './helpers/plan.ts'

const fx = useClientFixture()
const TIP = CHAIN_PLAN.length

const addressOf = (i: number) => encodeAddress(i, (fx.chain.accounts[i] as { pubKey: readonly [bigint, bigint] }).pubKey)
const peerView = (client: LightClient, id: string) => client.peers().find((p) => p.id === id)
/** Answers every request of `protocol` with an error of `code`. */
const refusing = (protocol: string, code: 'not-found' | 'unavailable'): FakeNodeOptions => ({
  bytes: (id, answer) => (id === protocol ? encodeError({ code, message: 'test' }) : answer),
})

async function start(nodes: Record<string, FakeNodeOptions>) {
  const hub = new MemoryHub()
  const handles = Object.fromEntries(Object.entries(nodes).map(([id, o]) => [id, createFakeNode(fx.chain, o)]))
  for (const [id, n] of Object.entries(handles)) hub.setHandlers(id, n.handlers)
  const s = await fx.start({ hub, peers: Object.keys(nodes) })
  await untilHeight(s.client, TIP)
  return { ...s, handles }
}

describe('error answers', () => {
  it('not-found is a normal answer: the peer keeps its score however often it says it', async () => {
    const { client, banned } = await start({ empty: refusing(ACCOUNT.id, 'not-found') })
    const before = peerView(client, 'empty')
    for (let i = 0; i < 8; i++) await expect(client.getBalance(addressOf(0))).rejects.toMatchObject({ name: 'NoVerifiedAnswer' })
    expect(peerView(client, 'empty')).toMatchObject({ score: before?.score })
    expect(peerView(client, 'empty')?.lastOffence).toBeUndefined()
    expect(banned).toEqual([])
  })

  it('unavailable is a fault: each costs score, and enough of them drop the peer when another is left to ask', async () => {
    const { client, banned } = await start({ busy: refusing(ACCOUNT.id, 'unavailable'), empty: refusing(ACCOUNT.id, 'not-found') })
    const before = peerView(client, 'busy')?.score ?? 0
    await expect(client.getBalance(addressOf(0))).rejects.toMatchObject({ name: 'NoVerifiedAnswer' })
    expect(peerView(client, 'busy')).toMatchObject({ lastOffence: 'unavailable' })
    expect(peerView(client, 'busy')?.score).toBeLessThan(before)
    const dropped = until(client, 'banned', (b: { peer: string }) => b.peer === 'busy')
    for (let i = 0; i < 50 && banned.length === 0; i++) await client.getBalance(addressOf(0)).catch(() => undefined)
    expect(await dropped).toMatchObject({ peer: 'busy', kind: 'fault', why: 'unavailable' })
    expect(banned.map((b) => b.peer)).toEqual(['busy'])
  })

  it('the last usable peer is not dropped for faults: it stays, asked last, at the score floor', async () => {
    const { client, banned } = await start({ busy: refusing(ACCOUNT.id, 'unavailable') })
    // Far more faults than drop a peer that has company (six unavailable answers reach the floor).
    for (let i = 0; i < 12; i++) await expect(client.getBalance(addressOf(0))).rejects.toMatchObject({ name: 'NoVerifiedAnswer' })
    expect(banned).toEqual([])
    expect(peerView(client, 'busy')).toMatchObject({ score: -10, lastOffence: 'unavailable' })
    expect(client.health().peers).toBe(1)
  })

  it('the same holds in range sync: proofs unavailable cost score, proofs not-found do not', async () => {
    const hub = new MemoryHub()
    const handles = { honest: createFakeNode(fx.chain), busy: createFakeNode(fx.chain, refusing(PROOFS.id, 'unavailable')), empty: createFakeNode(fx.chain, refusing(PROOFS.id, 'not-found')) }
    for (const [id, n] of Object.entries(handles)) hub.setHandlers(id, n.handlers)
    // One block per range and three ranges at a time: every peer is asked.
    const s = await fx.start({ hub, peers: Object.keys(handles), tuning: { chunk: 1, parallel: 3 } })
    await untilHeight(s.client, TIP)
    for (const id of ['busy', 'empty'] as const) expect(handles[id].served.get(PROOFS.id) ?? 0).toBeGreaterThan(0)
    const busy = peerView(s.client, 'busy')
    expect(busy?.lastOffence ?? s.banned.find((b) => b.peer === 'busy')?.why).toBe('unavailable')
    if (busy) expect(busy.score).toBeLessThan(0)
    expect(peerView(s.client, 'empty')).toMatchObject({ score: expect.any(Number) })
    expect(peerView(s.client, 'empty')?.lastOffence).toBeUndefined()
    expect(peerView(s.client, 'empty')?.score).toBeGreaterThanOrEqual(0)
    expect(s.banned.filter((b) => b.peer !== 'busy')).toEqual([])
  })
})

describe('proofs answers', () => {
  it('a range whose last block has no certificate is a fault, not an offence', async () => {
    const uncertified: FakeNodeOptions = { proofs: (es) => es.map((e, i) => (i === es.length - 1 ? { ...e, qc: null } : e)) }
    const { client, banned, handles } = await start({ honest: {}, uncertified })
    expect(handles.uncertified?.served.get(PROOFS.id) ?? 0).toBeGreaterThan(0)
    expect(peerView(client, 'uncertified')?.lastOffence ?? banned.find((b) => b.peer === 'uncertified')?.why).toBe('unavailable')
    expect(banned.filter((b) => b.kind === 'offence')).toEqual([])
  })
})

describe('account answers', () => {
  it('are checked against the root the client verified, not the header they come with', async () => {
    // A consistent forgery: a tree where account 3 is rich, its root in the answered header.
    const state = fx.chain.states[TIP]
    if (!state) throw new Error('no state at the tip')
    const forged = createLedger(
      fx.chain.chainTag,
      fx.chain.depth,
      [...state.accounts].map(([index, account]) => ({ index, account: index === 3 ? { ...account, balance: 10n ** 12n } : account })),
    )
    const liar: FakeNodeOptions = {
      bytes: (protocol, answer) => {
        if (protocol !== ACCOUNT.id) return answer
        const d = decodeAccountResponse(answer)
        if (!d.ok || d.value.kind !== 'account') return answer
        return encodeAccountResponse({ ...d.value, header: { ...d.value.header, stateRoot: forged.tree.root }, accountProof: getAccountProof(forged, 3) })
      },
    }
    const { client, banned } = await start({ liar })
    await expect(client.getBalance(addressOf(3))).rejects.toMatchObject({ name: 'NoVerifiedAnswer' })
    expect(banned.find((b) => b.peer === 'liar')).toMatchObject({ kind: 'offence', why: 'bad-account-proof' })
    expect((state.accounts.get(3) as Account).balance).not.toBe(10n ** 12n)
    expect((fx.chain.entries[TIP] as BlockEntry).block.header.stateRoot).not.toBe(forged.tree.root)
  })
})
