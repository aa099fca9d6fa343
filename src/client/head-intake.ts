// What peers say about the chain head (status answers and gossip): a head counts
// only with a certificate that verifies; a second valid certificate at a height
// is equivocation. Peers that lie about heads are punished here.
import { equalBytes } from '../core/bytes.ts'
import { hashHeader } from '../core/header.ts'
import { verifyQuorumCertificate } from '../core/quorum.ts'
import type { Header, QuorumCertificate } from '../core/types.ts'
import type { CertificateBook, Equivocation } from './rules/certificate-book.ts'
import type { HeadTracker } from './head-tracker.ts'
import { judgeRequestError, reportRequestError, type Fault, type Offence } from '../net/peer-judgement.ts'
import { markOnce } from './deps.ts'
import type { PeerWire } from './network.ts'
import type { PeerManager } from './peer-manager.ts'
import type { VerifiedChain } from './verified-chain.ts'

export interface IntakeContext {
  chain: VerifiedChain
  book: CertificateBook
  peers: PeerManager
  tracker: HeadTracker
  wire: PeerWire
  requestTimeoutMs: number
  halted(): boolean
  punish(peer: string, offence: Offence, detail: string): void
  fault(peer: string, fault: Fault): void
  halt(reason: 'equivocation', evidence: Equivocation): void
  changed(): void
  /** Whether `peer` is a node (serves account proofs); false for another light client, undefined when not known. */
  servesState?(peer: string): boolean | undefined
}

export async function pollPeer(ctx: IntakeContext, peer: string, signal: AbortSignal): Promise<void> {
  try {
    const st = await ctx.wire.status(peer, { signal, timeoutMs: ctx.requestTimeoutMs })
    markOnce('zklight:first-status')
    const cp = ctx.chain.checkpoint
    if (st.chainId !== cp.chainId) return ctx.punish(peer, 'broken-link', `status of chain ${st.chainId}`)
    if (!equalBytes(st.genesisHash, cp.genesisHash)) return ctx.punish(peer, 'broken-link', 'another genesis')
    considerHead(ctx, peer, st.head, st.qc, 'status')
    ctx.tracker.contact()
  } catch (err) {
    // Another light client still catching up has no certified head to name: like not-found,
    // a normal answer. Dropping it would hang up on a peer that may be syncing from us.
    if (ctx.servesState?.(peer) === false && isUnavailable(err)) return
    reportRequestError({ offence: ctx.punish, fault: ctx.fault }, peer, err, 'status')
  }
}

function isUnavailable(err: unknown): boolean {
  const j = judgeRequestError(err)
  return j.kind === 'fault' && j.fault === 'unavailable'
}

/**
 * A head a peer announced: counted only with a valid certificate. A status answer names
 * the head the peer can serve with proofs, so it sets what the peer is asked for; a
 * gossiped (or account-answer) head may be certified before it is proven, so it only
 * raises the best certified height (the lag) and shows as pending.
 */
export function considerHead(ctx: IntakeContext, peer: string, header: Header, qc: QuorumCertificate | null, source: 'status' | 'announcement'): void {
  if (ctx.halted() || ctx.peers.isBanned(peer)) return
  if (header.chainId !== ctx.chain.chainId) return ctx.punish(peer, 'broken-link', 'head of another chain')
  if (!qc) {
    // An uncertified claim only says whom to ask; it never moves bestSeenHeight.
    if (source === 'status') ctx.peers.setHeight(peer, header.height)
    return
  }
  if (!ctx.book.isVerified(hashHeader(header))) {
    const v = verifyQuorumCertificate(header, qc, ctx.chain.validatorSet, ctx.chain.genesisHash)
    if (!v.ok) return ctx.punish(peer, 'bad-certificate', `${v.reason} at height ${header.height}`)
    if (!recordCertificate(ctx, header, qc)) return
  }
  if (source === 'status') ctx.peers.setHeight(peer, header.height)
  ctx.tracker.certified(header)
  ctx.changed()
}

/** Records a verified certificate; false when it proves equivocation (and the client halts). */
export function recordCertificate(ctx: IntakeContext, header: Header, qc: QuorumCertificate): boolean {
  const own = ctx.chain.block(header.height)
  const ours = own !== undefined && equalBytes(own.hash, hashHeader(header))
  // Our block at that height may carry a certificate we never needed to check: check it now, as evidence.
  if (own?.unverifiedQc && !ours) {
    if (verifyQuorumCertificate(own.block.header, own.unverifiedQc, ctx.chain.validatorSet, ctx.chain.genesisHash).ok) ctx.book.record({ header: own.block.header, qc: own.unverifiedQc })
  }
  const eq = ctx.book.record({ header, qc })
  if (!eq) {
    // A block we hold without a verified certificate of its own now has one: we may end a served range on it.
    if (ours && !own.qc) ctx.chain.markCertified(header.height, qc)
    return true
  }
  ctx.halt('equivocation', eq)
  return false
}
