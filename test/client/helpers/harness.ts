// Starts light clients over the in-memory hub with real proofs and a counting
// verifier, and waits on their events (never on wall-clock thresholds).
import { afterAll, afterEach, beforeAll } from 'vitest'
import { checkpointFromHeader } from '../../../src/core/checkpoint.ts'
import type { Clock } from '../../../src/core/platform.ts'
import { createLightClient } from '../../../src/client/create.ts'
import type { LightClient } from '../../../src/client/light-client.ts'
import { createNodeVerifierPool } from '../../../src/zk/node-verifier.ts'
import type { BatchItem, ProofVerifier } from '../../../src/zk/proof-verifier.ts'
import type { VerifierPool } from '../../../src/zk/verifier-pool.ts'
import type { BannedEvent, HeadEvent, StalledEvent, Tuning } from '../../../src/client/options.ts'
import type { CheckpointStoreLike } from '../../../src/client/checkpoints.ts'
import type { CertifiedCheckpoint, Checkpoint } from '../../../src/core/types.ts'
import type { BlockEntry } from '../../../src/core/types.ts'
import { createMemoryNetwork, type MemoryHub } from './memory-net.ts'
import { CHAIN_PLAN } from './plan.ts'
import { buildTestChain, type TestChain } from './test-chain.ts'

export const FAST: Partial<Tuning> = {
  chunk: 4,
  parallel: 2,
  requestTimeoutMs: 5_000,
  statusIntervalMs: 40,
  retryMs: 20,
  saveIntervalMs: 0,
  // The test chain's tip is stamped at build time; tests about staleness set their own clock.
  staleAfterMs: 600_000,
  balanceWaitMs: 5_000,
}

/** Wraps a verifier and records every proof it was asked to check. */
export function countingVerifier(inner: ProofVerifier): ProofVerifier & { checked: BatchItem[] } {
  const checked: BatchItem[] = []
  return {
    checked,
    verifyBatch: (items) => {
      checked.push(...items)
      return inner.verifyBatch(items)
    },
    close: async () => {},
  }
}

export interface Started {
  client: LightClient
  verifier: ProofVerifier & { checked: BatchItem[] }
  banned: BannedEvent[]
  heads: number[]
  headEvents: HeadEvent[]
  /** Every 'stalled' event, from the start. */
  stalled: StalledEvent[]
  net: ReturnType<typeof createMemoryNetwork>
}

export async function startClient(opts: {
  hub: MemoryHub
  id?: string
  chain: TestChain
  peers: string[]
  verifier: ProofVerifier
  store?: CheckpointStoreLike
  /** Start from this checkpoint instead of the chain's genesis (the anchor's other parts stay). */
  checkpoint?: Checkpoint
  tuning?: Partial<Tuning>
  clock?: Clock
  /** The network tells which protocols a peer serves (libp2p's identify). */
  identify?: boolean
}): Promise<Started> {
  const net = createMemoryNetwork(opts.hub, opts.id ?? 'client', opts.peers, { identify: opts.identify === true })
  const verifier = countingVerifier(opts.verifier)
  const client = await createLightClient({
    anchor: opts.checkpoint ? { ...opts.chain.anchor, checkpoint: opts.checkpoint } : opts.chain.anchor,
    network: net,
    verifier,
    ...(opts.store ? { store: opts.store } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    tuning: { ...FAST, ...opts.tuning },
  })
  const banned: BannedEvent[] = []
  const heads: number[] = []
  const headEvents: HeadEvent[] = []
  const stalled: StalledEvent[] = []
  client.on('banned', (b) => banned.push(b))
  client.on('stalled', (s) => stalled.push(s))
  client.on('head', (h) => {
    heads.push(h.height)
    headEvents.push(h)
  })
  await client.start()
  return { client, verifier, banned, heads, headEvents, stalled, net }
}

/** Resolves once the client's verified height reaches `height`; rejects if it halts first. */
export function untilHeight(client: LightClient, height: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const h = client.health()
      if (h.verifiedHeight >= height) {
        offHead()
        offStatus()
        resolve()
      } else if (h.status === 'halted') {
        offHead()
        offStatus()
        reject(new Error(`halted: ${h.reason}`))
      }
    }
    const offHead = client.on('head', check)
    const offStatus = client.on('status', check)
    check()
  })
}

/** Resolves with the first `event` that satisfies `pred`; rejects, naming it, after `timeoutMs`. */
export function until<T>(client: LightClient, event: 'pending' | 'dropped' | 'banned' | 'status' | 'head' | 'stalled', pred: (x: any) => boolean = () => true, timeoutMs = 45_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no matching '${event}' event within ${timeoutMs} ms`))
    }, timeoutMs)
    const off = client.on(event, (x: unknown) => {
      if (pred(x)) {
        off()
        clearTimeout(timer)
        resolve(x as T)
      }
    })
  })
}

export function checkpointAt(chain: TestChain, height: number): Checkpoint {
  return checkpointFromHeader((chain.entries[height] as BlockEntry).block.header, chain.set, chain.genesisHash)
}

/** The certified record a client would have saved at `height` (for seeding stores). */
export function recordAt(chain: TestChain, height: number): CertifiedCheckpoint {
  const e = chain.entries[height] as BlockEntry
  return { checkpoint: checkpointAt(chain, height), header: e.block.header, qc: height === 0 ? null : e.qc }
}

export interface ClientFixture {
  /** The proven test chain (built once per file, cached on disk across runs). */
  readonly chain: TestChain
  /** One verifier worker pool shared by the file's clients. */
  readonly pool: VerifierPool
  /** Starts a client on the fixture's chain and pool; it is stopped after the test. */
  start(opts: Omit<Parameters<typeof startClient>[0], 'chain' | 'verifier'> & { verifier?: ProofVerifier }): Promise<Started>
  /** Stops a client after the test (for clients a test creates itself). */
  track(client: LightClient): void
}

/**
 * The shared setup of the client test files: builds the chain and a verifier pool before
 * the file's tests, stops every client a test started after it, closes the pool at the end.
 */
export function useClientFixture(plan = CHAIN_PLAN): ClientFixture {
  let chain: TestChain | undefined
  let pool: VerifierPool | undefined
  const running: LightClient[] = []
  beforeAll(async () => {
    chain = await buildTestChain(plan)
    pool = createNodeVerifierPool(chain.vk)
  }, 900_000)
  afterEach(async () => {
    await Promise.allSettled(running.splice(0).map((c) => c.stop()))
  })
  afterAll(async () => {
    await pool?.close()
  })
  const ready = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`${what} is built in beforeAll: use it inside a test or hook`)
    return x
  }
  return {
    get chain() {
      return ready(chain, 'the test chain')
    },
    get pool() {
      return ready(pool, 'the verifier pool')
    },
    async start(opts) {
      const s = await startClient({ verifier: ready(pool, 'the verifier pool'), ...opts, chain: ready(chain, 'the test chain') })
      running.push(s.client)
      return s
    },
    track(client) {
      running.push(client)
    },
  }
}

/** Resolves once `cond()` holds, checking every 10 ms; rejects after `timeoutMs` naming what it waited for. */
export async function waitUntil(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
