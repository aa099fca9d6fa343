// A real Groth16 prover for in-process node tests, with the proofs kept on disk by witness
// hash (the cache test/client/helpers/test-chain.ts uses), so only a file's first run proves:
// a deterministic chain with the same transfers gets the same witnesses every run.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { ProverLike } from '../../../src/node/prover-pipeline.ts'
import { ROOT, type CircuitArtifacts } from '../../../src/zk/artifacts.ts'
import { Prover, type ProveResult } from '../../../src/zk/prover.ts'

export class CachedProver implements ProverLike {
  private prover: Prover | undefined
  hits = 0
  proved = 0

  constructor(private readonly artifacts: CircuitArtifacts) {}

  async prove(input: Record<string, unknown>): Promise<ProveResult> {
    const dir = join(ROOT, '.cache', 'client-test-proofs', basename(this.artifacts.dir))
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `${createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 24)}.bin`)
    const publicSignals = ['oldRoot', 'newRoot', 'txRoot', 'chainTag'].map((k) => BigInt(input[k] as string))
    if (existsSync(file)) {
      this.hits++
      return { proof: new Uint8Array(readFileSync(file)), publicSignals }
    }
    const r = await (this.prover ??= new Prover(this.artifacts)).prove(input)
    this.proved++
    // Atomic: test files run in parallel forks and may prove the same block at once.
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, r.proof)
    renameSync(tmp, file)
    return r
  }

  async close(): Promise<void> {
    await this.prover?.close()
  }
}
