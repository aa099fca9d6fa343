// Node benchmarks: proving, single and batched verification, and light verification
// of a proven chain against replaying all of its transfers as a full node would.
import { blockPublicInputs } from '../../src/core/block.ts'
import { randomBytes } from 'node:crypto'
import { encodeBlock, encodeHeader, encodeQuorumCertificate } from '../../src/core/codec.ts'
import { verifyHeaderLink } from '../../src/core/header.ts'
import { applyTransfer, createLedger, verifyTransfer } from '../../src/core/ledger.ts'
import { verifyQuorumCertificate } from '../../src/core/quorum.ts'
import { verifyBatch } from '../../src/zk/batch-verify.ts'
import { terminateCurve } from '../../src/zk/curve.ts'
import { loadVerificationKey, verifyProof } from '../../src/zk/verifier.ts'
import type { VerificationKeyJson } from '../../src/zk/artifacts.ts'
import type { BenchChain } from './chain.ts'

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}
const random = (n: number) => new Uint8Array(randomBytes(n))

export interface VerifyFigures {
  firstCallMs: number
  singleMedianMs: number
  batch: { k: number; totalMs: number; perProofMs: number }[]
}

/** Single verification (first call includes curve set-up) and batches of k proofs. */
export async function benchVerify(vk: VerificationKeyJson, chain: BenchChain, ks = [1, 8, 32, 128], rounds = 5): Promise<VerifyFigures> {
  await terminateCurve() // measure the first call from a cold curve
  const items = chain.blocks.map((b, i) => ({
    proof: b.proof,
    signals: [i === 0 ? chain.genesisHeader.stateRoot : (chain.blocks[i - 1] as (typeof chain.blocks)[0]).block.header.stateRoot, b.block.header.stateRoot, b.block.header.txRoot],
  }))
  let t = performance.now()
  const key = await loadVerificationKey(vk)
  const first = await verifyProof(key, items[0]!.proof, items[0]!.signals)
  const firstCallMs = performance.now() - t
  if (!first.ok) throw new Error(`bench proof does not verify: ${first.reason}`)
  const singles: number[] = []
  for (let i = 0; i < 20; i++) {
    const it = items[i % items.length]!
    t = performance.now()
    await verifyProof(key, it.proof, it.signals)
    singles.push(performance.now() - t)
  }
  const batch = []
  for (const k of ks) {
    const set = Array.from({ length: k }, (_, i) => items[i % items.length]!)
    const times: number[] = []
    for (let r = 0; r < rounds; r++) {
      t = performance.now()
      const res = await verifyBatch(key, set, random)
      times.push(performance.now() - t)
      if (!res.ok) throw new Error('bench batch failed')
    }
    const totalMs = median(times)
    batch.push({ k, totalMs, perProofMs: totalMs / k })
  }
  return { firstCallMs, singleMedianMs: median(singles), batch }
}

export interface ReplayFigures {
  blocks: number
  transfers: number
  lightMs: number
  replayMs: number
  ratio: number
  lightBytes: number
  lightBytesWithTransfers: number
  replayBytes: number
}

/** Light verification (links + one certificate + batched proofs) vs full replay of every transfer. */
export async function benchReplay(vk: VerificationKeyJson, chain: BenchChain): Promise<ReplayFigures> {
  const key = await loadVerificationKey(vk)
  const blocks = chain.blocks
  let t = performance.now()
  let parent = chain.genesisHeader
  const items = []
  for (const b of blocks) {
    const link = verifyHeaderLink(parent, b.block.header, chain.validatorSet.length)
    if (!link.ok) throw new Error(`bench chain not linked: ${link.reason}`)
    items.push({ proof: b.proof, signals: blockPublicInputs(parent, b.block.header, chain.chainTag) })
    parent = b.block.header
  }
  const last = blocks[blocks.length - 1]!
  if (!verifyQuorumCertificate(last.block.header, last.qc, chain.validatorSet, chain.genesisHash).ok) throw new Error('bench certificate invalid')
  for (let i = 0; i < items.length; i += 128) {
    const r = await verifyBatch(key, items.slice(i, i + 128), random)
    if (!r.ok) throw new Error('bench proofs invalid')
  }
  const lightMs = performance.now() - t

  t = performance.now()
  const state = createLedger(chain.chainTag, chain.profile.depth, chain.genesis)
  let transfers = 0
  parent = chain.genesisHeader
  for (const b of blocks) {
    if (!verifyHeaderLink(parent, b.block.header).ok) throw new Error('bench chain not linked')
    for (const tx of b.block.transfers) {
      const v = verifyTransfer(state, tx)
      if (!v.ok) throw new Error(`replay rejected a transfer: ${v.reason}`)
      applyTransfer(state, tx)
      transfers++
    }
    if (state.tree.root !== b.block.header.stateRoot) throw new Error('replay diverged from the proven root')
    parent = b.block.header
  }
  if (!verifyQuorumCertificate(last.block.header, last.qc, chain.validatorSet, chain.genesisHash).ok) throw new Error('bench certificate invalid')
  const replayMs = performance.now() - t

  const headerBytes = blocks.reduce((n, b) => n + encodeHeader(b.block.header).length, 0)
  const blockBytes = blocks.reduce((n, b) => n + encodeBlock(b.block).length, 0)
  const proofBytes = blocks.length * 256
  const qcBytes = encodeQuorumCertificate(last.qc).length
  return {
    blocks: blocks.length,
    transfers,
    lightMs,
    replayMs,
    ratio: replayMs / lightMs,
    lightBytes: headerBytes + proofBytes + qcBytes,
    lightBytesWithTransfers: blockBytes + proofBytes + qcBytes,
    replayBytes: blockBytes + qcBytes,
  }
}
