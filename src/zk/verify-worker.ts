// Node worker thread that verifies proof batches (see verify-handler.ts).
import { randomBytes } from 'node:crypto'
import { parentPort } from 'node:worker_threads'
import { createVerifyHandler, type VerifyRequest } from './verify-handler.ts'
import { releaseVerifiers } from './load-verifier.ts'

const handle = createVerifyHandler((n) => new Uint8Array(randomBytes(n)))
parentPort?.on('message', (req: VerifyRequest | { type: 'close' }) => {
  if (req.type === 'close') {
    void releaseVerifiers().then(() => parentPort?.close())
    return
  }
  void handle(req).then((res) => parentPort?.postMessage(res))
})
