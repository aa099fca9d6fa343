// Transport-agnostic verification worker logic, shared by Node worker threads and
// browser Web Workers: the host may first have the backend loaded (before it has the key),
// posts a key once (naming the backend), then batches of proofs.
import { errorText } from '../core/logger.ts'
import type { RandomBytes } from '../core/platform.ts'
import { loadVerifier, preloadBackend } from './load-verifier.ts'
import type { BatchResult } from './proof-verifier.ts'
import { DEFAULT_BACKEND, type Groth16Verifier, type VerifierBackend } from './verifier-backend.ts'

export type VerifyRequest =
  /** Loads the backend's library (mcl: compiles its wasm) while the host is still fetching the key. */
  | { type: 'load'; id: number; backend: VerifierBackend }
  | { type: 'init'; id: number; vk: unknown; backend?: VerifierBackend }
  | { type: 'batch'; id: number; items: { proof: Uint8Array; signals: string[] }[] }

/** An init is answered with the backend the worker loaded, so the host can tell it runs the one it asked for. */
export type VerifyResponse = { id: number; ok: true; result?: BatchResult; backend?: VerifierBackend } | { id: number; ok: false; error: string }

/** `backend` serves an init that names none. */
export function createVerifyHandler(random: RandomBytes, backend: VerifierBackend = DEFAULT_BACKEND): (req: VerifyRequest) => Promise<VerifyResponse> {
  let verifier: Groth16Verifier | undefined
  return async (req) => {
    try {
      if (req.type === 'load') {
        await preloadBackend(req.backend)
        return { id: req.id, ok: true, backend: req.backend }
      }
      if (req.type === 'init') {
        verifier = await loadVerifier(req.vk, req.backend ?? backend)
        verifier.warmUp?.()
        return { id: req.id, ok: true, backend: verifier.backend }
      }
      if (!verifier) throw new Error('verification key not loaded')
      const items = req.items.map((i) => ({ proof: i.proof, signals: i.signals.map((s) => BigInt(s)) }))
      return { id: req.id, ok: true, result: await verifier.verifyBatch(items, random) }
    } catch (err) {
      return { id: req.id, ok: false, error: errorText(err) }
    }
  }
}
