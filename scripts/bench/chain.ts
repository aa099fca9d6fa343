// A deterministic proven chain for benchmarks: N blocks of B transfers among funded
// demo accounts, each with a real Groth16 proof and a 3-of-4 quorum certificate.
// Proving is the slow part (seconds a block), so blocks are appended to a cache
// file as they are proven and a later run continues where the last one stopped.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { ed25519 } from '@noble/curves/ed25519.js'
import { ByteReader, ByteWriter } from '../../src/core/bytes.ts'
import { readBlock, readQuorumCertificate, writeBlock, writeQuorumCertificate } from '../../src/core/codec.ts'
import { chainTagOf, genesisCheckpointOf, makeGenesisHeader } from '../../src/core/chain.ts'
import { hashHeader } from '../../src/core/header.ts'
import { applyBlockTransfers, cloneLedger, createLedger, type LedgerState } from '../../src/core/ledger.ts'
import { makeQuorumCertificate, signVote } from '../../src/core/quorum.ts'
import { derivePublicKey, signTransfer } from '../../src/core/transfer.ts'
import { computeTxRoot } from '../../src/core/tx-root.ts'
import type { Account, Block, ChainParams, Header, QuorumCertificate, Transfer, TrustAnchor } from '../../src/core/types.ts'
import { hashVerificationKey } from '../../src/core/vk-hash.ts'
import { ensureCircuitArtifacts } from '../../src/zk/artifacts.ts'
import type { CircuitProfile } from '../../src/zk/profiles.ts'
import { Prover } from '../../src/zk/prover.ts'
import { genesisSetupOf } from '../../src/zk/setup-record.ts'
import { buildWitnessInput } from '../../src/zk/witness.ts'

export interface BenchBlock {
  block: Block
  proof: Uint8Array
  qc: QuorumCertificate
}

export interface BenchChain {
  profile: CircuitProfile
  genesis: { index: number; account: Account }[]
  validatorKeys: Uint8Array[]
  validatorSet: Uint8Array[]
  genesisHeader: Header
  genesisHash: Uint8Array
  /** The network's signing tag and the proofs' last public input. */
  chainTag: bigint
  /** What a light client of this chain trusts. */
  anchor: TrustAnchor
  blocks: BenchBlock[]
}

const ACCOUNTS = 16
const seed = (label: string) => sha256(new TextEncoder().encode(`zklight-bench:${label}`))

export async function setupGenesis(profile: CircuitProfile): Promise<Omit<BenchChain, 'blocks'> & { keys: Uint8Array[] }> {
  const keys = Array.from({ length: ACCOUNTS }, (_, i) => seed(`account-${i}`))
  const genesis = keys.map((k, index) => ({ index, account: { pubKey: derivePublicKey(k), balance: 1_000_000_000n, nonce: 0 } }))
  const validatorKeys = [0, 1, 2, 3].map((i) => seed(`validator-${i}`))
  const validatorSet = validatorKeys.map((k) => ed25519.getPublicKey(k))
  const { vk, setup: record } = await ensureCircuitArtifacts(profile)
  const vkHash = hashVerificationKey(vk)
  if (!vkHash.ok) throw new Error(`the ${profile.name} profile's verification key does not hash`)
  const setup = genesisSetupOf(record)
  const params: ChainParams = { networkId: seed('network'), batch: profile.batch, depth: profile.depth, vkHash: vkHash.value, ...setup }
  // The genesis root does not depend on the tag (leaves hold keys, balances, nonces).
  const genesisHeader = makeGenesisHeader(params, { stateRoot: createLedger(0n, profile.depth, genesis).tree.root, timestamp: 1_750_000_000_000, validatorSet })
  const genesisHash = hashHeader(genesisHeader)
  const anchor: TrustAnchor = { genesis: genesisHeader, params, checkpoint: genesisCheckpointOf(genesisHeader, validatorSet) }
  return { profile, genesis, validatorKeys, validatorSet, genesisHeader, genesisHash, chainTag: chainTagOf(genesisHash), anchor, keys }
}

function encodeRecord(b: BenchBlock): Uint8Array {
  const w = new ByteWriter()
  writeBlock(w, b.block)
  w.raw(b.proof)
  writeQuorumCertificate(w, b.qc)
  const body = w.finish()
  return new ByteWriter().varBytes(body, 1 << 24).finish()
}

function decodeRecords(bytes: Uint8Array): BenchBlock[] {
  const r = new ByteReader(bytes)
  const out: BenchBlock[] = []
  while (r.remaining >= 4) {
    const n = new DataView(bytes.buffer, bytes.byteOffset + r.offset).getUint32(0)
    if (r.remaining < 4 + n) break // a torn last record from an interrupted run
    const body = new ByteReader(r.varBytes(1 << 24))
    out.push({ block: readBlock(body), proof: body.raw(256), qc: readQuorumCertificate(body) })
  }
  return out
}

/** Loads the cached chain and proves more blocks until it has `count` (log shows progress). */
export async function ensureBenchChain(profile: CircuitProfile, count: number, log: (m: string) => void, provers = 2): Promise<BenchChain> {
  const g = await setupGenesis(profile)
  const art = await ensureCircuitArtifacts(profile, { log })
  const dir = join(art.dir, 'bench')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'chain.bin')
  if (!existsSync(file)) writeFileSync(file, new Uint8Array())
  let blocks = decodeRecords(readFileSync(file))
  if (blocks.length >= count) return { ...g, blocks: blocks.slice(0, count) }

  // Replay what is cached to reach the head state, then build the missing blocks.
  const state: LedgerState = createLedger(g.chainTag, profile.depth, g.genesis)
  for (const b of blocks) applyBlockTransfers(state, b.block.transfers)
  let parent = blocks.length > 0 ? (blocks[blocks.length - 1] as BenchBlock).block.header : g.genesisHeader
  const pool = Array.from({ length: provers }, () => new Prover(art))
  log(`bench chain: ${blocks.length} cached, proving ${count - blocks.length} more blocks with ${provers} workers`)
  const t0 = Date.now()
  const start = blocks.length
  try {
    let rng = blocks.length * 7919 + 1
    const next = () => (rng = (rng * 1103515245 + 12345) % 2 ** 31)
    while (blocks.length < count) {
      const wave: { block: Block; input: Record<string, unknown> }[] = []
      for (let k = 0; k < provers * 2 && blocks.length + wave.length < count; k++) {
        const before = cloneLedger(state)
        const transfers: Transfer[] = []
        for (let i = 0; i < profile.batch; i++) {
          const from = next() % ACCOUNTS
          const to = (from + 1 + (next() % (ACCOUNTS - 1))) % ACCOUNTS
          const sender = state.accounts.get(from) as Account
          const receiver = state.accounts.get(to) as Account
          const t = signTransfer(g.keys[from] as Uint8Array, g.chainTag, { from, to, toPubKey: receiver.pubKey, amount: BigInt(1 + (next() % 1000)), nonce: sender.nonce })
          applyBlockTransfers(state, [t])
          transfers.push(t)
        }
        const steps = applyBlockTransfers(before, transfers)
        const header: Header = {
          chainId: g.genesisHeader.chainId,
          height: parent.height + 1,
          parentHash: hashHeader(parent),
          stateRoot: state.tree.root,
          txRoot: computeTxRoot(g.chainTag, transfers),
          timestamp: parent.timestamp + 1000,
          validatorSetHash: parent.validatorSetHash,
          proposer: (parent.height + 1) % 4,
        }
        wave.push({ block: { header, transfers }, input: buildWitnessInput(steps, profile, parent.stateRoot, g.chainTag) })
        parent = header
      }
      const proofs = await Promise.all(wave.map((w, i) => (pool[i % provers] as Prover).prove(w.input)))
      wave.forEach((w, i) => {
        const hh = hashHeader(w.block.header)
        const qc = makeQuorumCertificate(
          hh,
          [0, 1, 2].map((v) => signVote(g.validatorKeys[v] as Uint8Array, g.genesisHash, hh, v)),
        )
        const rec: BenchBlock = { block: w.block, proof: (proofs[i] as { proof: Uint8Array }).proof, qc }
        appendFileSync(file, encodeRecord(rec))
        blocks.push(rec)
      })
      const perBlock = (Date.now() - t0) / 1000 / (blocks.length - start)
      log(`bench chain: ${blocks.length}/${count} blocks (${perBlock.toFixed(2)} s per block this run)`)
    }
  } finally {
    await Promise.all(pool.map((p) => p.close()))
  }
  blocks = decodeRecords(readFileSync(file))
  return { ...g, blocks: blocks.slice(0, count) }
}

/** The cached chain as it is (at most `max` blocks), without proving more. */
export async function loadBenchChain(profile: CircuitProfile, max: number): Promise<BenchChain> {
  const g = await setupGenesis(profile)
  const art = await ensureCircuitArtifacts(profile)
  const file = join(art.dir, 'bench', 'chain.bin')
  const blocks = existsSync(file) ? decodeRecords(readFileSync(file)) : []
  return { ...g, blocks: blocks.slice(0, max) }
}
