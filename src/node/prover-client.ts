// A `zklight prover` process's link to its node over the proving protocols: the node's
// proving parameters first, then jobs leased for the local worker slots and proofs handed
// back. A node that goes away is asked again with back-off, so a prover outlives restarts.
import { errorText, type Logger } from '../core/logger.ts'
import type { DialTarget } from '../net/rpc.ts'
import { call, type RpcHost } from '../net/rpc.ts'
import type { ProveInfoResponse, WitnessInput } from '../net/prove-messages.ts'
import { PROVE_INFO, PROVE_LEASE, PROVE_SUBMIT } from '../net/prove-protocols.ts'
import type { ProveResult } from '../zk/prover.ts'
import { PROVER_BACKOFF_MS } from './constants.ts'
import { BadProof, pause, type JobSource, type SlotJob } from './prover-slots.ts'

/** The prover cannot work for this node as it is set up (wrong keys, unknown profile). */
export class ProverSetupError extends Error {
  override name = 'ProverSetupError'
  constructor(
    readonly reason: 'wrong-circuit' | 'unknown-profile' | 'no-keys',
    message: string,
  ) {
    super(message)
  }
}

export interface RemoteJob extends SlotJob {
  input: WitnessInput
  leaseMs: number
}

export interface NodeLinkDeps {
  host: RpcHost
  node: DialTarget
  /** Worker slots of this prover, declared to the node with every lease request. */
  workers: number
  /** Hash of the prover's verification key: the node refuses jobs to a prover with other keys. */
  vkHash: Uint8Array
  logger: Logger
  /** Told of a refusal no retry can fix (the node runs another circuit); the prover should stop. */
  onFatal: (err: ProverSetupError) => void
  backoff?: { first: number; max: number }
}

/** Asks the node for its proving parameters until it answers (or `signal` aborts: undefined). */
export async function fetchProveInfo(host: RpcHost, node: DialTarget, logger: Logger, signal: AbortSignal, backoff = PROVER_BACKOFF_MS): Promise<ProveInfoResponse | undefined> {
  for (let failures = 0; !signal.aborted; failures++) {
    try {
      const r = await call(host, node, PROVE_INFO, {}, { signal })
      if (r.kind === 'prove-info') return r
      logger.warn(`the node does not serve proving parameters (${r.code}: ${r.message})`)
    } catch (err) {
      if (signal.aborted) break
      logger.warn(`node unreachable (${errorText(err)})`)
    }
    await pause(Math.min(backoff.max, backoff.first * 2 ** Math.min(failures, 20)), signal)
  }
  return undefined
}

/** Leases over the wire, for ProverSlots. Counts what happened, for logs and tests. */
export class NodeJobSource implements JobSource<RemoteJob> {
  readonly counts = { leased: 0, accepted: 0, refused: 0 }
  private down = false

  constructor(private readonly deps: NodeLinkDeps) {}

  async take(slot: number, signal: AbortSignal): Promise<RemoteJob | undefined> {
    const { host, node, logger } = this.deps
    const backoff = this.deps.backoff ?? PROVER_BACKOFF_MS
    let failures = 0
    const wait = () => pause(Math.min(backoff.max, backoff.first * 2 ** Math.min(failures++, 20)), signal)
    while (!signal.aborted) {
      let r
      try {
        r = await call(host, node, PROVE_LEASE, { workers: this.deps.workers, vkHash: this.deps.vkHash }, { signal })
      } catch (err) {
        if (signal.aborted) break
        if (!this.down) logger.warn(`node unreachable (${errorText(err)}); retrying with back-off`)
        this.down = true
        await wait()
        continue
      }
      if (this.down) logger.info('node reachable again')
      this.down = false
      if (r.kind === 'job') {
        this.counts.leased++
        logger.info(`worker ${slot}: block ${r.height} leased for ${Math.round(r.leaseMs / 1000)} s`)
        return { height: r.height, input: r.input, leaseMs: r.leaseMs }
      }
      if (r.kind === 'no-job') {
        failures = 0
        await pause(r.retryAfterMs, signal)
        continue
      }
      if (r.kind === 'lease-refused' && r.reason === 'wrong-circuit') {
        this.deps.onFatal(new ProverSetupError('wrong-circuit', 'the node proves with another verification key than this prover'))
        break
      }
      // not-allowed, banned, or an error answer: the node's operator may fix it; keep asking, slowly.
      logger.warn(r.kind === 'lease-refused' ? `the node refuses jobs to this prover (${r.reason})` : `lease request answered ${r.code}: ${r.message}`)
      await wait()
    }
    return undefined
  }

  async give(slot: number, job: RemoteJob, result: ProveResult, ms: number): Promise<void> {
    const r = await call(this.deps.host, this.deps.node, PROVE_SUBMIT, { height: job.height, proof: result.proof, publicSignals: result.publicSignals })
    const took = `${(ms / 1000).toFixed(1)} s`
    if (r.kind === 'error') throw new Error(`submit answered ${r.code}: ${r.message}`)
    if (r.accepted) {
      this.counts.accepted++
      this.deps.logger.info(`worker ${slot}: block ${job.height} proven in ${took}, accepted`)
    } else {
      this.counts.refused++
      this.deps.logger.warn(`worker ${slot}: block ${job.height} proven in ${took}, refused (${r.reason})`)
      if (r.reason === 'signals-mismatch' || r.reason === 'proof-invalid') throw new BadProof(`the node refused the proof of block ${job.height} (${r.reason})`)
    }
  }

  /** Nothing to tell the node: the lease runs out there and the job goes to another prover. */
  giveBack(): void {}
}
