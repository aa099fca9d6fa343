// Framework-neutral stores over a light client's view, shaped for React's
// useSyncExternalStore (and Vue, Svelte, Solid equivalents): subscribe(onChange) returns
// an unsubscribe; getSnapshot() returns the same frozen object until something changed.
// A figure is in a snapshot only while it is verified and fresh (rules/freshness.ts).
import type { LightClientLike } from './client-view.ts'
import type { Health } from './options.ts'
import { judgeFreshness, type FreshnessReason } from './rules/freshness.ts'
import type { ClientStatus } from './rules/live-status.ts'

export interface ExternalStore<T> {
  subscribe(onChange: () => void): () => void
  getSnapshot(): T
}

export interface WatchOptions {
  /** Oldest verified state shown as verified: now − the timestamp of the block it is from. */
  maxAgeMs: number
  /** Most certified-but-unproven heads above the verified one that still count as fresh (default: any). */
  maxLagBlocks?: number
  /** How often ages are recomputed (default 1 s). */
  tickMs?: number
}

/** `verified`: fresh within the bounds. `syncing`: the client is catching up. `stale` / `halted`: say so, show no figure. */
export type ViewState = 'verified' | 'syncing' | 'stale' | 'halted'

export interface PendingView {
  height: number
  hash: string
}

export interface HealthSnapshot {
  state: ViewState
  /** Why the view is not `verified`. */
  why?: FreshnessReason
  status: ClientStatus
  /** The client's reason for its status (e.g. 'equivocation', 'no-peers'). */
  reason?: string
  verifiedHeight: number
  bestSeenHeight: number
  lagBlocks: number
  /** Age of the verified state; Infinity before any verified head. */
  ageMs: number
  peers: number
  /** Certified heads above the verified one whose proofs are not verified yet (never to be shown as verified), lowest first. */
  pending: readonly PendingView[]
}

export type BalanceState = 'loading' | 'verified' | 'stale' | 'halted' | 'error'

export interface BalanceSnapshot {
  address: string
  state: BalanceState
  /** Set only while `state` is 'verified'. */
  balance?: bigint
  nonce?: number
  exists?: boolean
  /** Height of the verified state root the balance was proven against ('verified' and 'stale'). */
  height?: number
  /** Age of that state ('verified' and 'stale'). */
  ageMs?: number
  /** Why it is not 'verified': a freshness reason, or the name of the error the last query failed with. */
  why?: string
}

/** Pending heads kept at most (the oldest are dropped). */
const MAX_PENDING = 64
/** Timestamps of verified heads kept, to date balances answered at a height below the tip. */
const MAX_TIMESTAMPS = 256
/** A failed or not yet answered balance query is retried this often. */
const RETRY_MS = 2_000

/** Health and pending heads, for a status line or a gate in front of an order form. */
export function watchHealth(client: LightClientLike, opts: WatchOptions): ExternalStore<HealthSnapshot> {
  let pending: PendingView[] = []
  const compute = (): HealthSnapshot => {
    const h = client.health()
    pending = pending.filter((p) => p.height > h.verifiedHeight)
    return healthSnapshot(h, pending, opts)
  }
  return createStore(compute, opts.tickMs, (refresh) => [
    client.on('pending', (p) => {
      pending = [...pending.filter((q) => q.hash !== p.hash), { height: p.height, hash: p.hash }].sort((a, b) => a.height - b.height).slice(-MAX_PENDING)
      refresh()
    }),
    client.on('dropped', (d) => {
      pending = pending.filter((q) => q.hash !== d.hash)
      refresh()
    }),
    client.on('head', refresh),
    client.on('status', refresh),
  ])
}

/** One address's verified balance, queried again at every new verified head. */
export function watchBalance(client: LightClientLike, address: string, opts: WatchOptions): ExternalStore<BalanceSnapshot> {
  const timestamps = new Map<number, number>()
  let answer: { balance: bigint; nonce: number; exists: boolean; height: number; timestamp: number } | undefined
  let failure: string | undefined
  let inflight = false
  let again = false
  let lastTry = 0
  let live = false
  let refresh = (): void => {}

  const query = async (): Promise<void> => {
    if (inflight) return void (again = true)
    inflight = true
    lastTry = Date.now()
    try {
      const b = await client.getBalance(address)
      const h = client.health()
      // getBalance answers at the verified tip (or above, after syncing to it): date it by the
      // tip's timestamp. An answer below a tip that moved meanwhile has its head recorded;
      // if not (heads seen before this store listened), its age is unknown: not fresh.
      let timestamp = timestamps.get(b.height)
      if (timestamp === undefined && b.height >= h.verifiedHeight) timestamps.set(b.height, (timestamp = Date.now() - h.lagMs))
      timestamp ??= -Infinity
      if (!answer || b.height >= answer.height) answer = { balance: b.balance, nonce: b.nonce, exists: b.exists, height: b.height, timestamp }
      failure = undefined
    } catch (err) {
      failure = err instanceof Error ? err.name : 'Error'
    } finally {
      inflight = false
      refresh()
      if (again && live) {
        again = false
        void query()
      }
    }
  }

  const compute = (): BalanceSnapshot => {
    const h = client.health()
    if (live && !inflight && (answer === undefined || failure !== undefined) && Date.now() - lastTry >= RETRY_MS) void query()
    return balanceSnapshot(address, h, answer, failure, opts)
  }

  return createStore(compute, opts.tickMs, (r) => {
    refresh = r
    live = true
    void query()
    return [
      client.on('head', (head) => {
        timestamps.set(head.height, head.header.timestamp)
        if (timestamps.size > MAX_TIMESTAMPS) timestamps.delete(timestamps.keys().next().value as number)
        void query()
      }),
      client.on('status', r),
      () => {
        live = false
        refresh = () => {}
      },
    ]
  })
}

function healthSnapshot(h: Health, pending: PendingView[], opts: WatchOptions): HealthSnapshot {
  const verdict = judgeFreshness(h, { maxLagMs: opts.maxAgeMs, ...(opts.maxLagBlocks === undefined ? {} : { maxLagBlocks: opts.maxLagBlocks }) })
  const s: HealthSnapshot = {
    state: verdict.ok ? 'verified' : viewState(h.status),
    status: h.status,
    verifiedHeight: h.verifiedHeight,
    bestSeenHeight: h.bestSeenHeight,
    lagBlocks: h.lagBlocks,
    ageMs: roundAge(h.lagMs),
    peers: h.peers,
    pending,
  }
  if (!verdict.ok) s.why = verdict.reason
  if (h.reason !== undefined) s.reason = h.reason
  return s
}

function balanceSnapshot(
  address: string,
  h: Health,
  answer: { balance: bigint; nonce: number; exists: boolean; height: number; timestamp: number } | undefined,
  failure: string | undefined,
  opts: WatchOptions,
): BalanceSnapshot {
  if (h.status === 'halted') return { address, state: 'halted', why: 'halted' }
  if (!answer) return failure === undefined ? { address, state: 'loading' } : { address, state: 'error', why: failure }
  const ageMs = roundAge(Math.max(0, Date.now() - answer.timestamp))
  // The answer's own age counts, not only the view's: a balance from an older block is as old as that block.
  const verdict = judgeFreshness(
    { status: h.status, lagBlocks: h.lagBlocks, lagMs: Math.max(ageMs, h.lagMs) },
    { maxLagMs: opts.maxAgeMs, ...(opts.maxLagBlocks === undefined ? {} : { maxLagBlocks: opts.maxLagBlocks }) },
  )
  if (!verdict.ok) return { address, state: 'stale', height: answer.height, ageMs, why: verdict.reason }
  return { address, state: 'verified', balance: answer.balance, nonce: answer.nonce, exists: answer.exists, height: answer.height, ageMs }
}

function viewState(status: ClientStatus): ViewState {
  return status === 'halted' ? 'halted' : status === 'syncing' ? 'syncing' : 'stale'
}

/** Ages to 100 ms, so a snapshot changes at most as often as a display would. */
function roundAge(ms: number): number {
  return Number.isFinite(ms) ? Math.round(ms / 100) * 100 : ms
}

/**
 * A store that listens to the client only while subscribed (`listen` returns the
 * unsubscribers) and recomputes on events and every `tickMs`; a snapshot equal to the
 * previous one (field by field) is not replaced, so getSnapshot stays referentially stable.
 */
function createStore<T extends object>(compute: () => T, tickMs = 1_000, listen: (refresh: () => void) => (() => void)[]): ExternalStore<T> {
  let snapshot: T | undefined
  const listeners = new Set<() => void>()
  let stop: (() => void) | undefined
  const refresh = (): void => {
    const next = compute()
    if (snapshot !== undefined && shallowEqual(snapshot, next)) return
    snapshot = Object.freeze(next)
    for (const fn of [...listeners]) fn()
  }
  return {
    getSnapshot() {
      if (snapshot === undefined) snapshot = Object.freeze(compute())
      return snapshot
    },
    subscribe(onChange) {
      listeners.add(onChange)
      if (!stop) {
        const offs = listen(refresh)
        const timer = setInterval(refresh, tickMs)
        stop = () => {
          clearInterval(timer)
          for (const off of offs) off()
        }
        refresh()
      }
      return () => {
        listeners.delete(onChange)
        if (listeners.size === 0 && stop) {
          stop()
          stop = undefined
        }
      }
    },
  }
}

function shallowEqual(a: object, b: object): boolean {
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  for (const k of ka) {
    const x = (a as Record<string, unknown>)[k]
    const y = (b as Record<string, unknown>)[k]
    if (Object.is(x, y)) continue
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => shallowEqual(v as object, y[i] as object))) continue
    return false
  }
  return true
}
