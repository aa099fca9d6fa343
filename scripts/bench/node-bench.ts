// Node benchmarks: single and batched verification on each verifier backend (in this
// thread and through the 2-worker pool), snarkjs's own verify as a baseline, and light
// verification of a proven chain against replaying all of its transfers as a full node would.
import { blockPublicInputs } from '../../src/core/block.ts'
import { randomBytes } from 'node:crypto'
import { encodeBlock, encodeHeader, encodeQuorumCertificate } from '../../src/core/codec.ts'
import { verifyHeaderLink } from '../../src/core/header.ts'
import { applyTransfer, createLedger, verifyTransfer } from '../../src/core/ledger.ts'
import { verifyQuorumCertificate } from '../../src/core/quorum.ts'
import { hashTransfer, verifyTransferSignature } from '../../src/core/transfer.ts'
import { loadCircomlibjsEddsa } from '../../test/fixtures/circomlibjs-eddsa.ts'
import type { BatchItem } from '../../src/zk/proof-verifier.ts'
import { terminateCurve } from '../../src/zk/curve.ts'
import { loadVerifier } from '../../src/zk/load-verifier.ts'
import { createNodeVerifierPool } from '../../src/zk/node-verifier.ts'
import { releaseSnarkjs, verifyWithSnarkjs } from '../../src/zk/snarkjs-baseline.ts'
import type { Groth16Verifier, VerifierBackend } from '../../src/zk/verifier-backend.ts'
import type { VerifierPool } from '../../src/zk/verifier-pool.ts'
import type { VerificationKeyJson } from '../../src/zk/artifacts.ts'
import type { BenchChain } from './chain.ts'

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}
const random = (n: number) => new Uint8Array(randomBytes(n))

export interface BatchFigure {
  k: number
  totalMs: number
  perProofMs: number
}

export interface VerifyFigures {
  /** Library import, wasm set-up, key preparation and the first verification, from cold. */
  firstCallMs: number
  singleMedianMs: number
  batch: BatchFigure[]
}

export interface PoolFigures {
  workers: number
  /** Spawning the workers until the first batch of 2 is verified (each worker loads its backend and the key). */
  startupMs: number
  batch: BatchFigure[]
}

/** The proofs of a chain with their public signals (old root, new root, tx root, chain tag: blockPublicInputs). */
export function chainItems(chain: BenchChain): BatchItem[] {
  return chain.blocks.map((b, i) => ({
    proof: b.proof,
    signals: blockPublicInputs(i === 0 ? chain.genesisHeader : (chain.blocks[i - 1] as (typeof chain.blocks)[0]).block.header, b.block.header, chain.chainTag),
  }))
}

const batchOf = (items: BatchItem[], k: number) => Array.from({ length: k }, (_, i) => items[i % items.length] as BatchItem)

/**
 * Every backend on the same proofs in one process. First calls run from cold, one backend
 * after the other; then rounds alternate between the backends, so a change in the machine's
 * load during the run touches both alike.
 */
export async function benchVerify(vk: VerificationKeyJson, items: BatchItem[], backends: readonly VerifierBackend[], ks: number[], rounds = 9): Promise<Map<VerifierBackend, VerifyFigures>> {
  await terminateCurve() // the reference's curve, if anything built it before
  const verifiers = new Map<VerifierBackend, Groth16Verifier>()
  const first = new Map<VerifierBackend, number>()
  const first0 = items[0] as BatchItem
  for (const b of backends) {
    const t = performance.now()
    const v = await loadVerifier(vk, b)
    const r = await v.verifyProof(first0.proof, first0.signals)
    first.set(b, performance.now() - t)
    if (!r.ok) throw new Error(`bench proof does not verify on ${b}: ${r.reason}`)
    verifiers.set(b, v)
  }
  const singles = new Map(backends.map((b) => [b, [] as number[]]))
  for (let i = 0; i < 20; i++) {
    const it = items[i % items.length] as BatchItem
    for (const b of backends) {
      const t = performance.now()
      await (verifiers.get(b) as Groth16Verifier).verifyProof(it.proof, it.signals)
      singles.get(b)?.push(performance.now() - t)
    }
  }
  const batches = new Map(backends.map((b) => [b, [] as BatchFigure[]]))
  for (const k of ks) {
    const set = batchOf(items, k)
    const times = new Map(backends.map((b) => [b, [] as number[]]))
    for (let r = 0; r < rounds; r++) {
      for (const b of backends) {
        const t = performance.now()
        const res = await (verifiers.get(b) as Groth16Verifier).verifyBatch(set, random)
        times.get(b)?.push(performance.now() - t)
        if (!res.ok) throw new Error(`bench batch failed on ${b}`)
      }
    }
    for (const b of backends) {
      const totalMs = median(times.get(b) as number[])
      batches.get(b)?.push({ k, totalMs, perProofMs: totalMs / k })
    }
  }
  await terminateCurve()
  return new Map(backends.map((b) => [b, { firstCallMs: first.get(b) as number, singleMedianMs: median(singles.get(b) as number[]), batch: batches.get(b) as BatchFigure[] }]))
}

/** snarkjs.groth16.verify per proof (its first call builds its own multi-threaded curve). */
export async function benchSnarkjs(vk: VerificationKeyJson, items: BatchItem[], runs = 20): Promise<{ firstCallMs: number; singleMedianMs: number }> {
  const first0 = items[0] as BatchItem
  let t = performance.now()
  if (!(await verifyWithSnarkjs(vk, first0.proof, first0.signals))) throw new Error('snarkjs rejects the bench proof')
  const firstCallMs = performance.now() - t
  const times: number[] = []
  try {
    for (let i = 0; i < runs; i++) {
      const it = items[i % items.length] as BatchItem
      t = performance.now()
      await verifyWithSnarkjs(vk, it.proof, it.signals)
      times.push(performance.now() - t)
    }
  } finally {
    await releaseSnarkjs()
  }
  return { firstCallMs, singleMedianMs: median(times) }
}

/** The light client's Node verifier: a pool of worker threads per backend, rounds alternating between them. */
export async function benchNodePool(
  vk: VerificationKeyJson,
  items: BatchItem[],
  backends: readonly VerifierBackend[],
  ks: number[],
  rounds = 9,
  workers = 2,
): Promise<Map<VerifierBackend, PoolFigures>> {
  const pools = new Map<VerifierBackend, VerifierPool>()
  const startup = new Map<VerifierBackend, number>()
  try {
    for (const b of backends) {
      const t = performance.now()
      const pool = createNodeVerifierPool(vk, workers, b)
      pools.set(b, pool)
      if (!(await pool.verifyBatch(items.slice(0, 2))).ok) throw new Error(`bench proofs fail in the ${b} pool`)
      startup.set(b, performance.now() - t)
    }
    const batches = new Map(backends.map((b) => [b, [] as BatchFigure[]]))
    for (const k of ks) {
      const set = batchOf(items, k)
      const times = new Map(backends.map((b) => [b, [] as number[]]))
      for (let r = 0; r < rounds; r++) {
        for (const b of backends) {
          const t = performance.now()
          const res = await (pools.get(b) as VerifierPool).verifyBatch(set)
          times.get(b)?.push(performance.now() - t)
          if (!res.ok) throw new Error(`bench pool batch failed on ${b}`)
        }
      }
      for (const b of backends) {
        const totalMs = median(times.get(b) as number[])
        batches.get(b)?.push({ k, totalMs, perProofMs: totalMs / k })
      }
    }
    return new Map(backends.map((b) => [b, { workers, startupMs: startup.get(b) as number, batch: batches.get(b) as BatchFigure[] }]))
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()))
  }
}

export interface ReplayFigures {
  blocks: number
  transfers: number
  /** Light verification (links + one certificate + batched proofs), per backend: median of 3 runs. */
  lightMs: Map<VerifierBackend, number>
  replayMs: number
  /** Replay cost of one transfer: verify (signature, nonce, balance) and apply (two Merkle leaf updates). */
  perTransferMs: number
  /** Of which the EdDSA-Poseidon signature check (src/core's verifyTransferSignature: plain BigInt, src/core/eddsa.ts). */
  signatureMs: number
  /** The same check with circomlibjs's verifyPoseidon (the baseline docs/performance.md used before), median over some transfers. */
  circomlibjsSignatureMs: number
  /** Replay cost of a block apart from its transfers (header link, root comparison). */
  perBlockOverheadMs: number
  lightBytes: number
  lightBytesWithTransfers: number
  replayBytes: number
}

/** Light verification vs full replay of every transfer, with src/core's own transfer checks. */
export async function benchReplay(vk: VerificationKeyJson, chain: BenchChain, backends: readonly VerifierBackend[]): Promise<ReplayFigures> {
  const blocks = chain.blocks
  const last = blocks[blocks.length - 1]!
  const verifiers = new Map<VerifierBackend, Groth16Verifier>()
  for (const b of backends) verifiers.set(b, await loadVerifier(vk, b))
  const light = async (verifier: Groth16Verifier) => {
    let parent = chain.genesisHeader
    const items: BatchItem[] = []
    for (const b of blocks) {
      const link = verifyHeaderLink(parent, b.block.header, chain.validatorSet.length)
      if (!link.ok) throw new Error(`bench chain not linked: ${link.reason}`)
      items.push({ proof: b.proof, signals: blockPublicInputs(parent, b.block.header, chain.chainTag) })
      parent = b.block.header
    }
    if (!verifyQuorumCertificate(last.block.header, last.qc, chain.validatorSet, chain.genesisHash).ok) throw new Error('bench certificate invalid')
    for (let i = 0; i < items.length; i += 128) {
      const r = await verifier.verifyBatch(items.slice(i, i + 128), random)
      if (!r.ok) throw new Error('bench proofs invalid')
    }
  }
  // One untimed pass first (hashing and Ed25519 code warm up in whichever backend runs first),
  // then rounds alternating between the backends.
  for (const v of verifiers.values()) await light(v)
  const lightRuns = new Map(backends.map((b) => [b, [] as number[]]))
  for (let r = 0; r < 3; r++) {
    for (const b of backends) {
      const t = performance.now()
      await light(verifiers.get(b) as Groth16Verifier)
      lightRuns.get(b)?.push(performance.now() - t)
    }
  }
  const lightMs = new Map(backends.map((b) => [b, median(lightRuns.get(b) as number[])]))
  await terminateCurve()

  let t = performance.now()
  const state = createLedger(chain.chainTag, chain.profile.depth, chain.genesis)
  let transfers = 0
  let transfersMs = 0
  let parent = chain.genesisHeader
  for (const b of blocks) {
    if (!verifyHeaderLink(parent, b.block.header).ok) throw new Error('bench chain not linked')
    const t1 = performance.now()
    for (const tx of b.block.transfers) {
      const v = verifyTransfer(state, tx)
      if (!v.ok) throw new Error(`replay rejected a transfer: ${v.reason}`)
      applyTransfer(state, tx)
      transfers++
    }
    transfersMs += performance.now() - t1
    if (state.tree.root !== b.block.header.stateRoot) throw new Error('replay diverged from the proven root')
    parent = b.block.header
  }
  if (!verifyQuorumCertificate(last.block.header, last.qc, chain.validatorSet, chain.genesisHash).ok) throw new Error('bench certificate invalid')
  const replayMs = performance.now() - t

  // The signature checks alone, on the same transfers (sender keys do not change).
  t = performance.now()
  for (const b of blocks) {
    for (const tx of b.block.transfers) {
      const sender = state.accounts.get(tx.from)
      if (!sender || !verifyTransferSignature(chain.chainTag, tx, sender.pubKey)) throw new Error('bench signature invalid')
    }
  }
  const signatureMs = (performance.now() - t) / transfers

  // circomlibjs on the first transfers, for comparison only (replay above uses src/core).
  const ref = await loadCircomlibjsEddsa()
  const circom: number[] = []
  for (const tx of blocks.flatMap((b) => b.block.transfers).slice(0, 24)) {
    const sender = state.accounts.get(tx.from)
    if (!sender) throw new Error('bench sender missing')
    const msg = hashTransfer(chain.chainTag, tx)
    t = performance.now()
    const ok = ref.verifyPoseidon(msg, tx.sig, sender.pubKey)
    circom.push(performance.now() - t)
    if (!ok) throw new Error('circomlibjs rejects a bench signature')
  }

  const headerBytes = blocks.reduce((n, b) => n + encodeHeader(b.block.header).length, 0)
  const blockBytes = blocks.reduce((n, b) => n + encodeBlock(b.block).length, 0)
  const proofBytes = blocks.length * 256
  const qcBytes = encodeQuorumCertificate(last.qc).length
  return {
    blocks: blocks.length,
    transfers,
    lightMs,
    replayMs,
    perTransferMs: transfersMs / transfers,
    signatureMs,
    circomlibjsSignatureMs: median(circom.slice(4)),
    perBlockOverheadMs: (replayMs - transfersMs) / blocks.length,
    lightBytes: headerBytes + proofBytes + qcBytes,
    lightBytesWithTransfers: blockBytes + proofBytes + qcBytes,
    replayBytes: blockBytes + qcBytes,
  }
}

/**
 * Replay vs light verification per block for B transfers a block, by calculation: replay grows
 * with B (perTransferMs each), a proof's verification does not (its public inputs are the same
 * three roots whatever B is), so light verification per block is the measured figure.
 */
export function replayRatioByBatch(f: ReplayFigures, lightMs: number, bs: number[]): { b: number; replayPerBlockMs: number; lightPerBlockMs: number; ratio: number }[] {
  const lightPerBlockMs = lightMs / f.blocks
  return bs.map((b) => {
    const replayPerBlockMs = b * f.perTransferMs + f.perBlockOverheadMs
    return { b, replayPerBlockMs, lightPerBlockMs, ratio: replayPerBlockMs / lightPerBlockMs }
  })
}
