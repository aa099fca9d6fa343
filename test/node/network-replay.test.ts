// Nothing signed for one network counts on another. Two chains from one spec that differ
// only in their network id — same profile, validator keys, accounts, genesis time, even
// the same 4-byte chainId label — so only the genesis-derived chain tag (transfers) and
// genesis hash (votes) tell them apart. A transfer signed for A is refused by B's ledger,
// mempool, validators and a running B node (bad-signature); a vote and a certificate made
// on A do not count on B (certificates, promises, double-vote evidence), and a B follower
// refuses a block certified on A from a peer that claims to be on B. Each refusal has a
// control: the same thing signed for B is accepted.
import '../../src/polyfill.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { equalBytes } from '../../src/core/bytes.ts'
import { checkPromise, isDoubleVote, promiseMessage, proposalMessage, signConsensusMessage, type SignedPromise } from '../../src/core/consensus.ts'
import { hashHeader } from '../../src/core/header.ts'
import { applyBlockTransfers, cloneLedger, verifyTransfer } from '../../src/core/ledger.ts'
import { silentLogger } from '../../src/core/logger.ts'
import { makeQuorumCertificate, qcMessage, signVote, verifyQuorumCertificate } from '../../src/core/quorum.ts'
import { computeTxRoot } from '../../src/core/tx-root.ts'
import type { Block, BlockEntry, Header, QuorumCertificate, Transfer } from '../../src/core/types.ts'
import { systemClock } from '../../src/client/deps.ts'
import { createNodeHost, type NodeHost } from '../../src/net/host.ts'
import { PROOFS, STATUS, SUBMIT } from '../../src/net/protocols.ts'
import { serve } from '../../src/net/rpc.ts'
import { ChainState } from '../../src/node/chain.ts'
import { chainIdentity, genesisHeader, genesisLedger, type ChainSpec } from '../../src/node/chain-spec.ts'
import { Follower } from '../../src/node/follower.ts'
import { startLedgerNode, type LedgerNode } from '../../src/node/ledger-node.ts'
import { Mempool } from '../../src/node/mempool.ts'
import { Validator } from '../../src/node/validator.ts'
import type { ProofVerifier } from '../../src/zk/proof-verifier.ts'
import { transfer, type TestAccount } from '../helpers/fixture.ts'
import { tcpAddr } from './helpers/processes.ts'
import { FakeProver, makeSpec, P, SHAPED_VK, type NodeFixture } from './helpers/spec.ts'
import { startWireClient, until, type WireClient } from './helpers/wire.ts'

let fx: NodeFixture
let A: ChainSpec
let B: ChainSpec
let dir: string
let wire: WireClient
const hosts: NodeHost[] = []
const nodes: LedgerNode[] = []
const chains: ChainState[] = []

const acct = (i: number) => fx.accounts[i] as TestAccount
const id = (s: ChainSpec) => chainIdentity(s)
/** The same transfer (account 0 pays account 1 five units, nonce 0) signed for `s`. */
const payment = (s: ChainSpec): Transfer => transfer(id(s).chainTag, acct(0), acct(1), 5n, 0)
const validatorsOf = (s: ChainSpec) => {
  const { chainId, chainTag, genesisHash } = id(s)
  return fx.validatorKeys.map((k, i) => new Validator(i, k, { chainId, chainTag, genesisHash, batch: P.batch, validatorCount: 4 }))
}

/** Block 1 of `s` as its height-1 proposer would build it, holding `transfers` (txRoot under `s`'s tag). */
function blockOne(s: ChainSpec, transfers: Transfer[]): { parent: Header; block: Block } {
  const parent = genesisHeader(s)
  const after = cloneLedger(genesisLedger(s))
  applyBlockTransfers(after, transfers)
  const header: Header = {
    ...parent,
    height: 1,
    parentHash: hashHeader(parent),
    stateRoot: after.tree.root,
    txRoot: computeTxRoot(id(s).chainTag, transfers),
    timestamp: s.genesisTime + 1000,
    proposer: 1,
  }
  return { parent, block: { header, transfers } }
}

/** Block 1 of `s`, empty, certified by `s`'s validators through their review. */
function certifiedOne(s: ChainSpec): BlockEntry {
  const { parent, block } = blockOne(s, [])
  const votes = validatorsOf(s).map((v) => {
    const r = v.review(parent, genesisLedger(s), block, s.genesisTime + 1000)
    if (!r.ok) throw new Error(`validator ${v.index} refused its own chain's block: ${r.reason}`)
    return r.vote
  })
  return { block, qc: makeQuorumCertificate(hashHeader(block.header), votes), proof: null }
}

/** A certificate on `header` from validators 0..2, signed as on the network of `genesisHash`. */
const certifyAs = (genesisHash: Uint8Array, header: Header): QuorumCertificate =>
  makeQuorumCertificate(
    hashHeader(header),
    [0, 1, 2].map((i) => signVote(fx.validatorKeys[i] as Uint8Array, genesisHash, hashHeader(header), i)),
  )

beforeAll(async () => {
  fx = await makeSpec(4, 6, SHAPED_VK, 'replay-network-a')
  A = fx.spec
  // Only the network id differs, and not even in the 4 bytes the chainId label is made of.
  const networkId = Uint8Array.from(A.networkId)
  networkId[31] = (networkId[31] as number) ^ 1
  B = { ...A, networkId }
  dir = await mkdtemp(join(tmpdir(), 'zklight-network-replay-'))
  wire = await startWireClient()
})

afterAll(async () => {
  for (const n of nodes.reverse()) await n.stop()
  for (const c of chains) await c.close()
  await Promise.allSettled(hosts.map((h) => h.stop()))
  await wire?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('two networks that differ only in their network id', () => {
  it('share validators, accounts and the chainId label, but not the genesis hash or the chain tag', () => {
    expect(id(B).chainId).toBe(id(A).chainId)
    expect(B.validators).toEqual(A.validators)
    expect(genesisLedger(B).tree.root).toBe(genesisLedger(A).tree.root)
    expect(equalBytes(id(A).genesisHash, id(B).genesisHash)).toBe(false)
    expect(id(A).chainTag).not.toBe(id(B).chainTag)
  })
})

describe('a transfer signed for A, replayed on B', () => {
  it("is refused by B's ledger, mempool and chain state (bad-signature); the same transfer signed for B is taken", async () => {
    const onA = payment(A)
    expect(verifyTransfer(genesisLedger(A), onA)).toEqual({ ok: true })
    expect(new Mempool(genesisLedger(A)).add(onA)).toEqual({ ok: true })

    expect(verifyTransfer(genesisLedger(B), onA)).toEqual({ ok: false, reason: 'bad-signature' })
    const chainB = await ChainState.open(join(dir, 'b-chain'), B)
    chains.push(chainB)
    const pool = new Mempool(chainB.ledger)
    expect(pool.add(onA)).toEqual({ ok: false, reason: 'bad-signature' })
    expect(pool.add(payment(B))).toEqual({ ok: true })
  })

  it("is refused by B's validators inside a B block (bad-signature, transfer 0); the block with B's signature gets their votes", () => {
    const refused = blockOne(B, [payment(A)])
    const taken = blockOne(B, [payment(B)])
    for (const v of validatorsOf(B)) {
      const now = B.genesisTime + 1000
      expect(v.review(refused.parent, genesisLedger(B), refused.block, now)).toEqual({ ok: false, reason: 'bad-signature', transfer: 0 })
      expect(v.review(taken.parent, genesisLedger(B), taken.block, now).ok).toBe(true)
    }
  })

  it('is refused by a running B node over the wire (bad-signature)', async () => {
    const node = await startLedgerNode({
      dir: join(dir, 'b-submit'),
      spec: B,
      producer: { validatorKeys: fx.validatorKeys, blockTimeMs: 200, prover: new FakeProver() },
      logger: silentLogger,
    })
    nodes.push(node)
    const r = await wire.ask(tcpAddr(node.multiaddrs()), SUBMIT, { transfer: payment(A) })
    expect(r).toEqual({ kind: 'submit', accepted: false, reason: 'bad-signature' })
    expect(node.mempool?.size).toBe(0)
  })
})

describe('a vote and a certificate made on A, replayed on B', () => {
  it("A's certificate on A's block 1 does not verify with B's genesis hash; B's validators refuse the block", () => {
    const a1 = certifiedOne(A)
    const qc = a1.qc as QuorumCertificate
    expect(verifyQuorumCertificate(a1.block.header, qc, A.validators, id(A).genesisHash)).toEqual({ ok: true })
    // Same validator keys, same set hash: only the genesis hash in the signed message differs.
    expect(verifyQuorumCertificate(a1.block.header, qc, B.validators, id(B).genesisHash)).toEqual({ ok: false, reason: 'bad-signature' })
    for (const v of validatorsOf(B)) expect(v.review(genesisHeader(B), genesisLedger(B), a1.block, B.genesisTime + 1000)).toEqual({ ok: false, reason: 'not-linked' })
  })

  it("votes signed as on A do not certify even a header of B's own chain; the same votes signed for B do", () => {
    const { block } = blockOne(B, [])
    expect(verifyQuorumCertificate(block.header, certifyAs(id(A).genesisHash, block.header), B.validators, id(B).genesisHash)).toEqual({ ok: false, reason: 'bad-signature' })
    expect(verifyQuorumCertificate(block.header, certifyAs(id(B).genesisHash, block.header), B.validators, id(B).genesisHash)).toEqual({ ok: true })
  })

  it('consensus messages: a promise made on A is a bad promise on B, a vote reported from A a bad report, and A and B votes are no double-vote evidence', () => {
    const keyOf = (i: number) => fx.validatorKeys[i] as Uint8Array
    const ctx = (s: ChainSpec) => ({ genesisHash: id(s).genesisHash, validators: s.validators, height: 1, round: 1 })
    // A promise for (height 1, round 1) with no vote to report.
    const bare = (s: ChainSpec): SignedPromise => ({ validator: 2, signature: signConsensusMessage(keyOf(2), promiseMessage(id(s).genesisHash, 1, 1, null)), vote: null })
    expect(checkPromise(ctx(A), bare(A))).toEqual({ ok: true })
    expect(checkPromise(ctx(B), bare(A))).toEqual({ ok: false, reason: 'bad-promise' })
    expect(checkPromise(ctx(B), bare(B))).toEqual({ ok: true })

    // A promise signed for B that reports a vote cast in round 0, its vote and proposal signatures made on `votedOn`.
    const { block } = blockOne(B, [])
    const headerHash = hashHeader(block.header)
    const reporting = (votedOn: ChainSpec): SignedPromise => ({
      validator: 2,
      signature: signConsensusMessage(keyOf(2), promiseMessage(id(B).genesisHash, 1, 1, { round: 0, headerHash })),
      vote: {
        round: 0,
        headerHash,
        voteSignature: signConsensusMessage(keyOf(2), qcMessage(id(votedOn).genesisHash, headerHash)),
        proposalSignature: signConsensusMessage(keyOf(1), proposalMessage(id(votedOn).genesisHash, 1, 0, headerHash)),
      },
    })
    expect(checkPromise(ctx(B), reporting(B))).toEqual({ ok: true })
    expect(checkPromise(ctx(B), reporting(A))).toEqual({ ok: false, reason: 'bad-report' })

    // One key voting at height 1 on each network is not equivocation on either.
    const a1 = certifiedOne(A)
    const voteA = { headerHash: hashHeader(a1.block.header), signature: (a1.qc as QuorumCertificate).signatures[0]?.signature as Uint8Array }
    const voteB = { headerHash, signature: signVote(keyOf(0), id(B).genesisHash, headerHash, 0).signature }
    expect(isDoubleVote(id(B).genesisHash, B.validators[0] as Uint8Array, voteA, voteB)).toBe(false)
    expect(isDoubleVote(id(A).genesisHash, A.validators[0] as Uint8Array, voteA, voteB)).toBe(false)
  })

  it("a B follower refuses A's certified block from a peer claiming to be on B (bad-certificate), and follows B's chain from an honest peer", async () => {
    const a1 = certifiedOne(A)
    // The liar answers as a node of B whose head is A's block 1.
    const liar = await createNodeHost({ wsPort: null, webrtcDirectPort: null, relayServer: false })
    hosts.push(liar)
    await serve(liar, STATUS, () => ({
      kind: 'status' as const,
      chainId: id(B).chainId,
      genesisHash: id(B).genesisHash,
      headHeight: 1,
      headHeader: a1.block.header,
      headQc: a1.qc,
    }))
    await serve(liar, PROOFS, () => ({ kind: 'proofs' as const, entries: [a1] }))
    const honest = await startLedgerNode({
      dir: join(dir, 'b-producer'),
      spec: B,
      producer: { validatorKeys: fx.validatorKeys, blockTimeMs: 200, prover: new FakeProver() },
      logger: silentLogger,
    })
    nodes.push(honest)
    await until(async () => (honest.chain.servedHead.header.height >= 1 ? true : undefined), 30_000, 'the B producer to serve block 1')

    const chain = await ChainState.open(join(dir, 'b-follower'), B)
    chains.push(chain)
    const dialer = await createNodeHost({ tcpPort: null, wsPort: null, webrtcDirectPort: null, relayServer: false })
    hosts.push(dialer)
    // No transfers on B here, so no block needs a proof: a proof reaching the verifier is a test bug.
    const noProofs: ProofVerifier = { verifyBatch: async (items) => (items.length === 0 ? { ok: true } : { ok: false, bad: items.map((_, i) => i) }), close: async () => {} }
    const bans: { peer: string; offence: string; detail: string }[] = []
    const liarAddr = liar
      .getMultiaddrs()
      .map(String)
      .find((m) => m.includes('/tcp/')) as string
    const honestAddr = tcpAddr(honest.multiaddrs())
    // The liar first: the follower asks its peers in order, so it is asked for block 1.
    const follower = new Follower({
      chain,
      host: dialer,
      peers: [liarAddr, honestAddr],
      verifier: noProofs,
      clock: systemClock,
      logger: silentLogger,
      pollMs: 200,
      onBan: (peer, offence, detail) => bans.push({ peer, offence, detail }),
    })
    follower.start()
    try {
      await until(async () => (chain.head.height >= 1 && bans.length > 0 ? true : undefined), 60_000, 'the follower to refuse the liar and follow the honest node')
    } finally {
      await follower.stop()
    }
    expect(bans).toEqual([{ peer: liarAddr, offence: 'bad-certificate', detail: 'block 1: bad-signature' }])
    expect(hashHeader(chain.head)).not.toEqual(hashHeader(a1.block.header))
    expect(hashHeader((await chain.store.getHeader(1)) as Header)).toEqual(hashHeader((await honest.chain.store.getHeader(1)) as Header))
  })
})
