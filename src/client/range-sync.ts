// Catch-up sync: fetches ranges from several peers at once, checks each range against
// the verified tip (linkage, txRoot, empty blocks, the certificate on its last block),
// verifies the Groth16 proofs in batches off the main thread, and adopts ranges in
// height order. Only the first failing range is blamed. Ranges below the blocks whose
// transfers are checked are fetched without transfers (header-proofs) from peers that
// speak it, with proofs-by-range from the others.
import { errorText } from '../core/logger.ts'
import { markOnce } from './deps.ts'
import { verifyCheckpointHeader } from '../core/checkpoint.ts'
import { equalBytes } from '../core/bytes.ts'
import { isLinkReason } from '../core/header.ts'
import { verifyQuorumCertificate, verifyQuorumCertificateAsync, type AsyncSignatureCheck } from '../core/quorum.ts'
import type { Clock } from '../core/platform.ts'
import type { BlockEntry, Header, QuorumCertificate } from '../core/types.ts'
import { PROTOCOL } from '../net/constants.ts'
import { isUnsupportedProtocol } from '../net/errors.ts'
import { proofOffence, reportRequestError, type Fault, type Offence } from '../net/peer-judgement.ts'
import type { ProofReason } from '../zk/proof-input.ts'
import type { BatchItem, BatchResult, ProofVerifier } from '../zk/proof-verifier.ts'
import type { HeaderProofsAnswer, PeerWire } from './network.ts'
import type { PeerManager } from './peer-manager.ts'
import { checkBodilessRange, checkRange, type CheckedEntry } from './rules/range.ts'
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
  /** Fetch ranges below `bodiesFrom` without their transfers (header-proofs) where a peer speaks it. */
  bodiesFree: boolean
  /**
   * Ask for the next round's ranges as soon as this round's are checked, while its proofs
   * are being verified, instead of after they are adopted; check them as they arrive and
   * send their proofs to the verifier behind this round's, so the workers never wait for
   * a round to be adopted.
   */
  pipeline: boolean
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
  /** Whether a peer listed a protocol (identify): false skips header-proofs at once; undefined tries it. */
  supports?(peer: string, protocol: string): boolean | undefined
  /** Peers that refused header-proofs (an unsupported protocol): asked with proofs-by-range from then on. */
  noHeaderProofs: Set<string>
  /** The next round's ranges, asked for while this round's proofs are verified (`pipeline`); used only if they start at the tip. */
  prefetched?: Prefetched
  peers: PeerManager
  verifier: ProofVerifier
  chain: VerifiedChain
  clock: Clock
  hooks: SyncHooks
  options: SyncOptions
  /** Checks the certificates' signatures off this thread where it can (src/client/signature-check.ts); the pure-JS check otherwise. */
  checkSignature?: AsyncSignatureCheck
  /** Why the last round adopted nothing, in words (for the client's `stalled` event); set by syncRound. */
  missed?: string
}

export type SyncOutcome = 'reached' | 'progress' | 'stalled' | 'halted' | 'aborted'

/** A proofs answer (whole blocks, a certificate each) or a header-proofs one (no transfers, one certificate). */
type Fetched = { ok: true; blocks: BlockEntry[] } | { ok: true; headers: HeaderProofsAnswer | null } | { ok: false; error: unknown }

interface Job {
  from: number
  count: number
  peer: string
  /** Planned as header-proofs (a refusal turns it into proofs-by-range). */
  bodiless: boolean
  fetched: Promise<Fetched>
}

interface Prefetched {
  jobs: Job[]
  /** Aborts the jobs' requests: when they are not used, or when the round that uses them ends. */
  controller: AbortController
  /** The hash of the header the jobs were checked against (the round before's last; they start just above it), and the body window they were checked with. */
  parentHash: Uint8Array
  bodiesFrom: number
  /** The jobs checked as they arrived, their proofs already with the verifier. */
  checks: Promise<RoundChecks>
}

/** A round's checked ranges, and why the first range failed if it did (for the `stalled` event). */
interface RoundChecks {
  checked: Checked[]
  missed?: string
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
    if (!header) continue // not-found: a normal answer; ask another peer
    const v = verifyCheckpointHeader(cp, header)
    if (!v.ok || headers.length !== 1) {
      ctx.hooks.offence(peer, 'broken-link', `checkpoint header: ${v.ok ? 'extra headers' : v.reason}`)
      continue
    }
    ctx.chain.setAnchorHeader(header, ctx.clock.now())
    markOnce('zklight:anchor-header')
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
  const bodiesFrom = ctx.options.bodiesFrom(target)
  const pre = takePrefetched(ctx, tip, bodiesFrom)
  const stop = () => {
    round.abort()
    pre?.controller.abort()
  }
  signal.addEventListener('abort', stop, { once: true })
  try {
    const jobs = pre?.jobs ?? planJobs(ctx, tip.header.height + 1, target, bodiesFrom, round.signal)
    ctx.missed = undefined
    if (jobs.length === 0) {
      ctx.missed = `no usable peer claims height ${tip.header.height + 1}`
      return 'stalled'
    }
    const checks = pre ? pre.checks : checkJobs(ctx, tip.header, jobs, bodiesFrom, round.signal)
    const { checked, missed } = await checks
    ctx.missed = missed
    if (ctx.hooks.halted()) return 'halted'
    // Every range linked and certified: ask for the next ones while these proofs verify.
    const last = checked[checked.length - 1]
    if (ctx.options.pipeline && last && checked.length === jobs.length && last.entries.length === last.job.count) {
      const tail = (last.entries[last.entries.length - 1] as CheckedEntry).block.header
      // The tail's hash is its certificate's, checked equal to hashHeader(tail) in checkJobs.
      if (tail.height < target) prefetch(ctx, tail, last.qc.headerHash, target, bodiesFrom, signal)
    }
    let adopted = 0
    for (const c of checked) {
      const r = await c.result
      if (signal.aborted) return 'aborted'
      if ('error' in r) throw r.error // the verifier itself failed: not the peer's fault
      if (!r.ok) {
        const bad = c.entries[c.entryOf[r.bad[0] as number] as number] as CheckedEntry
        const reason = r.reasons[0] as ProofReason
        const offence = proofOffence(reason)
        ctx.hooks.offence(c.job.peer, offence, `height ${bad.block.header.height}: ${reason}`)
        ctx.hooks.rejected(bad.block.header, c.job.peer, offence)
        ctx.missed = `${short(c.job.peer)}: ${reason} at height ${bad.block.header.height}`
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
    stop() // cancels fetches a failure made pointless
  }
}

/**
 * Plans the round after this one now, on top of `parent` (this round's last header, linked
 * and certified, its proof still being verified), and checks its ranges as they arrive: their
 * proofs queue at the verifier behind this round's. Its requests end when the client stops or
 * the jobs are dropped; a dropped round's checks stop at the next range.
 */
function prefetch(ctx: SyncContext, parent: Header, parentHash: Uint8Array, target: number, bodiesFrom: number, signal: AbortSignal): void {
  ctx.prefetched?.controller.abort()
  const controller = new AbortController()
  signal.addEventListener('abort', () => controller.abort(), { once: true, signal: controller.signal })
  const jobs = planJobs(ctx, parent.height + 1, target, bodiesFrom, controller.signal)
  if (jobs.length === 0) {
    ctx.prefetched = undefined
    return
  }
  const checks = checkJobs(ctx, parent, jobs, bodiesFrom, controller.signal)
  checks.catch(() => {}) // awaited by the round that uses it; a dropped round's failure is nobody's
  ctx.prefetched = { jobs, controller, parentHash, bodiesFrom, checks }
}

/**
 * The prefetched jobs if they were checked against the tip (everything before them was
 * adopted) with a body window that covers today's: none goes without bodies at or above
 * `bodiesFrom`, and none had its bodies left unchecked from there (the window moves with
 * the target, and to 0 while a transfer of this client's is pending). Otherwise they are
 * dropped, their checks stopped.
 */
function takePrefetched(ctx: SyncContext, tip: { hash: Uint8Array }, bodiesFrom: number): Prefetched | undefined {
  const pre = ctx.prefetched
  ctx.prefetched = undefined
  if (!pre) return undefined
  if (equalBytes(pre.parentHash, tip.hash) && pre.bodiesFrom <= bodiesFrom && pre.jobs.every((j) => !j.bodiless || j.from + j.count - 1 < bodiesFrom)) return pre
  pre.controller.abort()
  return undefined
}

function planJobs(ctx: SyncContext, start: number, target: number, bodiesFrom: number, signal: AbortSignal): Job[] {
  const { chunk, parallel, requestTimeoutMs } = ctx.options
  const bodiesFree = ctx.options.bodiesFree && ctx.wire.headerProofs !== undefined
  const candidates = ctx.peers.usable({ minHeight: start })
  const jobs: Job[] = []
  let from = start
  // A cut range (below) is one more request, not one less range of the round: the range
  // with bodies after it stays in this round, its txRoot checks overlapping the proofs
  // before it rather than left alone at the end.
  let slots = parallel
  for (let k = 0; jobs.length < slots && from <= target && candidates.length > 0; k++) {
    let count = Math.min(chunk, target - from + 1)
    // A range across the body window's start is cut there: the part below goes without bodies.
    if (bodiesFree && from < bodiesFrom && from + count - 1 >= bodiesFrom) {
      count = bodiesFrom - from
      slots = parallel + 1
    }
    // Prefer a peer that claims the whole range, rotating so ranges spread over peers.
    const full = candidates.filter((p) => (ctx.peers.info(p)?.height ?? -1) >= from + count - 1)
    const pool = full.length > 0 ? full : candidates
    const peer = pool[k % pool.length] as string
    count = Math.min(count, (ctx.peers.info(peer)?.height ?? from) - from + 1)
    if (count < 1) break
    const opts = { signal, timeoutMs: requestTimeoutMs }
    // The fallback runs after the loop moved on: it keeps this job's range, not the loop's.
    const [jobFrom, jobCount] = [from, count]
    const blocks = (): Promise<Fetched> =>
      ctx.wire.proofs(peer, jobFrom, jobCount, opts).then(
        (entries) => ({ ok: true as const, blocks: entries }),
        (error: unknown) => ({ ok: false as const, error }),
      )
    const withoutBodies = bodiesFree && from + count - 1 < bodiesFrom && !ctx.noHeaderProofs.has(peer) && ctx.supports?.(peer, PROTOCOL.headerProofs) !== false
    const fetched: Promise<Fetched> = withoutBodies
      ? (ctx.wire.headerProofs as NonNullable<PeerWire['headerProofs']>)(peer, jobFrom, jobCount, opts).then(
          (headers) => ({ ok: true as const, headers }),
          (error: unknown) => {
            if (!isUnsupportedProtocol(error)) return { ok: false as const, error }
            // A peer without it (an older node or light client): not a fault; ask it the old way, now and from then on.
            ctx.noHeaderProofs.add(peer)
            return blocks()
          },
        )
      : blocks()
    jobs.push({ from, count, peer, bodiless: withoutBodies, fetched })
    from += count
  }
  return jobs
}

/**
 * Structural checks in height order; each passing range's proofs go to the verifier at once.
 * Stops at the first failing range, and when `signal` ends (a dropped prefetch).
 */
async function checkJobs(ctx: SyncContext, base: Header, jobs: Job[], bodiesFrom: number, signal: AbortSignal): Promise<RoundChecks> {
  const out: Checked[] = []
  let missed: string | undefined
  let parent = base
  for (const job of jobs) {
    const got = await job.fetched
    if (signal.aborted) break
    markOnce('zklight:first-range')
    const kind = job.bodiless ? 'header-proofs' : 'proofs'
    const miss = (why: string) => {
      if (out.length === 0) missed = `${short(job.peer)}: ${kind} ${job.from}+${job.count}: ${why}`
    }
    if (!got.ok) {
      reportRequestError(ctx.hooks, job.peer, got.error, 'proofs by range')
      miss(errorText(got.error))
      break
    }
    // Both kinds of answer as headers in order and the certificate on the last one.
    const headers = 'blocks' in got ? got.blocks.map((e) => e.block.header) : (got.headers?.entries.map((e) => e.header) ?? [])
    if (headers.length === 0) {
      miss('not-found')
      break // a normal answer (docs/protocol.md#clients); the next round asks again
    }
    if (headers.length > job.count) {
      ctx.hooks.offence(job.peer, 'malformed', `asked ${job.count} blocks, got ${headers.length}`)
      miss(`${headers.length} blocks`)
      break
    }
    const check =
      'blocks' in got
        ? checkRange(parent, got.blocks, { chainTag: ctx.chain.chainTag, validatorCount: ctx.chain.validatorSet.length, maxTransfers: ctx.chain.context.batch, bodiesFrom })
        : checkBodilessRange(parent, (got.headers as HeaderProofsAnswer).entries, { chainTag: ctx.chain.chainTag, validatorCount: ctx.chain.validatorSet.length })
    if (!check.ok) {
      const offence: Offence = isLinkReason(check.reason) || check.reason === 'wrong-start' ? 'broken-link' : 'bad-block'
      const at = headers[check.index] as Header
      ctx.hooks.offence(job.peer, offence, `${check.reason} at height ${at.height}`)
      ctx.hooks.rejected(at, job.peer, check.reason)
      miss(`${check.reason} at height ${at.height}`)
      break
    }
    const tail = headers[headers.length - 1] as Header
    const tailQc = 'blocks' in got ? (got.blocks[got.blocks.length - 1] as BlockEntry).qc : (got.headers as HeaderProofsAnswer).qc
    if (!tailQc) {
      // The last block must carry a certificate (docs/protocol.md#range-requests); not
      // provably malicious (it may be serving a block it has not got votes for yet).
      ctx.hooks.fault(job.peer, 'unavailable')
      miss(`no certificate on its last block (${tail.height})`)
      break
    }
    const { validatorSet, genesisHash } = ctx.chain
    const qcv = ctx.checkSignature ? await verifyQuorumCertificateAsync(tail, tailQc, validatorSet, genesisHash, ctx.checkSignature) : verifyQuorumCertificate(tail, tailQc, validatorSet, genesisHash)
    if (signal.aborted) break
    if (!qcv.ok) {
      ctx.hooks.offence(job.peer, 'bad-certificate', `${qcv.reason} at height ${tail.height}`)
      ctx.hooks.rejected(tail, job.peer, qcv.reason)
      miss(`${qcv.reason} at height ${tail.height}`)
      break
    }
    if (!ctx.hooks.certified(tail, tailQc, job.peer)) break
    const { entries: checked, proofs } = check.value
    ctx.hooks.checked?.(checked)
    const items: BatchItem[] = proofs.map((p) => ({ proof: p.proof, signals: p.signals }))
    const timing = { proofs: items.length, verifyMs: 0 }
    const t0 = ctx.clock.now()
    const result =
      items.length === 0
        ? Promise.resolve<BatchResult>({ ok: true })
        : verifyWithDeadline(ctx, items).then((r) => {
            markOnce('zklight:first-verdict')
            timing.verifyMs = ctx.clock.now() - t0
            return r
          })
    out.push({ job, entries: checked, qc: tailQc, entryOf: proofs.map((p) => p.entry), result, timing })
    parent = tail
    if (headers.length < job.count) break // a short answer: later ranges cannot link
  }
  return missed === undefined ? { checked: out } : { checked: out, missed }
}

/** A peer id's tail, enough to tell peers apart in a message. */
const short = (peer: string) => `…${peer.slice(-8)}`

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
