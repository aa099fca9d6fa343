// Worker thread that runs snarkjs proving, so the node's event loop never blocks.
// ffjavascript runs single-threaded here: its own web-worker threads cannot start
// inside a worker thread. Messages: { id, input } in; { id, proof (256 B), publicSignals (decimal strings) } or { id, error } out.
import '../polyfill.ts'
import { parentPort, workerData } from 'node:worker_threads'
import * as snarkjs from 'snarkjs'
import { proofToBytes } from './proof-codec.ts'

const { wasm, zkey } = workerData as { wasm: string; zkey: string }

parentPort?.on('message', (msg: { id: number; input: Record<string, unknown> }) => {
  snarkjs.groth16
    .fullProve(msg.input, wasm, zkey, undefined, undefined, { singleThread: true })
    .then(({ proof, publicSignals }: { proof: any; publicSignals: string[] }) => {
      const bytes = proofToBytes(proof)
      parentPort?.postMessage({ id: msg.id, proof: bytes, publicSignals }, [bytes.buffer as ArrayBuffer])
    })
    .catch((err: unknown) => parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) }))
})
