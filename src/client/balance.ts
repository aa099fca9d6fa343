// Verified balances: an account proof from a peer, checked against a verified
// state root. An absent account comes back as balance 0 only with a verified
// non-inclusion proof; nothing unverified is ever returned.
import { decodeAddress } from '../core/address.ts'
import { verifyAccountProof } from '../core/smt.ts'
import type { AccountProof } from '../core/types.ts'
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
  /** The verified state root at `height`, waiting up to a bound for sync to reach it; undefined if it does not. */
  verifiedHeader(height: number): Promise<VerifiedRoot | undefined>
  tip(): VerifiedRoot
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
    const tip = ctx.tip()
    let answer
    try {
      const opts = { signal, timeoutMs: ctx.requestTimeoutMs }
      // Our verified height first; a node that keeps only recent state answers at its latest instead.
      answer = (await ctx.wire.accountProof(peer, index, tip.height, opts)) ?? (await ctx.wire.accountProof(peer, index, LATEST_HEIGHT, opts))
    } catch (err) {
      if (reportRequestError(ctx, peer, err, 'account proof').kind === 'aborted') throw err
      continue
    }
    if (!answer) {
      ctx.fault(peer, 'unavailable')
      continue
    }
    // A peer may only answer at its own head: verify against our header at that height once we have it.
    const header = answer.height === tip.height ? tip : await ctx.verifiedHeader(answer.height)
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
