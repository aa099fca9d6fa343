// The voting protocol's pure rules: proposer rotation, the one-vote-per-height lock,
// the re-proposal choice, the promise and justification checks (one negative per
// reason), and double-vote detection.
import { describe, expect, it } from 'vitest'
import {
  checkJustification,
  checkPromise,
  chooseReproposal,
  isDoubleVote,
  mayVote,
  promiseMessage,
  proposalMessage,
  proposerOf,
  signConsensusMessage,
  type RoundContext,
  type SignedPromise,
  type VoteReport,
} from '../../src/core/consensus.ts'
import { hashHeader } from '../../src/core/header.ts'
import { qcMessage } from '../../src/core/quorum.ts'
import type { Header } from '../../src/core/types.ts'
import { SAMPLE_GENESIS_HASH, sampleChild, sampleGenesis, validatorKeys } from '../fixtures/core-samples.ts'

const keys = validatorKeys(4)
const genesis = sampleGenesis(keys.set)
const H = 1
const ctx = (round: number): RoundContext => ({ genesisHash: SAMPLE_GENESIS_HASH, validators: keys.set, height: H, round })
const header = (proposer: number, label = 0): Header => sampleChild(genesis, 4, { proposer, timestamp: genesis.timestamp + 1000 + label })

/** Validator v's promise for `round`, reporting a vote for `voted` cast in `votedRound` (proposed by that round's proposer). */
function promiseOf(v: number, round: number, voted?: { header: Header; round: number }): SignedPromise {
  let vote: SignedPromise['vote'] = null
  if (voted) {
    const headerHash = hashHeader(voted.header)
    const proposer = proposerOf(H, voted.round, 4)
    vote = {
      round: voted.round,
      headerHash,
      voteSignature: signConsensusMessage(keys.secretKeys[v] as Uint8Array, qcMessage(SAMPLE_GENESIS_HASH, headerHash)),
      proposalSignature: signConsensusMessage(keys.secretKeys[proposer] as Uint8Array, proposalMessage(SAMPLE_GENESIS_HASH, H, voted.round, headerHash)),
    }
  }
  const report: VoteReport | null = vote ? { round: vote.round, headerHash: vote.headerHash } : null
  return { validator: v, signature: signConsensusMessage(keys.secretKeys[v] as Uint8Array, promiseMessage(SAMPLE_GENESIS_HASH, H, round, report)), vote }
}

describe('proposerOf', () => {
  it('rotates by height, and by round within a height', () => {
    expect([0, 1, 2, 3, 4].map((h) => proposerOf(h, 0, 4))).toEqual([0, 1, 2, 3, 0])
    expect([0, 1, 2, 3, 4].map((r) => proposerOf(5, r, 4))).toEqual([1, 2, 3, 0, 1])
  })
})

describe('mayVote', () => {
  const a = hashHeader(header(1))
  const b = hashHeader(header(2))
  it('lets a validator vote once per height, repeats the same vote, refuses another header', () => {
    expect(mayVote(undefined, 0, H, 0, a)).toEqual({ ok: true })
    expect(mayVote({ height: H, round: 0, headerHash: a }, 0, H, 3, a)).toEqual({ ok: true, repeat: true })
    expect(mayVote({ height: H, round: 0, headerHash: a }, 0, H, 3, b)).toEqual({ ok: false, reason: 'locked' })
  })
  it('refuses rounds below the promised one, and ignores a vote at another height', () => {
    expect(mayVote(undefined, 2, H, 1, a)).toEqual({ ok: false, reason: 'round-promised-away' })
    expect(mayVote({ height: H - 1, round: 0, headerHash: b }, 0, H, 0, a)).toEqual({ ok: true })
  })
})

describe('chooseReproposal', () => {
  it('takes the highest round, then the lowest hash; nothing when nobody voted', () => {
    const x = new Uint8Array(32).fill(9)
    const y = new Uint8Array(32).fill(3)
    expect(chooseReproposal([])).toBeUndefined()
    expect(
      chooseReproposal([
        { round: 1, headerHash: x },
        { round: 2, headerHash: x },
        { round: 0, headerHash: y },
      ]),
    ).toBe(x)
    expect(
      chooseReproposal([
        { round: 2, headerHash: x },
        { round: 2, headerHash: y },
      ]),
    ).toBe(y)
  })
})

describe('checkJustification', () => {
  it('round 0: a fresh header of the round-0 proposer, without promises', () => {
    const h = header(proposerOf(H, 0, 4))
    expect(checkJustification(ctx(0), h, hashHeader(h), [])).toEqual({ ok: true })
    const other = header(2)
    expect(checkJustification(ctx(0), other, hashHeader(other), [])).toEqual({ ok: false, reason: 'wrong-proposer' })
    expect(checkJustification(ctx(0), h, hashHeader(h), [promiseOf(0, 0)])).toEqual({ ok: false, reason: 'unexpected-promises' })
  })

  it('a later round with no reported vote: a fresh header of that round proposer', () => {
    const h = header(proposerOf(H, 1, 4))
    const ps = [0, 2, 3].map((v) => promiseOf(v, 1))
    expect(checkJustification(ctx(1), h, hashHeader(h), ps)).toEqual({ ok: true })
    const stale = header(proposerOf(H, 0, 4))
    expect(checkJustification(ctx(1), stale, hashHeader(stale), ps)).toEqual({ ok: false, reason: 'wrong-proposer' })
  })

  it('a later round must propose the highest-round voted header again', () => {
    const voted = header(proposerOf(H, 0, 4))
    const fresh = header(proposerOf(H, 2, 4), 7)
    const ps = [promiseOf(0, 2), promiseOf(1, 2, { header: voted, round: 0 }), promiseOf(3, 2)]
    expect(checkJustification(ctx(2), voted, hashHeader(voted), ps)).toEqual({ ok: true })
    expect(checkJustification(ctx(2), fresh, hashHeader(fresh), ps)).toEqual({ ok: false, reason: 'not-the-reproposal' })
    // A header voted in a higher round wins over one voted earlier.
    const later = header(proposerOf(H, 1, 4), 5)
    const ps2 = [promiseOf(0, 2, { header: later, round: 1 }), promiseOf(1, 2, { header: voted, round: 0 }), promiseOf(3, 2)]
    expect(checkJustification(ctx(2), later, hashHeader(later), ps2)).toEqual({ ok: true })
    expect(checkJustification(ctx(2), voted, hashHeader(voted), ps2)).toEqual({ ok: false, reason: 'not-the-reproposal' })
  })

  it('needs a quorum of distinct, known, validly signed promises', () => {
    const h = header(proposerOf(H, 1, 4))
    const hh = hashHeader(h)
    expect(checkJustification(ctx(1), h, hh, [promiseOf(0, 1), promiseOf(2, 1)])).toEqual({ ok: false, reason: 'too-few-promises' })
    expect(checkJustification(ctx(1), h, hh, [promiseOf(0, 1), promiseOf(0, 1), promiseOf(2, 1)])).toEqual({ ok: false, reason: 'duplicate-promise' })
    expect(checkJustification(ctx(1), h, hh, [promiseOf(0, 1), promiseOf(2, 1), { ...promiseOf(3, 1), validator: 9 }])).toEqual({ ok: false, reason: 'unknown-signer' })
    // A promise for another round, or one whose vote report was dropped, does not verify.
    expect(checkJustification(ctx(1), h, hh, [promiseOf(0, 1), promiseOf(2, 1), promiseOf(3, 2)])).toEqual({ ok: false, reason: 'bad-promise' })
    const voted = header(proposerOf(H, 0, 4))
    const hidden = { ...promiseOf(3, 1, { header: voted, round: 0 }), vote: null }
    expect(checkJustification(ctx(1), h, hh, [promiseOf(0, 1), promiseOf(2, 1), hidden])).toEqual({ ok: false, reason: 'bad-promise' })
  })
})

describe('checkPromise', () => {
  const voted = header(proposerOf(H, 0, 4))
  it('accepts a promise whose reported vote carries both signatures', () => {
    expect(checkPromise(ctx(1), promiseOf(2, 1, { header: voted, round: 0 }))).toEqual({ ok: true })
  })
  it('refuses a report that claims a round it was not proposed in, or not below the promised round', () => {
    // Re-signed honestly by the promiser, but round 2's proposer never signed that header in round 2.
    const p = promiseOf(2, 3, { header: voted, round: 0 })
    const claimed = { ...(p.vote as NonNullable<SignedPromise['vote']>), round: 2 }
    const resigned: SignedPromise = { validator: 2, vote: claimed, signature: signConsensusMessage(keys.secretKeys[2] as Uint8Array, promiseMessage(SAMPLE_GENESIS_HASH, H, 3, claimed)) }
    expect(checkPromise(ctx(3), resigned)).toEqual({ ok: false, reason: 'bad-report' })
    expect(checkPromise(ctx(1), promiseOf(2, 1, { header: voted, round: 1 }))).toEqual({ ok: false, reason: 'bad-report' })
  })
  it('refuses a report whose vote signature is not the promiser’s', () => {
    const p = promiseOf(2, 1, { header: voted, round: 0 })
    const other = promiseOf(3, 1, { header: voted, round: 0 })
    const swapped = { ...(p.vote as NonNullable<SignedPromise['vote']>), voteSignature: (other.vote as NonNullable<SignedPromise['vote']>).voteSignature }
    expect(checkPromise(ctx(1), { ...p, vote: swapped })).toEqual({ ok: false, reason: 'bad-report' })
  })
})

describe('isDoubleVote', () => {
  const sk = keys.secretKeys[1] as Uint8Array
  const pk = keys.set[1] as Uint8Array
  const vote = (h: Header) => ({ headerHash: hashHeader(h), signature: signConsensusMessage(sk, qcMessage(SAMPLE_GENESIS_HASH, hashHeader(h))) })
  it('two valid votes for different headers are evidence; the same header twice, or a forged one, is not', () => {
    const a = vote(header(1))
    const b = vote(header(1, 3))
    expect(isDoubleVote(SAMPLE_GENESIS_HASH, pk, a, b)).toBe(true)
    expect(isDoubleVote(SAMPLE_GENESIS_HASH, pk, a, a)).toBe(false)
    expect(isDoubleVote(SAMPLE_GENESIS_HASH, pk, a, { ...b, signature: a.signature })).toBe(false)
    expect(isDoubleVote(SAMPLE_GENESIS_HASH, keys.set[2] as Uint8Array, a, b)).toBe(false)
  })
})
