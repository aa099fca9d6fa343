// The node's side of the wire rules of docs/protocol.md, over real libp2p on loopback:
// the precedence of range errors, account requests, and what a status answer commits to.
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
import { BAN_MS } from '../../src/node/constants.ts'
import { ACCOUNT, HEADERS, PROOFS, STATUS } from '../../src/net/protocols.ts'
import { chainIdentity } from '../../src/node/chain-spec.ts'
import { startLedgerNode, type LedgerNode } from '../../src/node/ledger-node.ts'
import { RANGE_PROTOCOLS, rangeCases } from '../net/range-cases.ts'
import { makeSpec, P, type NodeFixture } from './helpers/spec.ts'
import { tcpAddr } from './helpers/processes.ts'
import { startWireClient, until, type WireClient } from './helpers/wire.ts'

/** The system clock, moved forward by hand: bans and rate limits run on it, timers stay real. */
const clock = { ...systemClock, skew: 0, now: () => Date.now() + clock.skew }
let dir: string
let fx: NodeFixture
let node: LedgerNode
let wire: WireClient
const SPECS = { headers: HEADERS, proofs: PROOFS } as const

beforeAll(async () => {
  fx = await makeSpec()
  dir = await mkdtemp(join(tmpdir(), 'zklight-wire-rules-'))
  // Neither producing nor following: it serves genesis and refuses transfers.
  node = await startLedgerNode({ dir: join(dir, 'node'), spec: fx.spec, logger: silentLogger, clock })
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
