// Catch-up sync: fetches proofs-by-range from several peers at once, checks each
// range against the verified tip (linkage, txRoot, empty blocks, the certificate
// on its last block), verifies the Groth16 proofs in batches off the main thread,
// and adopts ranges in height order. Only the first failing range is blamed.
import { verifyCheckpointHeader } from '../core/checkpoint.ts'
import { isLinkReason } from '../core/header.ts'
import { verifyQuorumCertificate } from '../core/quorum.ts'
import type { Clock } from '../core/platform.ts'
import type { BlockEntry, Header, QuorumCertificate } from '../core/types.ts'
import { reportRequestError, type Fault, type Offence } from '../net/peer-judgement.ts'
import type { BatchItem, BatchResult, ProofVerifier } from '../zk/proof-verifier.ts'
import type { PeerWire } from './network.ts'
import type { PeerManager } from './peer-manager.ts'
import { checkRange, type CheckedEntry } from './rules/range.ts'
import type { VerifiedChain } from './verified-chain.ts'

export interface SyncOptions {
  /** Blocks per proofs-by-range request (the protocol allows up to 64). */
  chunk: number
  /** Range requests in flight at once, spread over peers. */
  parallel: number
  requestTimeoutMs: number
  /** A batch that takes longer means the verifier is stuck: fail the round (and retry) rather than stall silently. */
  verifyTimeoutMs: number
  /** Lowest height whose transfers are checked against txRoot in a round towards `target`. */
  bodiesFrom(target: number): number
}

export interface SyncHooks {
  /** Proven misbehaviour: ban and disconnect. */
  offence(peer: string, offence: Offence, detail: string): void
  fault(peer: string, fault: Fault): void
  /** A certificate verified; false means it revealed equivocation and the client halted. */
  certified(header: Header, qc: QuorumCertificate, peer: string): boolean
  /** A block failed verification (for pending heads). */
  rejected(header: Header, peer: string, reason: string): void
  /** `stats`: proofs verified for the range and the verifier's time on them (for progress displays). */
  adopted(entries: CheckedEntry[], qc: QuorumCertificate, peer: string, stats?: { proofs: number; verifyMs: number }): void
  /** A range passed every check but its proofs (links, bodies where asked, the certificate on its tail). */
  checked?(entries: CheckedEntry[]): void
  halted(): boolean
}

export interface SyncContext {
  wire: PeerWire
  peers: PeerManager
  verifier: ProofVerifier
  chain: VerifiedChain
  clock: Clock
  hooks: SyncHooks
  options: SyncOptions
}

export type SyncOutcome = 'reached' | 'progress' | 'stalled' | 'halted' | 'aborted'

type Fetched = { ok: true; entries: BlockEntry[] } | { ok: false; error: unknown }

interface Job {
  from: number
  count: number
  peer: string
  fetched: Promise<Fetched>
}

interface Checked {
  job: Job
  entries: CheckedEntry[]
  qc: QuorumCertificate
  /** proofs[i] belongs to entries[entryOf[i]]. */
  entryOf: number[]
  result: Promise<BatchResult | { error: unknown }>
  /** Set when the verdict arrives: the verifier's time on this range's proofs. */
  timing: { proofs: number; verifyMs: number }
}

/** Fetches and checks the header the checkpoint names, so the next block can be linked to it. */
export async function fetchAnchor(ctx: SyncContext, signal: AbortSignal): Promise<boolean> {
  const cp = ctx.chain.checkpoint
  for (const peer of ctx.peers.usable()) {
    if (signal.aborted) return false
    let headers: Header[]
    try {
      headers = await ctx.wire.headers(peer, cp.height, 1, { signal, timeoutMs: ctx.options.requestTimeoutMs })
    } catch (err) {
      reportRequestError(ctx.hooks, peer, err, 'checkpoint header')
      continue
    }
    const header = headers[0]
    if (!header) {
      ctx.hooks.fault(peer, 'unavailable')
      continue
    }
    const v = verifyCheckpointHeader(cp, header)
    if (!v.ok || headers.length !== 1) {
      ctx.hooks.offence(peer, 'broken-link', `checkpoint header: ${v.ok ? 'extra headers' : v.reason}`)
      continue
    }
    ctx.chain.setAnchorHeader(header, ctx.clock.now())
    return true
  }
  return false
}

/** One round of catch-up towards `target`: adopts what verifies, blames the first bad range. */
export async function syncRound(ctx: SyncContext, target: number, signal: AbortSignal): Promise<SyncOutcome> {
  const tip = ctx.chain.tip
  if (!tip) throw new Error('syncRound before the anchor header is known')
  if (tip.header.height >= target) return 'reached'
  const round = new AbortController()
  const stop = () => round.abort()
  signal.addEventListener('abort', stop, { once: true })
  try {
    const jobs = planJobs(ctx, tip.header.height + 1, target, round.signal)
    if (jobs.length === 0) return 'stalled'
    const checked = await checkJobs(ctx, tip.header, jobs, ctx.options.bodiesFrom(target))
    if (ctx.hooks.halted()) return 'halted'
    let adopted = 0
    for (const c of checked) {
      const r = await c.result
      if (signal.aborted) return 'aborted'
      if ('error' in r) throw r.error // the verifier itself failed: not the peer's fault
      if (!r.ok) {
        const bad = c.entries[c.entryOf[r.bad[0] as number] as number] as CheckedEntry
        ctx.hooks.offence(c.job.peer, 'proof-invalid', `height ${bad.block.header.height}`)
        ctx.hooks.rejected(bad.block.header, c.job.peer, 'proof-invalid')
        break
      }
      ctx.peers.reward(c.job.peer)
      ctx.hooks.adopted(c.entries, c.qc, c.job.peer, c.timing)
      adopted++
    }
    if (ctx.chain.height >= target) return 'reached'
    return adopted > 0 ? 'progress' : 'stalled'
  } finally {
    signal.removeEventListener('abort', stop)
    round.abort() // cancels fetches a failure made pointless
  }
}

function planJobs(ctx: SyncContext, start: number, target: number, signal: AbortSignal): Job[] {
  const { chunk, parallel, requestTimeoutMs } = ctx.options
  const candidates = ctx.peers.usable({ minHeight: start })
  const jobs: Job[] = []
  let from = start
  for (let k = 0; jobs.length < parallel && from <= target && candidates.length > 0; k++) {
    let count = Math.min(chunk, target - from + 1)
    // Prefer a peer that claims the whole range, rotating so ranges spread over peers.
    const full = candidates.filter((p) => (ctx.peers.info(p)?.height ?? -1) >= from + count - 1)
    const pool = full.length > 0 ? full : candidates
    const peer = pool[k % pool.length] as string
    count = Math.min(count, (ctx.peers.info(peer)?.height ?? from) - from + 1)
    if (count < 1) break
    const fetched: Promise<Fetched> = ctx.wire.proofs(peer, from, count, { signal, timeoutMs: requestTimeoutMs }).then(
      (entries) => ({ ok: true as const, entries }),
      (error: unknown) => ({ ok: false as const, error }),
    )
    jobs.push({ from, count, peer, fetched })
    from += count
  }
  return jobs
}

/** Structural checks in height order; each passing range's proofs go to the verifier at once. */
async function checkJobs(ctx: SyncContext, base: Header, jobs: Job[], bodiesFrom: number): Promise<Checked[]> {
  const out: Checked[] = []
  let parent = base
  for (const job of jobs) {
    const got = await job.fetched
    if (!got.ok) {
      reportRequestError(ctx.hooks, job.peer, got.error, 'proofs by range')
      break
    }
    const entries = got.entries
    if (entries.length === 0) {
      ctx.hooks.fault(job.peer, 'unavailable')
      break
    }
    if (entries.length > job.count) {
      ctx.hooks.offence(job.peer, 'malformed', `asked ${job.count} blocks, got ${entries.length}`)
      break
    }
    const check = checkRange(parent, entries, { chainTag: ctx.chain.chainTag, validatorCount: ctx.chain.validatorSet.length, maxTransfers: ctx.chain.context.batch, bodiesFrom })
    if (!check.ok) {
      const offence: Offence = isLinkReason(check.reason) || check.reason === 'wrong-start' ? 'broken-link' : 'bad-block'
      const at = entries[check.index] as BlockEntry
      ctx.hooks.offence(job.peer, offence, `${check.reason} at height ${at.block.header.height}`)
      ctx.hooks.rejected(at.block.header, job.peer, check.reason)
      break
    }
    const tail = entries[entries.length - 1] as BlockEntry
    if (!tail.qc) {
      // Not provably malicious (it may be serving a block it has not got votes for yet).
      ctx.hooks.fault(job.peer, 'unavailable')
      break
    }
    const qcv = verifyQuorumCertificate(tail.block.header, tail.qc, ctx.chain.validatorSet, ctx.chain.genesisHash)
    if (!qcv.ok) {
      ctx.hooks.offence(job.peer, 'bad-certificate', `${qcv.reason} at height ${tail.block.header.height}`)
      ctx.hooks.rejected(tail.block.header, job.peer, qcv.reason)
      break
    }
    if (!ctx.hooks.certified(tail.block.header, tail.qc, job.peer)) break
    const { entries: checked, proofs } = check.value
    ctx.hooks.checked?.(checked)
    const items: BatchItem[] = proofs.map((p) => ({ proof: p.proof, signals: p.signals }))
    const timing = { proofs: items.length, verifyMs: 0 }
    const t0 = ctx.clock.now()
    const result =
      items.length === 0
        ? Promise.resolve<BatchResult>({ ok: true })
        : verifyWithDeadline(ctx, items).then((r) => {
            timing.verifyMs = ctx.clock.now() - t0
            return r
          })
    out.push({ job, entries: checked, qc: tail.qc, entryOf: proofs.map((p) => p.entry), result, timing })
    parent = tail.block.header
    if (entries.length < job.count) break // a short answer: later ranges cannot link
  }
  return out
}

export class VerifierStuck extends Error {
  override name = 'VerifierStuck'
}

function verifyWithDeadline(ctx: SyncContext, items: BatchItem[]): Promise<BatchResult | { error: unknown }> {
  let timer: unknown
  const deadline = new Promise<{ error: unknown }>((resolve) => {
    timer = ctx.clock.setTimeout(() => resolve({ error: new VerifierStuck(`no verdict on ${items.length} proofs in ${ctx.options.verifyTimeoutMs} ms`) }), ctx.options.verifyTimeoutMs)
  })
  const verdict = ctx.verifier.verifyBatch(items).catch((error: unknown) => ({ error }))
  return Promise.race([verdict, deadline]).finally(() => ctx.clock.clearTimeout(timer))
}
