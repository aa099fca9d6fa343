// Transport-agnostic verification worker logic, shared by Node worker threads and
// browser Web Workers: the host posts a key once, then batches of proofs.
import type { RandomBytes } from '../core/platform.ts'
import { verifyBatch } from './batch-verify.ts'
import type { BatchResult } from './proof-verifier.ts'
import { loadVerificationKey, type PreparedKey } from './verifier.ts'

export type VerifyRequest = { type: 'init'; id: number; vk: unknown } | { type: 'batch'; id: number; items: { proof: Uint8Array; signals: string[] }[] }

export type VerifyResponse = { id: number; ok: true; result?: BatchResult } | { id: number; ok: false; error: string }

export function createVerifyHandler(random: RandomBytes): (req: VerifyRequest) => Promise<VerifyResponse> {
  let key: PreparedKey | undefined
  return async (req) => {
    try {
      if (req.type === 'init') {
        key = await loadVerificationKey(req.vk)
        return { id: req.id, ok: true }
      }
      if (!key) throw new Error('verification key not loaded')
      const items = req.items.map((i) => ({ proof: i.proof, signals: i.signals.map((s) => BigInt(s)) }))
      return { id: req.id, ok: true, result: await verifyBatch(key, items, random) }
    } catch (err) {
      return { id: req.id, ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }
    }
  }
}
