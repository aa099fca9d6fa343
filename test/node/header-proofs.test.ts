// The node's answer on /zklight/header-proofs/1.0.0 (docs/protocol.md#header-proofs), over
// real libp2p on loopback: the blocks a proofs answer holds, without transfers, with one
// certificate (the last block's); empty blocks without a proof; nothing above the proven
// head; the range precedence of proofs; and the bytes it saves.
import '../../src/polyfill.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/core/logger.ts'
import { encodeQuorumCertificate } from '../../src/core/codec.ts'
import { HEADER_PROOFS } from '../../src/net/header-proofs-messages.ts'
import { MAX_PROOFS_PER_REQUEST } from '../../src/net/constants.ts'
import { PROOFS } from '../../src/net/protocols.ts'
import { chainIdentity } from '../../src/node/chain-spec.ts'
import { startLedgerNode, type LedgerNode } from '../../src/node/ledger-node.ts'
import { transfer, type TestAccount } from '../helpers/fixture.ts'
import { rangeCases } from '../net/range-cases.ts'
import { tcpAddr } from './helpers/processes.ts'
import { acceptAllVerifier, FakeProver, makeSpec, type NodeFixture } from './helpers/spec.ts'
import { startWireClient, until, type WireClient } from './helpers/wire.ts'

let dir: string
let fx: NodeFixture
let node: LedgerNode
let wire: WireClient
let addr: string
let head: number

beforeAll(async () => {
  fx = await makeSpec()
  dir = await mkdtemp(join(tmpdir(), 'zklight-header-proofs-'))
  node = await startLedgerNode({
    dir: join(dir, 'node'),
    spec: fx.spec,
    producer: { validatorKeys: fx.validatorKeys, blockTimeMs: 20, prover: new FakeProver(), verifier: acceptAllVerifier },
    logger: silentLogger,
  })
  addr = tcpAddr(node.multiaddrs())
  wire = await startWireClient()
  const tag = chainIdentity(fx.spec).chainTag
  const a = (i: number) => fx.accounts[i] as TestAccount
  for (const [from, to, nonce] of [
    [0, 1, 0],
    [1, 2, 0],
    [2, 3, 0],
  ] as const) {
    expect(await node.submit(transfer(tag, a(from), a(to), 5n, nonce))).toEqual({ ok: true })
    await until(async () => (node.chain.ledger.accounts.get(a(from).index)?.nonce === nonce + 1 ? true : undefined), 20_000, `transfer ${from} -> ${to} in a block`, 20)
  }
  await until(async () => (node.chain.servedHead.header.height >= 12 ? true : undefined), 30_000, 'a served head at 12', 20)
  await node.producer!.stop()
  await until(async () => (node.chain.servedHead.header.height === node.chain.head.height ? true : undefined), 20_000, 'every block proven', 20)
  head = node.chain.servedHead.header.height
}, 120_000)

afterAll(async () => {
  await wire?.stop()
  await node?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('header-proofs on the node', () => {
  it('answers the blocks of a proofs answer without their transfers, with the last block certificate alone', async () => {
    const full = await wire.ask(addr, PROOFS, { from: 1, count: head })
    const lean = await wire.ask(addr, HEADER_PROOFS, { from: 1, count: head })
    expect(lean.entries).toHaveLength(head)
    expect(lean.entries.map((e) => e.header)).toEqual(full.entries.map((e) => e.block.header))
    expect(lean.entries.map((e) => e.proof)).toEqual(full.entries.map((e) => e.proof))
    expect(lean.qc).toEqual(full.entries.at(-1)?.qc)
    // Some blocks carry transfers (and proofs), the others are empty (no proof, txRoot 0).
    const proven = full.entries.filter((e) => e.block.transfers.length > 0)
    expect(proven).toHaveLength(3)
    for (const e of lean.entries) expect(e.proof === null).toBe(e.header.txRoot === 0n)
  })

  it('stops at the proven head and answers not-found above it', async () => {
    const from = head - 2
    const lean = await wire.ask(addr, HEADER_PROOFS, { from, count: MAX_PROOFS_PER_REQUEST })
    expect(lean.entries.map((e) => e.header.height)).toEqual([from, from + 1, from + 2])
    expect(lean.qc).toEqual(await node.chain.store.getQc(head))
    expect(await wire.askRaw(addr, HEADER_PROOFS, { from: head + 1, count: 1 })).toMatchObject({ kind: 'error', code: 'not-found' })
  })

  it('judges a range like the proofs protocol: bad-request > range-too-long > not-found', async () => {
    for (const c of rangeCases(MAX_PROOFS_PER_REQUEST)) {
      const answer = await wire.askRaw(addr, HEADER_PROOFS, { from: c.from, count: c.count })
      expect({ what: c.what, answer }).toMatchObject({ what: c.what, answer: { kind: 'error', code: c.code } })
    }
  })

  it('costs fewer bytes than a proofs answer of the same blocks', async () => {
    const full = PROOFS.encodeResponse(await wire.ask(addr, PROOFS, { from: 1, count: head })).length
    const leanAnswer = await wire.ask(addr, HEADER_PROOFS, { from: 1, count: head })
    const lean = HEADER_PROOFS.encodeResponse(leanAnswer).length
    // The certificates of every block but the last, and every transfer, stay home.
    const qcBytes = encodeQuorumCertificate(leanAnswer.qc).length
    expect(full - lean).toBeGreaterThanOrEqual((head - 1) * (1 + qcBytes) + 3 * 182)
  })
})
