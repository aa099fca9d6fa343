// Verification benchmark in the browser: the same verifier code as the light client,
// on proofs the bench driver serves as /bench-data.json. Results land in window.benchResult.
import './polyfills.ts'
import { hexToBytes } from '../core/bytes.ts'
import { verifyBatch } from '../zk/batch-verify.ts'
import { loadVerificationKey, verifyProof } from '../zk/verifier.ts'
import { createBrowserVerifier } from '../client/browser-verifier.ts'

interface BenchData {
  vk: unknown
  items: { proof: string; signals: string[] }[]
  ks: number[]
  rounds: number
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))

async function run(): Promise<unknown> {
  const data = (await (await fetch('./bench-data.json')).json()) as BenchData
  const items = data.items.map((i) => ({ proof: hexToBytes(i.proof), signals: i.signals.map(BigInt) }))
  let t = performance.now()
  const key = await loadVerificationKey(data.vk)
  const first = await verifyProof(key, items[0]!.proof, items[0]!.signals)
  const firstCallMs = performance.now() - t
  if (!first.ok) throw new Error(`proof does not verify: ${first.reason}`)
  const singles: number[] = []
  for (let i = 0; i < 20; i++) {
    const it = items[i % items.length]!
    t = performance.now()
    await verifyProof(key, it.proof, it.signals)
    singles.push(performance.now() - t)
  }
  const batch = []
  for (const k of data.ks) {
    const set = Array.from({ length: k }, (_, i) => items[i % items.length]!)
    const times: number[] = []
    for (let r = 0; r < data.rounds; r++) {
      t = performance.now()
      const res = await verifyBatch(key, set, random)
      times.push(performance.now() - t)
      if (!res.ok) throw new Error('batch failed')
    }
    batch.push({ k, totalMs: median(times), perProofMs: median(times) / k })
  }
  // The light client's own verifier: a pool of Web Workers (one per core), each batch split across them.
  const pool = createBrowserVerifier(data.vk)
  const poolBatch = []
  try {
    await pool.verifyBatch(items.slice(0, 2)) // start-up (workers load the key, build the curve)
    for (const k of data.ks) {
      const set = Array.from({ length: k }, (_, i) => items[i % items.length]!)
      const times: number[] = []
      for (let r = 0; r < data.rounds; r++) {
        t = performance.now()
        const res = await pool.verifyBatch(set)
        times.push(performance.now() - t)
        if (!res.ok) throw new Error('pool batch failed')
      }
      poolBatch.push({ k, totalMs: median(times), perProofMs: median(times) / k })
    }
  } finally {
    await pool.close()
  }
  return { firstCallMs, singleMedianMs: median(singles), batch, pool: { workers: navigator.hardwareConcurrency, batch: poolBatch }, userAgent: navigator.userAgent }
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
