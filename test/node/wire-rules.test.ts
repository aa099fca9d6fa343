// The node's side of the wire rules of docs/protocol.md, over real libp2p on loopback:
// the precedence of range errors, account requests, what a status answer commits to,
// bans on a moved clock, submits rate-limited per peer, bad signatures penalised, and a
// follower forwarding submits upstream.
import '../../src/polyfill.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashChainParams } from '../../src/core/chain.ts'
import { silentLogger } from '../../src/core/logger.ts'
import { systemClock } from '../../src/client/deps.ts'
import { parseMultiaddr } from '../../src/net/dial.ts'
import { request } from '../../src/net/rpc.ts'
import { MAX_BAD_SIGNATURES } from '../../src/net/constants.ts'
import { BAN_MS, SUBMIT_BURST, SUBMIT_RATE_PER_S } from '../../src/node/constants.ts'
import type { Transfer } from '../../src/core/types.ts'
import { transfer, type TestAccount } from '../helpers/fixture.ts'
import { ACCOUNT, HEADERS, PROOFS, STATUS, SUBMIT } from '../../src/net/protocols.ts'
import { HEADER_PROOFS } from '../../src/net/header-proofs-messages.ts'
import { chainIdentity } from '../../src/node/chain-spec.ts'
import { startLedgerNode, type LedgerNode } from '../../src/node/ledger-node.ts'
import { RANGE_PROTOCOLS, rangeCases } from '../net/range-cases.ts'
import { FakeProver, makeSpec, P, type NodeFixture } from './helpers/spec.ts'
import { tcpAddr } from './helpers/processes.ts'
import { startWireClient, until, type WireClient } from './helpers/wire.ts'

/** The system clock, moved forward (or held) by hand: bans and rate limits run on it, timers stay real. */
const clock = { ...systemClock, skew: 0, held: undefined as number | undefined, now: (): number => clock.held ?? Date.now() + clock.skew }
let dir: string
let fx: NodeFixture
let node: LedgerNode
let wire: WireClient
const SPECS = { headers: HEADERS, proofs: PROOFS, 'header-proofs': HEADER_PROOFS } as const
const tx = (from: number, to: number, nonce: number): Transfer => transfer(chainIdentity(fx.spec).chainTag, fx.accounts[from] as TestAccount, fx.accounts[to] as TestAccount, 5n, nonce)

beforeAll(async () => {
  fx = await makeSpec()
  dir = await mkdtemp(join(tmpdir(), 'zklight-wire-rules-'))
  // Cuts no block during the tests: submitted transfers stay in its mempool.
  node = await startLedgerNode({
    dir: join(dir, 'node'),
    spec: fx.spec,
    producer: { validatorKeys: fx.validatorKeys, blockTimeMs: 600_000, prover: new FakeProver() },
    logger: silentLogger,
    clock,
  })
  wire = await startWireClient()
})

afterAll(async () => {
  await wire?.stop()
  await node?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('range requests: bad-request > range-too-long > not-found', () => {
  for (const [name, max] of RANGE_PROTOCOLS) {
    it(`${name} on the node`, async () => {
      const spec = SPECS[name]
      for (const c of rangeCases(max)) {
        const answer = await wire.askRaw(tcpAddr(node.multiaddrs()), spec as typeof HEADERS, { from: c.from, count: c.count })
        expect({ what: c.what, answer }).toMatchObject({ what: c.what, answer: { kind: 'error', code: c.code } })
      }
    })
  }

  it('account: an index outside the tree is bad-request even at a height the node lacks', async () => {
    const addr = tcpAddr(node.multiaddrs())
    expect(await wire.askRaw(addr, ACCOUNT, { index: 2 ** P.depth, height: 10 ** 9 })).toMatchObject({ kind: 'error', code: 'bad-request' })
    expect(await wire.askRaw(addr, ACCOUNT, { index: 0, height: 10 ** 9 })).toMatchObject({ kind: 'error', code: 'not-found' })
    expect(await wire.askRaw(addr, ACCOUNT, { index: 0, height: 0 })).toMatchObject({ kind: 'account', height: 0 })
  })
})

it('status carries the genesis hash, which commits to the depth and batch a peer must use', async () => {
  const s = await wire.ask(tcpAddr(node.multiaddrs()), STATUS, {})
  expect(s.genesisHash).toEqual(node.chain.genesisHash)
  expect(s.headHeader.parentHash).toEqual(hashChainParams(chainIdentity(fx.spec).params))
  for (const profile of [
    { ...P, depth: P.depth + 1 },
    { ...P, batch: P.batch + 1 },
  ]) {
    expect(chainIdentity({ ...fx.spec, profile }).genesisHash).not.toEqual(s.genesisHash)
  }
})

describe('penalties', () => {
  it('refuses a peer that sent malformed bytes on reconnect for BAN_MS (10 minutes), then serves it again', async () => {
    expect(BAN_MS).toBe(10 * 60_000)
    const addr = tcpAddr(node.multiaddrs())
    const bad = await startWireClient()
    try {
      const connected = () => bad.host.getConnections().some((c) => c.remotePeer.equals(node.host.peerId) && c.status === 'open')
      await request(bad.host, parseMultiaddr(addr), STATUS.id, Uint8Array.of(0x42, 1), { maxResponseBytes: 1024, timeoutMs: 3000 }).catch(() => undefined)
      await until(async () => (connected() ? undefined : true), 5000, 'the hang-up')
      clock.skew += BAN_MS - 1000
      await expect(bad.askRaw(addr, STATUS, {})).rejects.toBeInstanceOf(Error)
      await until(async () => (connected() ? undefined : true), 5000, 'the hang-up on reconnect')
      clock.skew += 1000
      expect(await bad.ask(addr, STATUS, {})).toMatchObject({ kind: 'status' })
    } finally {
      await bad.stop()
    }
  })
})

describe('submits', () => {
  const submitFrom = (w: WireClient, t: Transfer) => w.ask(tcpAddr(node.multiaddrs()), SUBMIT, { transfer: t })
  const connectedTo = (w: WireClient) => w.host.getConnections(node.host.peerId).some((c) => c.status === 'open')

  it(`answers rate-limited past a burst of ${SUBMIT_BURST}, per peer, without hanging up, and refills at ${SUBMIT_RATE_PER_S} a second`, async () => {
    const [flooder, other] = [await startWireClient(), await startWireClient()]
    clock.held = clock.now()
    try {
      const t = tx(0, 1, 0)
      const answers = []
      for (let i = 0; i < SUBMIT_BURST + 2; i++) answers.push(await submitFrom(flooder, t))
      // Every submit takes a token, refused or not: one accepted, then duplicates, then no tokens left.
      expect(answers[0]).toEqual({ kind: 'submit', accepted: true })
      expect(answers.slice(1, SUBMIT_BURST)).toEqual(Array(SUBMIT_BURST - 1).fill({ kind: 'submit', accepted: false, reason: 'duplicate' }))
      expect(answers.slice(SUBMIT_BURST)).toEqual(Array(2).fill({ kind: 'submit', accepted: false, reason: 'rate-limited' }))
      expect(connectedTo(flooder)).toBe(true)
      // The bucket is the peer's own.
      expect(await submitFrom(other, t)).toEqual({ kind: 'submit', accepted: false, reason: 'duplicate' })
      clock.held += 1000 / SUBMIT_RATE_PER_S
      expect(await submitFrom(flooder, t)).toEqual({ kind: 'submit', accepted: false, reason: 'duplicate' })
      expect(await submitFrom(flooder, t)).toEqual({ kind: 'submit', accepted: false, reason: 'rate-limited' })
    } finally {
      clock.held = undefined
      await Promise.all([flooder.stop(), other.stop()])
    }
  })

  it(`answers bad-signature, then hangs up on and bans a sender of ${MAX_BAD_SIGNATURES} of them`, async () => {
    const forger = await startWireClient()
    try {
      const forged = { ...tx(2, 3, 0), amount: 6n }
      for (let k = 1; k < MAX_BAD_SIGNATURES; k++) {
        expect(await submitFrom(forger, forged)).toEqual({ kind: 'submit', accepted: false, reason: 'bad-signature' })
        expect(connectedTo(forger)).toBe(true)
      }
      // The last one is still answered, then the connection goes.
      expect(await submitFrom(forger, forged)).toEqual({ kind: 'submit', accepted: false, reason: 'bad-signature' })
      await until(async () => (connectedTo(forger) ? undefined : true), 5000, 'the hang-up')
      await expect(forger.askRaw(tcpAddr(node.multiaddrs()), STATUS, {})).rejects.toBeInstanceOf(Error)
      clock.skew += BAN_MS
      expect(await forger.ask(tcpAddr(node.multiaddrs()), STATUS, {})).toMatchObject({ kind: 'status' })
      // Valid transfers never count: the same peer's good submit is queued.
      expect(await submitFrom(forger, tx(2, 3, 0))).toEqual({ kind: 'submit', accepted: true })
    } finally {
      await forger.stop()
    }
  })
})

describe('a follower', () => {
  it('forwards a submit to its upstream and returns its answer; no-upstream when none answers', async () => {
    const gone = await startWireClient()
    const deadPeer = `/ip4/127.0.0.1/tcp/1/p2p/${gone.host.peerId.toString()}`
    await gone.stop()
    const follower = await startLedgerNode({ dir: join(dir, 'follower'), spec: fx.spec, peers: [tcpAddr(node.multiaddrs())], logger: silentLogger })
    const orphan = await startLedgerNode({ dir: join(dir, 'orphan'), spec: fx.spec, peers: [deadPeer], logger: silentLogger })
    try {
      const before = node.mempool?.pendingAccount(3)?.nonce
      const t = tx(3, 1, before ?? 0)
      expect(await wire.ask(tcpAddr(follower.multiaddrs()), SUBMIT, { transfer: t })).toEqual({ kind: 'submit', accepted: true })
      expect(node.mempool?.pendingAccount(3)?.nonce).toBe((before ?? 0) + 1)
      // The upstream's refusal comes back as it was given.
      expect(await wire.ask(tcpAddr(follower.multiaddrs()), SUBMIT, { transfer: t })).toEqual({ kind: 'submit', accepted: false, reason: 'duplicate' })
      expect(await wire.ask(tcpAddr(orphan.multiaddrs()), SUBMIT, { transfer: tx(3, 1, 7) })).toEqual({ kind: 'submit', accepted: false, reason: 'no-upstream' })
    } finally {
      await follower.stop()
      await orphan.stop()
    }
  })
})
