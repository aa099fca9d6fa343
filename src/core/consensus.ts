// The validators' voting protocol as pure rules (docs/protocol.md#consensus): who
// proposes in which round, the signed messages of a round (prepare, promise, proposal),
// the one-vote-per-height rule, and the check that a later round's proposer proposes the
// header it must (the highest-round vote its quorum of promises reported).
import { ed25519 } from '@noble/curves/ed25519.js'
import { concatBytes, equalBytes } from './bytes.ts'
import { qcMessage, quorumSize, verifySignature } from './quorum.ts'
import type { Header, ValidatorSet, Verdict } from './types.ts'

const encode = (s: string) => new TextEncoder().encode(s)
const PROPOSAL_DOMAIN = encode('zklight-proposal-v1')
const PREPARE_DOMAIN = encode('zklight-prepare-v1')
const PROMISE_DOMAIN = encode('zklight-promise-v1')

/** The proposer of round `round` at `height`: rotates by height, and by round when a proposer fails. */
export function proposerOf(height: number, round: number, validatorCount: number): number {
  return (height + round) % validatorCount
}

function heightRound(height: number, round: number): Uint8Array {
  const b = new Uint8Array(12)
  const v = new DataView(b.buffer)
  v.setBigUint64(0, BigInt(height))
  v.setUint32(8, round)
  return b
}

const u32 = (n: number) => {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n)
  return b
}

/** What a proposer signs to propose `headerHash` in (height, round) of the network of `genesisHash`. */
export function proposalMessage(genesisHash: Uint8Array, height: number, round: number, headerHash: Uint8Array): Uint8Array {
  return concatBytes(PROPOSAL_DOMAIN, genesisHash, heightRound(height, round), headerHash)
}

/** What a proposer signs to open round `round` at `height` (asking for promises). */
export function prepareMessage(genesisHash: Uint8Array, height: number, round: number): Uint8Array {
  return concatBytes(PREPARE_DOMAIN, genesisHash, heightRound(height, round))
}

/** The vote a validator reports in a promise: the round it voted in and the header hash. */
export interface VoteReport {
  round: number
  headerHash: Uint8Array
}

/**
 * What a validator signs to promise it ignores rounds below `round` at `height`; the
 * promise also states its vote at that height (or that it has none), so a proposer
 * cannot leave a reported vote out without the signature failing.
 */
export function promiseMessage(genesisHash: Uint8Array, height: number, round: number, vote: VoteReport | null): Uint8Array {
  const tail = vote ? concatBytes(Uint8Array.of(1), u32(vote.round), vote.headerHash) : Uint8Array.of(0)
  return concatBytes(PROMISE_DOMAIN, genesisHash, heightRound(height, round), tail)
}

export function signConsensusMessage(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey)
}

/** A vote a validator has cast at a height (what it persisted before sending it). */
export interface CastVote {
  height: number
  round: number
  headerHash: Uint8Array
}

export type VoteRefusal = 'locked' | 'round-promised-away'

/**
 * Whether a validator may vote for `headerHash` in `round` at `height`. It votes at most
 * once per height (a second vote for another header would be a double-sign: two such
 * votes from more than a third of the set could certify two headers); a repeated request
 * for the header it voted for gets the same vote again. It ignores rounds below the
 * highest it promised (a promise lets the next proposer know every vote that can still
 * count).
 */
export function mayVote(previous: CastVote | undefined, promisedRound: number, height: number, round: number, headerHash: Uint8Array): Verdict<VoteRefusal> & { repeat?: boolean } {
  if (previous && previous.height === height) {
    return equalBytes(previous.headerHash, headerHash) ? { ok: true, repeat: true } : { ok: false, reason: 'locked' }
  }
  if (round < promisedRound) return { ok: false, reason: 'round-promised-away' }
  return { ok: true }
}

/**
 * The header a proposer of a later round must propose, given the votes reported with a
 * quorum of promises: the one voted in the highest round (ties: the lowest hash, so every
 * proposer picks the same), or undefined when nobody voted and any valid block will do.
 */
export function chooseReproposal(reported: readonly VoteReport[]): Uint8Array | undefined {
  let best: VoteReport | undefined
  for (const v of reported) {
    if (!best || v.round > best.round || (v.round === best.round && compareBytes(v.headerHash, best.headerHash) < 0)) best = v
  }
  return best?.headerHash
}

/** One promise as a proposal carries it: who promised, its signature, and the vote it reported with both signatures that make the report checkable. */
export interface SignedPromise {
  validator: number
  signature: Uint8Array
  vote: (VoteReport & { voteSignature: Uint8Array; proposalSignature: Uint8Array }) | null
}

export type JustificationReason = 'too-few-promises' | 'duplicate-promise' | 'unknown-signer' | 'bad-promise' | 'bad-report' | 'not-the-reproposal' | 'wrong-proposer' | 'unexpected-promises'

export interface RoundContext {
  genesisHash: Uint8Array
  validators: ValidatorSet
  height: number
  round: number
}

/**
 * Checks that a proposal in (height, round) proposes what the rules allow. Round 0: a
 * fresh header of that round's proposer, no promises. Later rounds: a quorum of signed
 * promises for this round; each reported vote really was cast (the voter's certificate
 * signature) in the round it claims (that round's proposer's proposal signature) below
 * this one; the header is the one chooseReproposal picks from them, or, when none was
 * reported, a fresh header of this round's proposer.
 */
export function checkJustification(ctx: RoundContext, header: Header, headerHash: Uint8Array, promises: readonly SignedPromise[]): Verdict<JustificationReason> {
  const n = ctx.validators.length
  const fresh = () => (header.proposer === proposerOf(ctx.height, ctx.round, n) ? { ok: true as const } : { ok: false as const, reason: 'wrong-proposer' as const })
  if (ctx.round === 0) return promises.length === 0 ? fresh() : { ok: false, reason: 'unexpected-promises' }
  if (promises.length < quorumSize(n)) return { ok: false, reason: 'too-few-promises' }
  const seen = new Set<number>()
  const reports: VoteReport[] = []
  for (const p of promises) {
    if (seen.has(p.validator)) return { ok: false, reason: 'duplicate-promise' }
    seen.add(p.validator)
    const one = checkPromise(ctx, p)
    if (!one.ok) return one
    if (p.vote) reports.push(p.vote)
  }
  const chosen = chooseReproposal(reports)
  if (!chosen) return fresh()
  return equalBytes(chosen, headerHash) ? { ok: true } : { ok: false, reason: 'not-the-reproposal' }
}

/**
 * Checks one promise for (height, round): a known signer, its signature over the promise
 * with the vote it reports, and that vote really cast (the signer's certificate signature)
 * in the round it claims (that round's proposer's proposal signature), below this round.
 */
export function checkPromise(ctx: RoundContext, p: SignedPromise): Verdict<'unknown-signer' | 'bad-promise' | 'bad-report'> {
  const n = ctx.validators.length
  if (!Number.isInteger(p.validator) || p.validator < 0 || p.validator >= n) return { ok: false, reason: 'unknown-signer' }
  const key = ctx.validators[p.validator] as Uint8Array
  if (!verifySignature(p.signature, promiseMessage(ctx.genesisHash, ctx.height, ctx.round, p.vote), key)) return { ok: false, reason: 'bad-promise' }
  const v = p.vote
  if (!v) return { ok: true }
  if (!Number.isInteger(v.round) || v.round >= ctx.round) return { ok: false, reason: 'bad-report' }
  const proposer = ctx.validators[proposerOf(ctx.height, v.round, n)] as Uint8Array
  if (!verifySignature(v.voteSignature, qcMessage(ctx.genesisHash, v.headerHash), key)) return { ok: false, reason: 'bad-report' }
  if (!verifySignature(v.proposalSignature, proposalMessage(ctx.genesisHash, ctx.height, v.round, v.headerHash), proposer)) return { ok: false, reason: 'bad-report' }
  return { ok: true }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  return a.length - b.length
}

/** One certificate signature as seen: which validator signed which header. */
export interface SeenVote {
  headerHash: Uint8Array
  signature: Uint8Array
}

/**
 * Whether two votes prove that `validator` double-signed at one height: different
 * headers, both signatures valid under its key (a vote signs only the header hash,
 * and the header hash fixes the height).
 */
export function isDoubleVote(genesisHash: Uint8Array, publicKey: Uint8Array, a: SeenVote, b: SeenVote): boolean {
  if (equalBytes(a.headerHash, b.headerHash)) return false
  return verifySignature(a.signature, qcMessage(genesisHash, a.headerHash), publicKey) && verifySignature(b.signature, qcMessage(genesisHash, b.headerHash), publicKey)
}
