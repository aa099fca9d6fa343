// A snapshot join's first step: which height H to take, and why its state root is trusted.
// The root counts as proven the way a light client proves it: the certificate on H checks
// against the validator set, every block from the trust anchor up to H is hash-linked, and
// every non-empty block's Groth16 proof verifies (in batches). No transfer is re-executed.
import { equalBytes } from '../core/bytes.ts'
import { hashHeader, isLinkReason } from '../core/header.ts'
import type { Logger } from '../core/logger.ts'
import type { Clock } from '../core/platform.ts'
import { verifyQuorumCertificate } from '../core/quorum.ts'
import type { BlockEntry, Header, QuorumCertificate } from '../core/types.ts'
import { checkRange } from '../client/rules/range.ts'
import { MAX_PROOFS_PER_REQUEST } from '../net/constants.ts'
import type { ProofsResponse } from '../net/messages.ts'
import { PROOFS, STATUS } from '../net/protocols.ts'
import type { BatchResult, ProofVerifier } from '../zk/proof-verifier.ts'
import type { ChainIdentity, ChainSpec } from './chain-spec.ts'
import { SNAPSHOT_HEAD_WINDOW, SNAPSHOT_RANGES_IN_FLIGHT } from './constants.ts'
import { SnapshotJoinFailed } from './errors.ts'
import type { Asked, JoinPeers } from './snapshot-peers.ts'

export interface HeadContext {
  peers: JoinPeers
  spec: ChainSpec
  identity: ChainIdentity
  verifier: ProofVerifier
  logger: Logger
}

export interface CertifiedHead {
  header: Header
  qc: QuorumCertificate
}

export interface HeadChoice {
  /** Undefined when no peer is past the anchor: there is nothing to join, the node follows from it. */
  target: CertifiedHead | undefined
  /** The proven head height of every peer that answered. */
  heads: Map<string, number>
}

/**
 * Asks every usable peer's status and picks H: the lowest certified head within
 * SNAPSHOT_HEAD_WINDOW of the best one, so that every near-tip peer still keeps its state.
 * A foreign chain or a head whose certificate fails bans the peer.
 */
export async function chooseHead(ctx: HeadContext, anchorHeight: number): Promise<HeadChoice> {
  const { peers, identity, spec } = ctx
  const answers = await Promise.all(peers.usable().map(async (peer) => ({ peer, r: await peers.ask(peer, STATUS, {}) })))
  const heads = new Map<string, number>()
  const certified: CertifiedHead[] = []
  for (const { peer, r } of answers) {
    if (!r.ok || r.answer.kind === 'error') continue
    const s = r.answer
    if (s.chainId !== identity.chainId || !equalBytes(s.genesisHash, identity.genesisHash)) {
      peers.ban(peer, 'foreign-chain', 'its genesis is not ours')
      continue
    }
    if (s.headHeight > anchorHeight) {
      // Only genesis goes without a certificate (docs/protocol.md, status).
      const q = s.headQc ? verifyQuorumCertificate(s.headHeader, s.headQc, spec.validators, identity.genesisHash) : { ok: false as const, reason: 'quorum-missing' }
      if (!q.ok || !s.headQc) {
        peers.ban(peer, 'bad-certificate', `head ${s.headHeight}: ${q.ok ? 'quorum-missing' : q.reason}`)
        continue
      }
      const same = certified.find((c) => c.header.height === s.headHeight)
      if (same && !equalBytes(hashHeader(same.header), hashHeader(s.headHeader))) {
        throw new SnapshotJoinFailed('equivocation', `two certified headers at height ${s.headHeight}`)
      }
      certified.push({ header: s.headHeader, qc: s.headQc })
    }
    heads.set(peer, s.headHeight)
  }
  if (heads.size === 0) throw new SnapshotJoinFailed('no-peers', 'no usable peer answered its status')
  if (certified.length === 0) return { target: undefined, heads }
  const best = Math.max(...certified.map((c) => c.header.height))
  const near = certified.filter((c) => c.header.height >= best - SNAPSHOT_HEAD_WINDOW).sort((a, b) => a.header.height - b.header.height)
  return { target: near[0], heads }
}

export interface ProvenHead {
  /** Block H as served (body, proof, certificate), its txRoot checked: the store keeps it. */
  entry: BlockEntry
  blocks: number
  proofs: number
  bytes: number
  /** Time spent waiting for proof verdicts after the last range was checked. */
  verifyWaitMs: number
}

interface RangeJob {
  from: number
  end: number
  peer: string
  fetched: Promise<Asked<ProofsResponse>>
}

/**
 * Proves the state root of `target` from the trusted `anchor`: proofs-by-range from the
 * peers whose head reaches each range (SNAPSHOT_RANGES_IN_FLIGHT in flight), each range
 * checked against the header before it (src/client/rules/range.ts) and the certificate on
 * its last block, as it arrives, and its proofs sent to the verifier while the next range
 * comes in. A range that fails is an
 * offence (the peer is banned) and is asked of another peer; a failed proof bans the
 * peer and fails the round, which the caller retries without it.
 */
export async function proveHead(ctx: HeadContext, anchor: Header, target: CertifiedHead, heads: ReadonlyMap<string, number>, clock: Clock): Promise<ProvenHead> {
  const { peers, identity, spec } = ctx
  const H = target.header.height
  const targetHash = hashHeader(target.header)
  const first = anchor.height + 1
  const endOf = (from: number) => Math.min(H, first + (Math.floor((from - first) / MAX_PROOFS_PER_REQUEST) + 1) * MAX_PROOFS_PER_REQUEST - 1)
  const jobs = new Map<number, RangeJob>()
  const tried = new Map<number, Set<string>>()
  const start = (from: number): RangeJob => {
    const end = endOf(from)
    const used = tried.get(from) ?? new Set<string>()
    tried.set(from, used)
    const fresh = peers.usable().filter((p) => (heads.get(p) ?? -1) >= end && !used.has(p))
    // Rotate by range number so consecutive ranges go to different peers.
    const peer = fresh[Math.floor((from - first) / MAX_PROOFS_PER_REQUEST) % Math.max(1, fresh.length)]
    if (peer === undefined) throw new SnapshotJoinFailed('no-range-source', `no peer left to serve blocks ${from}..${end}`)
    used.add(peer)
    const job = { from, end, peer, fetched: peers.ask(peer, PROOFS, { from, count: end - from + 1 }) }
    jobs.set(from, job)
    return job
  }
  const verdicts: { peer: string; heights: number[]; result: Promise<BatchResult | { error: unknown }> }[] = []
  let parent = anchor
  let entry: BlockEntry | undefined
  let blocks = 0
  let proofs = 0
  let bytes = 0
  while (parent.height < H) {
    const next = parent.height + 1
    for (let from = next, i = 0; i < SNAPSHOT_RANGES_IN_FLIGHT && from <= H; i++, from = endOf(from) + 1) if (!jobs.has(from)) start(from)
    const job = jobs.get(next) as RangeJob
    const got = await job.fetched
    jobs.delete(next)
    // Undecodable answers were banned by ask(); other failures and error answers are faults: another peer is asked.
    if (!got.ok || got.answer.kind === 'error') continue
    bytes += got.bytes
    const entries = got.answer.entries
    if (entries.length === 0 || entries.length > job.end - job.from + 1) {
      peers.ban(job.peer, 'malformed', `asked ${job.end - job.from + 1} blocks from ${job.from}, got ${entries.length}`)
      continue
    }
    const v = checkRange(parent, entries, { chainTag: identity.chainTag, validatorCount: spec.validators.length, maxTransfers: spec.profile.batch, bodiesFrom: H })
    if (!v.ok) {
      const at = (entries[v.index] as BlockEntry).block.header.height
      peers.ban(job.peer, isLinkReason(v.reason) || v.reason === 'wrong-start' ? 'broken-link' : 'bad-block', `${v.reason} at height ${at}`)
      continue
    }
    const last = v.value.entries[v.value.entries.length - 1] as BlockEntry
    // The certificate on each range's last block pins every header in it, so a forged tail
    // is blamed on the peer that sent it, not on whoever serves the next range.
    if (!last.qc) continue // not provably malicious: it may not have the votes yet; another peer is asked
    const q = verifyQuorumCertificate(last.block.header, last.qc, spec.validators, identity.genesisHash)
    if (!q.ok) {
      peers.ban(job.peer, 'bad-certificate', `${q.reason} at height ${last.block.header.height}`)
      continue
    }
    if (last.block.header.height === H) {
      if (!equalBytes(hashHeader(last.block.header), targetHash)) {
        peers.ban(job.peer, 'broken-link', `block ${H} is not the certified head`)
        continue
      }
      entry = last
    }
    const items = v.value.proofs.map((p) => ({ proof: p.proof, signals: p.signals }))
    if (items.length > 0) {
      const heights = v.value.proofs.map((p) => (v.value.entries[p.entry] as BlockEntry).block.header.height)
      // Settled into a value at once: a round that fails early must not leave a rejection unhandled.
      const result = ctx.verifier.verifyBatch(items).catch((error: unknown) => ({ error }))
      verdicts.push({ peer: job.peer, heights, result })
    }
    blocks += entries.length
    proofs += items.length
    parent = last.block.header
  }
  const waitFrom = clock.now()
  for (const { peer, heights, result } of verdicts) {
    const r = await result
    if ('error' in r) throw r.error // the verifier failed, not the peer
    if (!r.ok) {
      const at = heights[r.bad[0] as number]
      peers.ban(peer, 'proof-invalid', `block ${at}`)
      throw new SnapshotJoinFailed('proof-invalid', `the proof of block ${at} does not verify`)
    }
  }
  if (!entry) throw new SnapshotJoinFailed('no-range-source', `block ${H} never arrived`)
  return { entry, blocks, proofs, bytes, verifyWaitMs: clock.now() - waitFrom }
}
