// The producing node's side of the proving protocols (docs/protocol.md#proving): info
// for anyone, jobs and proof submission only for the provers on its allow-list. A prover
// whose proof does not check out is reported (`bad-proof`: answered, then hung up on and
// banned like any proven offender) and its leases go back to the board at once.
import { equalBytes } from '../core/bytes.ts'
import type { Logger } from '../core/logger.ts'
import type { LeaseResponse, ProofRefusal, ProofSubmitResponse, ProveInfoResponse } from '../net/prove-messages.ts'
import { PROVE_INFO, PROVE_LEASE, PROVE_SUBMIT } from '../net/prove-protocols.ts'
import { serve, type PeerPenalties, type RpcHost } from '../net/rpc.ts'
import { MAX_PROVER_WORKERS, NO_JOB_RETRY_MS } from './constants.ts'
import type { ProvingJobs } from './proving-jobs.ts'

export interface ProveServiceDeps {
  board: ProvingJobs
  info: Omit<ProveInfoResponse, 'kind'>
  /**
   * Peer ids this node hands jobs to. An allow-list rather than open access with rate
   * limits: any prover that takes a lease and stays silent holds that block back for a
   * whole lease, and peer ids cost nothing to make, so only the operator's provers count.
   */
  allowed: ReadonlySet<string>
  penalties: PeerPenalties
  /** Told of each prover reported for a bad proof (for the node's log). */
  onOffence: (peer: string, reason: ProofRefusal, detail: string) => void
  logger: Logger
}

export async function serveProving(host: RpcHost, deps: ProveServiceDeps): Promise<void> {
  const { board, info, allowed, penalties } = deps
  const opts = { penalties }

  await serve(host, PROVE_INFO, () => ({ kind: 'prove-info', ...info }), opts)

  await serve(
    host,
    PROVE_LEASE,
    async ({ workers, vkHash }, ctx): Promise<LeaseResponse> => {
      if (penalties.isBanned(ctx.peer)) return { kind: 'lease-refused', reason: 'banned' }
      if (!allowed.has(ctx.peer)) return { kind: 'lease-refused', reason: 'not-allowed' }
      if (!equalBytes(vkHash, info.vkHash)) return { kind: 'lease-refused', reason: 'wrong-circuit' }
      board.noteProver(ctx.peer, Math.min(workers, MAX_PROVER_WORKERS))
      const lease = await board.lease(ctx.peer)
      if (!lease) return { kind: 'no-job', retryAfterMs: NO_JOB_RETRY_MS }
      // The answer will not reach the prover: hand the job to the next one now, not at expiry.
      if (ctx.signal.aborted) board.release(ctx.peer, lease.height)
      return { kind: 'job', height: lease.height, leaseMs: lease.leaseMs, input: lease.input }
    },
    opts,
  )

  await serve(
    host,
    PROVE_SUBMIT,
    async ({ height, proof, publicSignals }, ctx): Promise<ProofSubmitResponse> => {
      if (penalties.isBanned(ctx.peer) || !allowed.has(ctx.peer)) return { kind: 'proof-result', accepted: false, reason: 'not-allowed' }
      const v = await board.submit(ctx.peer, height, proof, publicSignals)
      if (v.ok) return { kind: 'proof-result', accepted: true }
      if (v.offence) {
        const returned = board.releaseAll(ctx.peer)
        ctx.report?.('bad-proof')
        deps.onOffence(ctx.peer, v.reason, `block ${height}${returned > 0 ? `; ${returned} more lease(s) returned` : ''}`)
      } else deps.logger.debug(`prover ${ctx.peer}: proof of block ${height} refused (${v.reason})`)
      return { kind: 'proof-result', accepted: false, reason: v.reason }
    },
    opts,
  )
}
