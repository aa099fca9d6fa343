// Web Worker entry of the browser verifier: Groth16 batches checked with weights
// from the worker's own CSPRNG (crypto.getRandomValues), never from the page.
import { Buffer } from 'buffer'
import { createVerifyHandler, type VerifyRequest } from '../zk/verify-handler.ts'

// ffjavascript and its helpers expect Node's Buffer in the global scope.
;(globalThis as { Buffer?: unknown }).Buffer ??= Buffer

const handle = createVerifyHandler((n) => globalThis.crypto.getRandomValues(new Uint8Array(n)))
const scope = globalThis as unknown as { onmessage: ((ev: MessageEvent<VerifyRequest | { type: 'close' }>) => void) | null; postMessage(m: unknown): void; close(): void }

scope.onmessage = (ev) => {
  const req = ev.data
  if (req.type === 'close') return scope.close()
  void handle(req).then((res) => scope.postMessage(res))
}
