// Four validators as four libp2p hosts in one process (stand-in proofs): they certify
// blocks together, keep one chain, relay submitted transfers; a proposal that reached
// one validator before its proposer vanished is proposed again by the next round's
// proposer; a validator whose promise and vote disagree leaves evidence that is logged
// and served. The separate-process cases (crashes, SIGKILL, halting) are in
// validators.test.ts.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { equalBytes } from '../../src/core/bytes.ts'
import { promiseMessage, proposalMessage, proposerOf, signConsensusMessage } from '../../src/core/consensus.ts'
import { hashHeader } from '../../src/core/header.ts'
import { silentLogger } from '../../src/core/logger.ts'
import { qcMessage, verifyQuorumCertificate } from '../../src/core/quorum.ts'
import type { Block, Header } from '../../src/core/types.ts'
import { EVIDENCE, PREPARE, PROPOSE } from '../../src/net/consensus-protocols.ts'
import { parseMultiaddr } from '../../src/net/dial.ts'
import { createNodeHost, type NodeHost } from '../../src/net/host.ts'
import { call, serve } from '../../src/net/rpc.ts'
import { chainIdentity } from '../../src/node/chain-spec.ts'
import { loadOrCreateIdentity } from '../../src/node/identity.ts'
import { startLedgerNode, type LedgerNode } from '../../src/node/ledger-node.ts'
import { peerIdOf } from '../../src/net/keys.ts'
import { transfer, type TestAccount } from '../helpers/fixture.ts'
import { acceptAllVerifier, FakeProver, makeSpec, type NodeFixture } from './helpers/spec.ts'

const BLOCK_MS = 1000
let fx: NodeFixture
let root: string
const nodes: (LedgerNode | undefined)[] = []
const hosts: NodeHost[] = []

beforeAll(async () => {
  fx = await makeSpec()
})
afterEach(async () => {
  for (const n of nodes.splice(0)) await n?.stop()
  for (const h of hosts.splice(0)) await h.stop()
  if (root) await rm(root, { recursive: true, force: true })
})
afterAll(() => undefined)

/** Fixed peer ids and ports per validator dir, so every node can be given the others' addresses before any starts. */
async function addressesOf(dirs: string[]): Promise<string[]> {
  const out: string[] = []
  for (const [i, d] of dirs.entries()) {
    await mkdir(d, { recursive: true })
    const id = await loadOrCreateIdentity(d)
    out.push(`/ip4/127.0.0.1/tcp/${PORT_BASE + i}/p2p/${peerIdOf(id.hostKey)}`)
  }
  return out
}
const PORT_BASE = 20_000 + (process.pid % 2000) * 10

async function startValidator(i: number, dirs: string[], addrs: string[], extraPeers: string[] = []): Promise<LedgerNode> {
  const node = await startLedgerNode({
    dir: dirs[i] as string,
    spec: fx.spec,
    ports: { tcp: PORT_BASE + i, ws: 0, webrtc: 0 },
    logger: silentLogger,
    validator: {
      secretKey: fx.validatorKeys[i] as Uint8Array,
      peers: [...addrs.filter((_, j) => j !== i), ...extraPeers],
      blockTimeMs: BLOCK_MS,
      prover: new FakeProver(),
      // FakeProver's proofs are not Groth16 proofs, and a node checks every proof before storing it.
      verifier: acceptAllVerifier,
    },
  })
  nodes[i] = node
  return node
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function setup(which: number[]): Promise<{ dirs: string[]; addrs: string[] }> {
  root = await mkdtemp(join(tmpdir(), 'zklight-consensus-'))
  const dirs = [0, 1, 2, 3].map((i) => join(root, `v${i}`))
  const addrs = await addressesOf(dirs)
  for (const i of which) await startValidator(i, dirs, addrs)
  return { dirs, addrs }
}

const live = () => nodes.filter((n): n is LedgerNode => n !== undefined)

async function sameChain(upTo: number): Promise<void> {
  const [first, ...rest] = live()
  for (let h = 1; h <= upTo; h++) {
    const a = await first!.chain.store.getHeader(h)
    expect(a).toBeDefined()
    const qc = await first!.chain.store.getQc(h)
    expect(verifyQuorumCertificate(a as Header, qc!, fx.spec.validators, first!.chain.genesisHash)).toEqual({ ok: true })
    for (const n of rest) {
      const b = await n.chain.store.getHeader(h)
      if (b) expect(hashHeader(b)).toEqual(hashHeader(a as Header))
    }
  }
}

describe('validators voting over libp2p', () => {
  it('certify blocks together, keep one chain, and carry a transfer submitted to any validator into a block', async () => {
    await setup([0, 1, 2, 3])
    await until('height 4 everywhere', () => live().every((n) => n.chain.head.height >= 4))
    const tag = chainIdentity(fx.spec).chainTag
    const t = transfer(tag, fx.accounts[0] as TestAccount, fx.accounts[1] as TestAccount, 5n, 0)
    // Submitted to validator 3; the proposer of the next height may be any of them.
    expect(await nodes[3]!.submit(t)).toEqual({ ok: true })
    await until('the transfer committed on every validator', () => live().every((n) => n.chain.ledger.accounts.get(0)?.nonce === 1))
    const top = Math.min(...live().map((n) => n.chain.head.height))
    await sameChain(top)
    // Proposers rotate: the chain's headers name more than one proposer.
    const proposers = new Set<number>()
    for (let h = 1; h <= top; h++) proposers.add((await nodes[0]!.chain.store.getHeader(h))!.proposer)
    expect(proposers.size).toBeGreaterThan(1)
  }, 120_000)

  it('a later round proposes again the header a vanished proposer got one vote for', async () => {
    // Validator 0 never runs: the test speaks for it, once, to validator 3 only.
    await setup([1, 2, 3])
    const H = 4 // proposerOf(4, 0) = 0
    expect(proposerOf(H, 0, 4)).toBe(0)
    await until('head 3 on validators 1-3', () => live().every((n) => n.chain.head.height === H - 1), 90_000)
    const v3 = nodes[3]!
    const parent = v3.chain.head
    const block: Block = {
      header: {
        chainId: parent.chainId,
        height: H,
        parentHash: hashHeader(parent),
        stateRoot: parent.stateRoot,
        txRoot: 0n,
        timestamp: Date.now(),
        validatorSetHash: parent.validatorSetHash,
        proposer: 0,
      },
      transfers: [],
    }
    const headerHash = hashHeader(block.header)
    const { genesisHash } = chainIdentity(fx.spec)
    const host = await createNodeHost({})
    hosts.push(host)
    const answer = await call(host, parseMultiaddr(v3.multiaddrs().find((a) => a.includes('/tcp/'))!), PROPOSE, {
      height: H,
      round: 0,
      block,
      validator: 0,
      signature: signConsensusMessage(fx.validatorKeys[0]!, proposalMessage(genesisHash, H, 0, headerHash)),
      promises: [],
    })
    expect(answer).toMatchObject({ kind: 'propose', status: 'voted', validator: 3 })
    // Round 0 times out; round 1's proposer (validator 1) learns of the vote from validator 3's promise.
    await until('height 4 committed', () => live().every((n) => n.chain.head.height >= H), 60_000)
    for (const n of live()) expect(hashHeader((await n.chain.store.getHeader(H))!)).toEqual(headerHash)
    await sameChain(H)
  }, 150_000)

  it('keeps, logs and serves evidence when a validator reports one vote in its promise and casts another', async () => {
    root = await mkdtemp(join(tmpdir(), 'zklight-consensus-'))
    const dirs = [0, 1, 2, 3].map((i) => join(root, `v${i}`))
    const addrs = await addressesOf(dirs)
    // The test is validator 0, Byzantine: it reports a vote for X in every promise and answers proposals "locked" on Z.
    const id0 = await loadOrCreateIdentity(dirs[0] as string)
    const host = await createNodeHost({ privateKey: id0.hostKey, tcpPort: PORT_BASE, wsPort: 0, webrtcDirectPort: 0 })
    hosts.push(host)
    const { genesisHash } = chainIdentity(fx.spec)
    const sk0 = fx.validatorKeys[0] as Uint8Array
    const H = 4
    // An empty block at `height` on the chain the honest validators hold, proposed by validator 0.
    const fake = async (height: number, salt: number): Promise<Block> => {
      const parent = (await live()[0]!.chain.store.getHeader(height - 1))!
      return {
        header: {
          chainId: parent.chainId,
          height,
          parentHash: hashHeader(parent),
          stateRoot: parent.stateRoot,
          txRoot: 0n,
          timestamp: parent.timestamp + salt,
          validatorSetHash: parent.validatorSetHash,
          proposer: 0,
        },
        transfers: [],
      }
    }
    const reported = new Map<number, Block>()
    await serve(host, PREPARE, async (q) => {
      if (!reported.has(q.height)) reported.set(q.height, await fake(q.height, 1))
      const x = reported.get(q.height) as Block
      const xh = hashHeader(x.header)
      const vote = {
        round: 0,
        headerHash: xh,
        voteSignature: signConsensusMessage(sk0, qcMessage(genesisHash, xh)),
        proposalSignature: signConsensusMessage(sk0, proposalMessage(genesisHash, q.height, 0, xh)),
      }
      const signature = signConsensusMessage(sk0, promiseMessage(genesisHash, q.height, q.round, { round: 0, headerHash: xh }))
      return { kind: 'prepare' as const, promise: { validator: 0, signature, vote }, block: x }
    })
    await serve(host, PROPOSE, async (q) => {
      const zh = hashHeader((await fake(q.height, 2)).header)
      return { kind: 'propose' as const, status: 'locked' as const, validator: 0, headerHash: zh, signature: signConsensusMessage(sk0, qcMessage(genesisHash, zh)) }
    })
    for (const i of [1, 2, 3]) await startValidator(i, dirs, addrs)
    // Height 4's round-0 proposer is validator 0, which never proposes: round 1 gathers promises.
    await until('height 4 committed', () => live().every((n) => n.chain.head.height >= H), 90_000)
    await until('evidence against validator 0', () => live().some((n) => n.evidence.all.some((e) => e.validator === 0 && e.height === H)), 30_000)
    const holder = live().find((n) => n.evidence.all.length > 0)!
    const served = await call(host, parseMultiaddr(holder.multiaddrs().find((a) => a.includes('/tcp/'))!), EVIDENCE, { from: 0 })
    if (served.kind !== 'evidence') throw new Error(`expected evidence, got ${served.kind}`)
    const e = served.evidence.find((v) => v.validator === 0 && v.height === H)
    expect(e).toBeDefined()
    expect(equalBytes(e!.a.headerHash, e!.b.headerHash)).toBe(false)
    const dir = dirs[[1, 2, 3].find((i) => nodes[i] === holder) as number] as string
    expect(await readFile(join(dir, 'evidence.jsonl'), 'utf8')).toContain('"validator":0')
    // The honest three still certified one header at H and agree on it.
    await sameChain(H)
  }, 150_000)
})
