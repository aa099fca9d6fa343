// Verified balances: an account proof from a peer, checked against a verified
// state root. An absent account comes back as balance 0 only with a verified
// non-inclusion proof; nothing unverified is ever returned.
import { decodeAddress } from '../core/address.ts'
import { verifyAccountProof } from '../core/smt.ts'
import type { AccountProof, Header, QuorumCertificate } from '../core/types.ts'
import { LATEST_HEIGHT } from '../net/constants.ts'
import { BadAddress, NoVerifiedAnswer } from './errors.ts'
import { reportRequestError, type PeerReports } from '../net/peer-judgement.ts'
import type { PeerWire } from './network.ts'

export interface VerifiedBalance {
  balance: bigint
  nonce: number
  /** Whether the account slot holds an account (false: a verified non-inclusion proof). */
  exists: boolean
  height: number
  stateRoot: bigint
  /** The Merkle proof it was verified with (an app may keep it to show the balance again at once; see src/web/fast-resume.ts). */
  proof: AccountProof
  verified: true
}

export interface VerifiedRoot {
  height: number
  stateRoot: bigint
}

export interface BalanceContext extends PeerReports {
  wire: PeerWire
  depth: number
  peers: () => string[]
  /** The lowest height an answer may be at: the verified tip when the query began, or higher if the caller asked. */
  minHeight: number
  /** The verified state root at `height`, waiting up to a bound for sync to reach it; undefined if it does not. */
  verifiedHeader(height: number): Promise<VerifiedRoot | undefined>
  tip(): VerifiedRoot
  /** A peer answered at a certified height above the verified tip: let the client learn of it (and sync to it). */
  announced(peer: string, header: Header, qc: QuorumCertificate | null): void
  requestTimeoutMs: number
  /** How many peers to try before giving up. */
  attempts: number
}

export async function fetchVerifiedBalance(ctx: BalanceContext, address: string, signal?: AbortSignal): Promise<VerifiedBalance> {
  const decoded = decodeAddress(address)
  if (!decoded.ok) throw new BadAddress('bad-address')
  const { index, pubKey } = decoded.value
  if (index >= 2 ** ctx.depth) throw new BadAddress('bad-address')
  for (const peer of ctx.peers().slice(0, ctx.attempts)) {
    let answer
    try {
      const opts = { signal, timeoutMs: ctx.requestTimeoutMs }
      // The height asked for first; a node that keeps only recent state answers at its latest instead.
      answer = (await ctx.wire.accountProof(peer, index, ctx.minHeight, opts)) ?? (await ctx.wire.accountProof(peer, index, LATEST_HEIGHT, opts))
    } catch (err) {
      if (reportRequestError(ctx, peer, err, 'account proof').kind === 'aborted') throw err
      continue
    }
    if (!answer) continue // not-found at both heights: a normal answer; ask another peer
    // A balance from before the view the caller has is no answer to "what is it now".
    if (answer.height < ctx.minHeight) {
      ctx.fault(peer, 'stale')
      continue
    }
    // A peer ahead of us answers at its own head: learn of it, and verify once we have that header.
    if (answer.height > ctx.tip().height) ctx.announced(peer, answer.header, answer.qc)
    const header = await ctx.verifiedHeader(answer.height)
    if (!header) continue
    const { proof } = answer
    const v = verifyAccountProof(header.stateRoot, proof, ctx.depth)
    if (!v.ok || proof.index !== index) {
      ctx.offence(peer, 'bad-account-proof', v.ok ? 'wrong index' : v.reason)
      continue
    }
    const account = proof.account
    if (account && (account.pubKey[0] !== pubKey[0] || account.pubKey[1] !== pubKey[1])) throw new BadAddress('key-mismatch')
    return {
      balance: account?.balance ?? 0n,
      nonce: account?.nonce ?? 0,
      exists: account !== null,
      height: header.height,
      stateRoot: header.stateRoot,
      proof,
      verified: true,
    }
  }
  throw new NoVerifiedAnswer('account proof')
}
