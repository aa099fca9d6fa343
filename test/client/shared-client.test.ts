// The tab-shared client (src/client/shared-client.ts) over an in-process model of the Web
// Locks API and BroadcastChannel, with scripted clients: one tab builds a client and the
// others mirror it; answers and named errors cross the channel; a closed leading tab is
// replaced by the next, which keeps the verified view it had and re-sends waiting calls.
// The real thing (three Chromium tabs) is e2e/shared-tabs.spec.ts.
import { afterEach, describe, expect, it } from 'vitest'
import { ClientStopped, LeaderUnavailable, StaleView } from '../../src/client/errors.ts'
import type { InspectedBlock, LightClientOptions, TransferProgress } from '../../src/client/options.ts'
import type { Header } from '../../src/core/types.ts'
import { SharedLightClient, type ChannelLike, type LockManagerLike } from '../../src/client/shared-client.ts'
import { balanceAt, FakeView } from './helpers/fake-view.ts'
import { VerifierPool } from '../../src/zk/verifier-pool.ts'

/** Tabs of one origin: exclusive named locks with a queue, and broadcast channels; a tab can be closed. */
class Origin {
  private readonly held = new Map<string, string>()
  private readonly queues = new Map<string, { tab: string; grant: () => void }[]>()
  private readonly channels: { tab: string; name: string; fns: ((ev: { data: unknown }) => void)[]; open: boolean }[] = []
  private readonly releases = new Map<string, () => void>()
  readonly closed = new Set<string>()

  locks(tab: string): LockManagerLike {
    return {
      request: (name, options, fn) =>
        new Promise((resolve) => {
          const grant = () => {
            this.held.set(name, tab)
            let released = false
            const release = () => {
              if (released) return
              released = true
              this.held.delete(name)
              this.releases.delete(tab)
              const next = this.queues.get(name)?.shift()
              next?.grant()
            }
            this.releases.set(tab, release)
            void fn({ name }).then(release, release)
            resolve(undefined)
          }
          if (this.closed.has(tab)) return resolve(undefined)
          if (!this.held.has(name)) return grant()
          if (options.ifAvailable) return void fn(null).then(resolve)
          this.queues.set(name, [...(this.queues.get(name) ?? []), { tab, grant }])
        }),
    }
  }

  channel(tab: string): (name: string) => ChannelLike {
    return (name) => {
      const c = { tab, name, fns: [] as ((ev: { data: unknown }) => void)[], open: true }
      this.channels.push(c)
      return {
        postMessage: (m) => {
          if (!c.open) throw new Error('closed')
          const data = structuredClone(m)
          for (const other of this.channels) if (other !== c && other.open && other.name === name) setTimeout(() => other.open && other.fns.forEach((fn) => fn({ data })))
        },
        addEventListener: (_t, fn) => void c.fns.push(fn),
        close: () => void (c.open = false),
      }
    }
  }

  /** The browser closes a tab: its locks are released and its channels go quiet; its code gets no say. */
  close(tab: string): void {
    this.closed.add(tab)
    for (const c of this.channels) if (c.tab === tab) c.open = false
    this.releases.get(tab)?.()
    for (const [name, q] of this.queues)
      this.queues.set(
        name,
        q.filter((e) => e.tab !== tab),
      )
  }
}

const OPTIONS = { anchor: { checkpoint: { genesisHash: new Uint8Array(32) } } } as unknown as LightClientOptions

const until = async (cond: () => boolean, ms = 3_000): Promise<void> => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

let tabs: SharedLightClient[] = []
afterEach(async () => {
  await Promise.all(tabs.map((t) => t.stop()))
  tabs = []
})

function setup() {
  const origin = new Origin()
  const built: { tab: string; view: FakeView }[] = []
  const open = (tab: string, prepare?: (v: FakeView) => void) => {
    const t = new SharedLightClient(OPTIONS, {
      name: 'zklight:test',
      locks: origin.locks(tab),
      channel: origin.channel(tab),
      stateIntervalMs: 20,
      callTimeoutMs: 2_000,
      create: async () => {
        const view = new FakeView()
        prepare?.(view)
        built.push({ tab, view })
        return view
      },
    })
    tabs.push(t)
    return t
  }
  return { origin, built, open }
}

describe('one light client across tabs', () => {
  it('the first tab leads with the only client; the others mirror its heads, health and peers and forward balances', async () => {
    const { built, open } = setup()
    const a = open('A')
    await a.start()
    const b = open('B')
    const c = open('C')
    await Promise.all([b.start(), c.start()])
    expect([a.role, b.role, c.role]).toEqual(['leader', 'follower', 'follower'])
    expect(built.map((x) => x.tab)).toEqual(['A']) // one network, one verifier
    const leader = built[0]!.view
    expect(leader.started).toBe(true)
    leader.peerList = [{ id: 'node', transport: 'webrtc-direct', score: 0, height: 5 }]
    const heads: number[] = []
    b.on('head', (h) => heads.push(h.height))
    leader.verify(5, 300)
    await until(() => heads.includes(5))
    await until(() => b.peers().length === 1)
    expect(b.health()).toMatchObject({ verifiedHeight: 5, status: 'synced' })
    expect(b.health().lagMs).toBeGreaterThanOrEqual(300)
    leader.balance = async (_a, o) => balanceAt(Math.max(5, o.minHeight ?? 0), 100n)
    const got = await b.getBalance('zkl1x')
    expect(got).toMatchObject({ balance: 100n, height: 5, verified: true })
    expect(leader.calls).toEqual([{ address: 'zkl1x', minHeight: 5 }])
  })

  it("a follower's inspect is answered by the leading tab; a progress callback stays in its tab", async () => {
    const { built, open } = setup()
    const a = open('A')
    await a.start()
    const b = open('B')
    await b.start()
    const leader = built[0]!.view
    const block = { height: 7, hash: 'ab', header: { height: 7 } as Header, source: 'synced', proof: null, certificate: null } as unknown as InspectedBlock
    leader.blocks.set(7, block)
    expect(await b.inspect(7)).toEqual(block)
    expect(await b.inspect(8)).toBeUndefined()
    expect(await a.inspect(7)).toBe(block) // the leader answers from its own client
    // A function cannot cross a BroadcastChannel (structured clone refuses it): the follower's
    // call goes without it, the leader's own call keeps it.
    leader.progress = [{ stage: 'accepted' } as unknown as TransferProgress]
    const seen: unknown[] = []
    await expect(b.submitTransfer(new Uint8Array(4), { onProgress: (p) => seen.push(p) })).rejects.toThrow('not scripted')
    await expect(a.submitTransfer(new Uint8Array(4), { onProgress: (p) => seen.push(p) })).rejects.toThrow('not scripted')
    expect(leader.progressSeen).toEqual([false, true])
    expect(seen).toEqual(leader.progress)
  })

  it('errors cross the channel as the same named class with their fields', async () => {
    const { built, open } = setup()
    const a = open('A')
    await a.start()
    const b = open('B')
    await b.start()
    built[0]!.view.balance = async () => {
      throw new StaleView(4_000, 2)
    }
    const err = await b.getBalance('zkl1x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StaleView)
    expect(err).toMatchObject({ name: 'StaleView', lagMs: 4_000, lagBlocks: 2 })
  })

  it('when the leading tab closes the next takes over, keeps the verified view it had and answers waiting calls', async () => {
    const { origin, built, open } = setup()
    const a = open('A')
    await a.start()
    const b = open('B', (v) => {
      // The new leader resumes from a stored checkpoint that trails the view by two blocks.
      v.h = { ...v.h, verifiedHeight: 8, bestSeenHeight: 8, status: 'syncing', lagMs: Infinity }
    })
    const c = open('C')
    await Promise.all([b.start(), c.start()])
    const oldLeader = built[0]!.view
    oldLeader.verify(10, 100)
    await until(() => b.health().verifiedHeight === 10 && c.health().verifiedHeight === 10)
    // C asks; A never answers (it is about to close).
    oldLeader.balance = () => new Promise(() => {})
    const pending = c.getBalance('zkl1x')
    await until(() => oldLeader.calls.length === 1)
    origin.close('A')
    await until(() => b.role === 'leader')
    const next = built[1]!
    expect(next.tab).toBe('B')
    // The view does not go back to the checkpoint's height while the new client catches up.
    expect(b.health().verifiedHeight).toBe(10)
    expect(b.health().lagMs).toBeLessThan(10_000)
    next.view.balance = async (_a, o) => balanceAt(o.minHeight ?? 0, 42n)
    // C's call was sent again to the new leader, at no lower height than C had seen.
    expect(await pending).toMatchObject({ balance: 42n, height: 10 })
    expect(next.view.calls).toEqual([{ address: 'zkl1x', minHeight: 10 }])
    const heads: number[] = []
    c.on('head', (h) => heads.push(h.height))
    next.view.verify(9)
    next.view.verify(11)
    await until(() => heads.includes(11))
    expect(heads).toEqual([11]) // nothing older than what was shown
    expect(c.health().verifiedHeight).toBe(11)
    expect(built.map((x) => x.tab)).toEqual(['A', 'B'])
  })

  it('a follower closes the verifier workers its page started early; if it leads later, its client builds a pool like them', async () => {
    const origin = new Origin()
    const terminated: string[] = []
    const created: LightClientOptions[] = []
    const earlyPool = (tab: string) =>
      VerifierPool.beforeKey(() => ({ post: () => {}, onMessage: () => {}, onExit: () => {}, terminate: () => void terminated.push(tab) }), 2, 'reference', { coalesce: false })
    const open = (tab: string) => {
      const t = new SharedLightClient(
        { ...OPTIONS, startedVerifier: earlyPool(tab) },
        {
          name: 'zklight:test',
          locks: origin.locks(tab),
          channel: origin.channel(tab),
          stateIntervalMs: 20,
          create: async (o) => {
            created.push(o)
            return new FakeView()
          },
        },
      )
      tabs.push(t)
      return t
    }
    const a = open('A')
    await a.start()
    const b = open('B')
    await b.start()
    expect([a.role, b.role]).toEqual(['leader', 'follower'])
    // The leader's client got its early workers; the follower's two were terminated.
    expect(created[0]?.startedVerifier).toBeInstanceOf(VerifierPool)
    await until(() => terminated.length === 2)
    expect(terminated).toEqual(['B', 'B'])
    origin.close('A')
    await until(() => b.role === 'leader')
    expect(created).toHaveLength(2)
    expect(created[1]?.startedVerifier).toBeUndefined()
    expect(created[1]).toMatchObject({ verifierBackend: 'reference', verifierPoolOptions: { coalesce: false } })
  })

  it("a follower's view ages while its leader is silent, and requireFresh says so", async () => {
    const { built, open } = setup()
    const a = open('A')
    await a.start()
    const b = open('B')
    await b.start()
    built[0]!.view.verify(3, 0)
    await until(() => b.health().verifiedHeight === 3)
    await expect(b.requireFresh({ maxLagMs: 2_000 })).resolves.toMatchObject({ verifiedHeight: 3 })
    await a.stop() // a tab stopping its client on purpose also hands over: B leads now
    await until(() => b.role === 'leader')
    const lag = b.health().lagMs
    await new Promise((r) => setTimeout(r, 150))
    expect(b.health().lagMs).toBeGreaterThanOrEqual(lag + 100)
    await expect(b.requireFresh({ maxLagMs: 100 })).rejects.toBeInstanceOf(StaleView)
  })

  it('a call no tab answers fails with LeaderUnavailable; a stopped client refuses calls', async () => {
    const { origin, open } = setup()
    const a = new SharedLightClient(OPTIONS, { name: 'zklight:test', locks: origin.locks('A'), channel: origin.channel('A'), callTimeoutMs: 100, create: async () => new Promise(() => {}) })
    tabs.push(a)
    void a.start()
    const b = open('B')
    const bShort = new SharedLightClient(OPTIONS, { name: 'zklight:test', locks: origin.locks('B2'), channel: origin.channel('B2'), callTimeoutMs: 100 })
    tabs.push(bShort)
    await until(() => a.role === 'leader')
    await b.start()
    await bShort.start()
    await expect(bShort.getBalance('zkl1x')).rejects.toBeInstanceOf(LeaderUnavailable)
    await bShort.stop()
    await expect(bShort.getBalance('zkl1x')).rejects.toBeInstanceOf(ClientStopped)
  })
})
