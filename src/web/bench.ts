// Verification benchmark in the browser: the same verifier code as the light client, on
// proofs the bench driver serves as /bench-data.json, for each verifier backend asked for:
// this thread (first call from cold, single, batches) and the client's pool of Web Workers.
// Rounds alternate between the backends. Results land in window.benchResult.
import './polyfills.ts'
import { hexToBytes } from '../core/bytes.ts'
import type { BatchItem } from '../zk/proof-verifier.ts'
import { loadVerifier } from '../zk/load-verifier.ts'
import type { Groth16Verifier, VerifierBackend } from '../zk/verifier-backend.ts'
import type { VerifierPool } from '../zk/verifier-pool.ts'
import { createBrowserVerifier } from '../client/browser-verifier.ts'

interface BenchData {
  vk: unknown
  items: { proof: string; signals: string[] }[]
  ks: number[]
  rounds: number
  backends: VerifierBackend[]
  /** Size of the worker pool (the client's default is one per core, up to four). */
  workers: number
}

interface BatchFigure {
  k: number
  totalMs: number
  perProofMs: number
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
const batchOf = (items: BatchItem[], k: number) => Array.from({ length: k }, (_, i) => items[i % items.length] as BatchItem)

/** Medians per backend of `rounds` alternating runs of `run(backend)` for each k. */
async function alternate(backends: VerifierBackend[], ks: number[], rounds: number, run: (b: VerifierBackend, k: number) => Promise<void>): Promise<Map<VerifierBackend, BatchFigure[]>> {
  const out = new Map(backends.map((b) => [b, [] as BatchFigure[]]))
  for (const k of ks) {
    const times = new Map(backends.map((b) => [b, [] as number[]]))
    for (let r = 0; r < rounds; r++) {
      for (const b of backends) {
        const t = performance.now()
        await run(b, k)
        times.get(b)?.push(performance.now() - t)
      }
    }
    for (const b of backends) out.get(b)?.push({ k, totalMs: median(times.get(b) as number[]), perProofMs: median(times.get(b) as number[]) / k })
  }
  return out
}

async function run(): Promise<unknown> {
  const data = (await (await fetch('./bench-data.json')).json()) as BenchData
  const items = data.items.map((i) => ({ proof: hexToBytes(i.proof), signals: i.signals.map(BigInt) }))
  const first0 = items[0] as BatchItem
  const verifiers = new Map<VerifierBackend, Groth16Verifier>()
  const firstCallMs = new Map<VerifierBackend, number>()
  for (const b of data.backends) {
    const t = performance.now()
    const v = await loadVerifier(data.vk, b)
    const r = await v.verifyProof(first0.proof, first0.signals)
    firstCallMs.set(b, performance.now() - t)
    if (!r.ok) throw new Error(`proof does not verify on ${b}: ${r.reason}`)
    verifiers.set(b, v)
  }
  const singles = await alternate(data.backends, [1], 20, async (b) => {
    await (verifiers.get(b) as Groth16Verifier).verifyProof(first0.proof, first0.signals)
  })
  const batch = await alternate(data.backends, data.ks, data.rounds, async (b, k) => {
    if (!(await (verifiers.get(b) as Groth16Verifier).verifyBatch(batchOf(items, k), random)).ok) throw new Error(`batch failed on ${b}`)
  })

  // The light client's own verifier: a pool of Web Workers (one per core). One batch at a time, so each finds
  // every worker idle and is split across them (nothing waits, so nothing is coalesced).
  const pools = new Map<VerifierBackend, VerifierPool>()
  const poolStartupMs = new Map<VerifierBackend, number>()
  let poolBatch: Map<VerifierBackend, BatchFigure[]>
  try {
    for (const b of data.backends) {
      const t = performance.now()
      const pool = createBrowserVerifier(data.vk, data.workers, b)
      pools.set(b, pool)
      if (!(await pool.verifyBatch(items.slice(0, 2))).ok) throw new Error(`pool start-up batch failed on ${b}`)
      poolStartupMs.set(b, performance.now() - t)
    }
    poolBatch = await alternate(data.backends, data.ks, data.rounds, async (b, k) => {
      if (!(await (pools.get(b) as VerifierPool).verifyBatch(batchOf(items, k))).ok) throw new Error(`pool batch failed on ${b}`)
    })
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()))
  }
  const backends = Object.fromEntries(
    data.backends.map((b) => [
      b,
      {
        firstCallMs: firstCallMs.get(b),
        singleMedianMs: singles.get(b)?.[0]?.totalMs,
        batch: batch.get(b),
        pool: { workers: data.workers, startupMs: poolStartupMs.get(b), batch: poolBatch.get(b) },
      },
    ]),
  )
  return { backends, userAgent: navigator.userAgent }
}

run()
  .then((r) => {
    ;(globalThis as Record<string, unknown>).benchResult = r
    document.getElementById('out')!.textContent = JSON.stringify(r, null, 1)
  })
  .catch((err: unknown) => {
    ;(globalThis as Record<string, unknown>).benchResult = { error: String(err) }
    document.getElementById('out')!.textContent = String(err)
  })
