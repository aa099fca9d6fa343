// Unit tests of the light client's small parts on a manual clock: peer bans and
// their expiry, start-point choice, throttled checkpoint saving, lag and pending
// heads, and the transfer watch.
import { describe, expect, it } from 'vitest'
import { makeGenesisHeader } from '../../src/core/chain.ts'
import { checkpointFromHeader } from '../../src/core/checkpoint.ts'
import { hashHeader } from '../../src/core/header.ts'
import type { CertifiedCheckpoint, ChainParams, Checkpoint, Header, TrustAnchor } from '../../src/core/types.ts'
import { CheckpointSaver, chooseStartPoint, type CheckpointStoreLike } from '../../src/client/checkpoints.ts'
import type { Clock } from '../../src/core/platform.ts'
import { HeadTracker, type DroppedHead, type PendingHead } from '../../src/client/head-tracker.ts'
import { liveStatus } from '../../src/client/rules/live-status.ts'
import { PeerManager } from '../../src/client/peer-manager.ts'
import { TransferWatch } from '../../src/client/transfer-watch.ts'
import type { VerifiedBlock } from '../../src/client/verified-chain.ts'
import { makeAccounts, transfer, type TestAccount } from '../helpers/fixture.ts'
import { certify, makeValidators } from './helpers/test-chain.ts'

class ManualClock implements Clock {
  t = 1_000
  private timers: { at: number; fn: () => void; id: number }[] = []
  private next = 1
  now = () => this.t
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++
    this.timers.push({ at: this.t + ms, fn, id })
    return id
  }
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== h)
  }
  advance(ms: number): void {
    this.t += ms
    const due = this.timers.filter((x) => x.at <= this.t)
    this.timers = this.timers.filter((x) => x.at > this.t)
    for (const d of due) d.fn()
  }
}

const zeros = (n: number) => new Uint8Array(n)
const validators = makeValidators()
const set = validators.map((v) => v.pub)
const params: ChainParams = { networkId: new Uint8Array(32).fill(9), batch: 2, depth: 8, vkHash: zeros(32), setupClass: 'insecure-dev', contributions: 1, transcriptHash: zeros(32) }
const genesis = makeGenesisHeader(params, { stateRoot: 0n, timestamp: 0, validatorSet: set })
const genesisHash = hashHeader(genesis)
const header = (height: number, salt = 0): Header => (height === 0 ? genesis : { ...genesis, height, parentHash: zeros(32), stateRoot: BigInt(height + salt), timestamp: height })
const cp = (height: number, salt = 0): Checkpoint => checkpointFromHeader(header(height, salt), set, genesisHash)
/** What a client saves: the checkpoint, its header and a certificate of 3 of the 4 validators. */
const record = (height: number, salt = 0): CertifiedCheckpoint => ({
  checkpoint: cp(height, salt),
  header: header(height, salt),
  qc: height === 0 ? null : certify(header(height, salt), validators, genesisHash),
})
const anchorAt = (height: number): TrustAnchor => ({ genesis, params, checkpoint: cp(height) })
const fixedRandom = (n: number) => new Uint8Array(n)

describe('PeerManager', () => {
  it('bans an offender until the ban runs out, then lets it back', () => {
    const clock = new ManualClock()
    const pm = new PeerManager({ clock, random: fixedRandom, banMs: 1000 })
    pm.add('a')
    pm.add('b')
    pm.punish('a', 'proof-invalid')
    expect(pm.usable()).toEqual(['b'])
    expect(pm.add('a')).toBe(false) // a reconnecting offender is refused
    clock.advance(1001)
    expect(pm.isBanned('a')).toBe(false)
    expect(pm.usable().sort()).toEqual(['a', 'b'])
  })

  it('drops a peer after repeated timeouts, not after one', () => {
    const pm = new PeerManager({ clock: new ManualClock(), random: fixedRandom })
    pm.add('slow')
    pm.add('other')
    expect(pm.fault('slow', 'timeout')).toBe(false)
    expect(pm.fault('slow', 'timeout')).toBe(false)
    expect(pm.fault('slow', 'timeout')).toBe(true)
    expect(pm.usable()).toEqual(['other'])
  })

  it('keeps the last usable peer at the floor instead of dropping it for faults, and drops it once another is there', () => {
    const pm = new PeerManager({ clock: new ManualClock(), random: fixedRandom })
    pm.add('slow')
    for (let i = 0; i < 6; i++) expect(pm.fault('slow', 'timeout')).toBe(false)
    expect(pm.usable()).toEqual(['slow'])
    expect(pm.info('slow')?.score).toBe(-10)
    pm.add('other')
    expect(pm.fault('slow', 'timeout')).toBe(true)
    expect(pm.usable()).toEqual(['other'])
    // An offence is another matter: proven misbehaviour bans even the last peer.
    expect(pm.punish('other', 'bad-block')).toBe(true)
    expect(pm.usable()).toEqual([])
  })

  it('prefers peers with a better record and forgets disconnected ones', () => {
    const pm = new PeerManager({ clock: new ManualClock(), random: fixedRandom })
    pm.add('a')
    pm.add('b')
    pm.reward('b')
    expect(pm.usable()[0]).toBe('b')
    pm.remove('b')
    expect(pm.usable()).toEqual(['a'])
  })
})

function storeWith(result: Awaited<ReturnType<CheckpointStoreLike['load']>>): CheckpointStoreLike & { saved: [CertifiedCheckpoint, unknown][] } {
  const saved: [CertifiedCheckpoint, unknown][] = []
  return { saved, load: async () => result, save: async (c, o) => void saved.push([c, o]) }
}

describe('chooseStartPoint', () => {
  it('uses a newer stored record of the same network whose certificate verifies, with its header', async () => {
    const sp = await chooseStartPoint(anchorAt(0), storeWith({ record: record(9) }))
    expect(sp).toMatchObject({ source: 'store', checkpoint: { height: 9 }, header: header(9) })
    expect(sp.problem).toBeUndefined()
  })
  it('starts from the genesis header itself when the anchor is genesis', async () => {
    expect(await chooseStartPoint(anchorAt(0), undefined)).toEqual({ checkpoint: cp(0), header: genesis, source: 'pinned' })
  })
  it('keeps the pinned checkpoint when the stored one is older, foreign, conflicting or corrupt', async () => {
    expect(await chooseStartPoint(anchorAt(5), storeWith({ record: record(3) }))).toEqual({ checkpoint: cp(5), source: 'pinned' })
    const foreign = { ...record(9), checkpoint: { ...cp(9), chainId: 8 } }
    expect(await chooseStartPoint(anchorAt(0), storeWith({ record: foreign }))).toMatchObject({ source: 'pinned', problem: 'foreign-chain' })
    expect(await chooseStartPoint(anchorAt(5), storeWith({ record: record(5, 1) }))).toMatchObject({ source: 'pinned', problem: 'conflicts-with-pinned' })
    expect(await chooseStartPoint(anchorAt(0), storeWith({ record: undefined, problem: 'corrupt' }))).toMatchObject({ source: 'pinned', problem: 'corrupt' })
  })
  it('refuses a record whose certificate does not verify (forged, or too few signers)', async () => {
    const forged = { ...record(9), header: { ...header(9), stateRoot: 99n }, checkpoint: checkpointFromHeader({ ...header(9), stateRoot: 99n }, set, genesisHash) }
    expect(await chooseStartPoint(anchorAt(0), storeWith({ record: forged }))).toMatchObject({ source: 'pinned', problem: 'unverified:wrong-header' })
    const weak = { ...record(9), qc: certify(header(9), validators, genesisHash, [0, 1]) }
    expect(await chooseStartPoint(anchorAt(0), storeWith({ record: weak }))).toMatchObject({ source: 'pinned', problem: 'unverified:quorum-missing' })
    const otherNetwork = { ...record(9), qc: certify(header(9), validators, new Uint8Array(32).fill(3)) }
    expect(await chooseStartPoint(anchorAt(0), storeWith({ record: otherNetwork }))).toMatchObject({ source: 'pinned', problem: 'unverified:bad-signature' })
    const noQc = { ...record(9), qc: null }
    expect(await chooseStartPoint(anchorAt(0), storeWith({ record: noQc }))).toMatchObject({ source: 'pinned', problem: 'unverified:quorum-missing' })
  })
})

describe('CheckpointSaver', () => {
  it('writes at most once per interval, always the newest checkpoint', async () => {
    const clock = new ManualClock()
    const store = storeWith({ record: undefined })
    const saver = new CheckpointSaver(store, clock, 1000, () => {})
    saver.offer(record(1))
    saver.offer(record(2))
    saver.offer(record(3))
    await saver.flush()
    clock.advance(1000)
    await saver.flush()
    expect(store.saved.map(([c]) => c.checkpoint.height)).toEqual([1, 3])
  })

  it('forces the first write over a rejected stored record, and writes nothing once frozen', async () => {
    const store = storeWith({ record: undefined })
    const saver = new CheckpointSaver(store, new ManualClock(), 0, () => {}, true)
    saver.offer(record(1))
    await saver.flush()
    saver.freeze()
    saver.offer(record(2))
    await saver.flush()
    expect(store.saved).toEqual([[record(1), { force: true }]])
  })
})

describe('HeadTracker', () => {
  it('reports pending heads, settles them when verified, and measures lag as the age of the verified state', () => {
    const clock = new ManualClock()
    let verified: { height: number; timestamp: number | undefined } = { height: 4, timestamp: undefined }
    const pending: PendingHead[] = []
    const dropped: DroppedHead[] = []
    const t = new HeadTracker(clock, () => verified, { pending: (p) => pending.push(p), dropped: (d) => dropped.push(d) })
    expect(t.lag().lagMs).toBe(Infinity) // the verified head's header is not known yet
    verified = { height: 4, timestamp: clock.now() - 200 }
    t.certified(header(4))
    expect(t.lag()).toEqual({ lagBlocks: 0, lagMs: 200 })
    clock.advance(500)
    // A head certified before its proof: the view falls behind in blocks, and its age keeps growing.
    t.certified(header(6))
    expect(pending.map((p) => p.height)).toEqual([6])
    clock.advance(500)
    expect(t.lag()).toEqual({ lagBlocks: 2, lagMs: 1200 })
    t.rejected(header(6), 'p', 'proof-invalid', true) // another peer may still serve it
    expect(dropped).toEqual([])
    t.rejected(header(6), 'p', 'proof-invalid', false)
    expect(dropped.map((d) => [d.height, d.reason])).toEqual([[6, 'proof-invalid']])
    verified = { height: 6, timestamp: clock.now() - 30 }
    t.advanced(() => undefined)
    expect(t.lag()).toEqual({ lagBlocks: 0, lagMs: 30 })
    // A head stamped by a validator clock ahead of ours is not negative age.
    verified = { height: 7, timestamp: clock.now() + 2000 }
    expect(t.lag().lagMs).toBe(0)
  })

  it('derives syncing, synced and stale', () => {
    const base = { anchored: true, heard: true, sinceStart: 0, staleAfterMs: 100, peers: 1 }
    expect(liveStatus({ ...base, lagBlocks: 0, lagMs: 5 }).status).toBe('synced')
    expect(liveStatus({ ...base, lagBlocks: 2, lagMs: 5 }).status).toBe('syncing')
    expect(liveStatus({ ...base, lagBlocks: 0, lagMs: Infinity }).status).toBe('syncing')
    expect(liveStatus({ ...base, anchored: false, lagBlocks: 0, lagMs: 5 }).status).toBe('syncing')
    // A fresh stored checkpoint is not "synced" before any peer said what it has.
    expect(liveStatus({ ...base, heard: false, lagBlocks: 0, lagMs: 5 }).status).toBe('syncing')
    // Old state while catching up right after start: syncing, not stale.
    expect(liveStatus({ ...base, lagBlocks: 10, lagMs: 60_000 }).status).toBe('syncing')
    expect(liveStatus({ ...base, lagBlocks: 0, lagMs: Infinity, sinceStart: 101, peers: 0 })).toEqual({ status: 'stale', reason: 'no-peers' })
    expect(liveStatus({ ...base, lagBlocks: 1, lagMs: 101, sinceStart: 101 })).toEqual({ status: 'stale', reason: 'lagging' })
    // Certified heads without proofs keep the view stale, however many: safety over liveness.
    expect(liveStatus({ ...base, lagBlocks: 50, lagMs: 10_000, sinceStart: 60_000 })).toEqual({ status: 'stale', reason: 'lagging' })
  })
})

describe('TransferWatch', () => {
  it('resolves on its transfer, rejects when another takes its nonce or time runs out', async () => {
    const [a, b] = (await makeAccounts(2)) as [TestAccount, TestAccount]
    const clock = new ManualClock()
    const w = new TransferWatch(7n, clock)
    const block = (h: number, transfers: ReturnType<typeof transfer>[]): VerifiedBlock => ({
      block: { header: header(h), transfers },
      proof: null,
      qc: null,
      unverifiedQc: null,
      hash: zeros(32),
      bodyVerified: true,
    })
    const mine = transfer(7n, a, b, 5n, 0)
    const first = w.watch(mine, 1000)
    w.verified([block(3, [transfer(7n, a, b, 6n, 0)])])
    await expect(first.done).rejects.toMatchObject({ name: 'TransferNotIncluded', reason: 'nonce-taken' })
    const second = w.watch(mine, 1000)
    w.verified([block(4, [transfer(7n, b, a, 1n, 0), mine])])
    await expect(second.done).resolves.toMatchObject({ height: 4, index: 1, verified: true })
    const third = w.watch(transfer(7n, a, b, 1n, 1), 1000)
    clock.advance(1000)
    await expect(third.done).rejects.toMatchObject({ name: 'TransferNotIncluded', reason: 'timeout' })
  })
})
