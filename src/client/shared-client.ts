// One light client for all tabs of an origin. The tab holding a Web Lock (the leader) runs
// the network and the verifier; the others hold no connection and mirror its verified view
// over a BroadcastChannel, forwarding getBalance and submitTransfer to it. When the leading
// tab closes, the browser releases its lock, the next tab takes over and resumes from the
// checkpoint the leader kept in the shared IndexedDB store, keeping the view it had.
//
// Followers take the leader's answers as they are, without re-checking Merkle proofs: every
// tab of one origin runs the same code and shares the same storage, so a tab that lied to
// the others could as well rewrite the stored checkpoint they all resume from.
import { bytesToHex } from '../core/bytes.ts'
import { silentLogger } from '../core/logger.ts'
import type { Transfer } from '../core/types.ts'
import type { VerifiedBalance } from './balance.ts'
import type { LightClientView } from './client-view.ts'
import { checkClientOptions, createLightClient } from './create.ts'
import { Emitter } from './emitter.ts'
import * as errors from './errors.ts'
import type { ClientEvents, Health, HeadEvent, InspectedBlock, LightClientOptions, PeerView, TransferProgress } from './options.ts'
import { judgeFreshness } from './rules/freshness.ts'
import type { StartPoint } from './rules/start-point.ts'
import type { Inclusion } from './transfer-watch.ts'

export type TabRole = 'starting' | 'leader' | 'follower' | 'stopped'

export interface SharedClientEvents extends ClientEvents {
  /** This tab's part: it leads (holds the network) or follows. */
  role: TabRole
}

/** The slice of the Web Locks API used (navigator.locks); tests pass their own. */
export interface LockManagerLike {
  request(name: string, options: { ifAvailable?: boolean }, fn: (lock: unknown) => Promise<void>): Promise<unknown>
}

/** The slice of BroadcastChannel used. */
export interface ChannelLike {
  postMessage(message: unknown): void
  addEventListener(type: 'message', fn: (ev: { data: unknown }) => void): void
  close(): void
}

export interface SharedClientOptions {
  /** Tabs with the same name share one client. Default: `zklight:` and the network's genesis hash. */
  name?: string
  /** A call forwarded to the leading tab fails with LeaderUnavailable after this long (default 30 s). */
  callTimeoutMs?: number
  /** How often the leading tab sends its health to the others (default 1 s). */
  stateIntervalMs?: number
  /** Default: navigator.locks; without it (Node, old browsers) every instance leads on its own. */
  locks?: LockManagerLike | null
  /** Default: a BroadcastChannel of `name`. */
  channel?: (name: string) => ChannelLike
  /** Builds the leading tab's client; default createLightClient. */
  create?: (opts: LightClientOptions) => Promise<LightClientView>
}

/** What a follower knows of the leading tab's view. */
interface Mirror {
  from: string
  /** Date.now() in the leading tab when sent: tabs of one browser share the clock. */
  at: number
  health: Health
  peers: PeerView[]
  addresses: string[]
  startPoint: StartPoint | undefined
  head: HeadEvent | undefined
}

type Message =
  | { t: 'hello'; from: string }
  | ({ t: 'state' } & Mirror)
  | { t: 'event'; from: string; name: keyof ClientEvents; arg: unknown }
  | { t: 'call'; from: string; id: string; method: CallMethod; args: unknown[] }
  | { t: 'reply'; to: string; id: string; ok: true; value: unknown }
  | { t: 'reply'; to: string; id: string; ok: false; error: { name: string; message: string; props: Record<string, unknown> } }

type CallMethod = 'getBalance' | 'submitTransfer' | 'inspect'

interface Call {
  method: CallMethod
  args: unknown[]
  /** The leading tab it was last sent to (undefined: sent before any leader was heard from). */
  sentTo: string | undefined
  resolve(v: unknown): void
  reject(e: unknown): void
  timer: ReturnType<typeof setTimeout>
}

const FORWARDED_EVENTS = ['head', 'pending', 'dropped', 'status', 'banned', 'checkpoint', 'batch', 'unreachable', 'stalled'] as const

/** After a failed start as leader (the lock is given up meanwhile), wait this long before queueing again. */
const RETRY_LEAD_MS = 1_000

/** Call ids a leading tab remembers, to run a re-sent call once. */
const MAX_ANSWERED = 1_024

/** A leading tab silent for this long (it froze or closed and no tab has taken over yet) leaves followers stale. */
const LEADER_SILENT_MS = 5_000

/**
 * A client with the LightClient surface that shares one network connection and one
 * verifier among the tabs of an origin (leader elected with the Web Locks API). Checks
 * the anchor and key at once, in every tab; nothing else is built until start().
 */
export async function createSharedLightClient(opts: LightClientOptions, shared: SharedClientOptions = {}): Promise<SharedLightClient> {
  checkClientOptions(opts)
  return new SharedLightClient(opts, shared)
}

export class SharedLightClient implements LightClientView {
  readonly name: string
  private readonly id = randomId()
  private readonly events = new Emitter<SharedClientEvents>(silentLogger)
  private readonly locks: LockManagerLike | null
  private readonly callTimeoutMs: number
  private readonly stateIntervalMs: number
  private channel: ChannelLike | undefined
  private currentRole: TabRole = 'starting'
  private local: LightClientView | undefined
  private localReady: Promise<void> | undefined
  private mirror: Mirror | undefined
  /** The highest verified head this tab has seen, from whichever tab verified it: the view a takeover keeps. */
  private known: { height: number; timestamp: number; head: HeadEvent } | undefined
  private lastStatus: string | undefined
  private readonly calls = new Map<string, Call>()
  private readonly inbox: Extract<Message, { t: 'call' }>[] = []
  private callSeq = 0
  private readonly answered = new Set<string>()
  private release: (() => void) | undefined
  private stateTimer: ReturnType<typeof setInterval> | undefined
  private started = false

  constructor(
    private opts: LightClientOptions,
    private readonly shared: SharedClientOptions,
  ) {
    this.name = shared.name ?? `zklight:${bytesToHex(opts.anchor.checkpoint.genesisHash).slice(0, 32)}`
    this.locks = shared.locks === undefined ? ((globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks ?? null) : shared.locks
    this.callTimeoutMs = shared.callTimeoutMs ?? 30_000
    this.stateIntervalMs = shared.stateIntervalMs ?? 1_000
  }

  /** 'leader' while this tab holds the network, 'follower' while another does. */
  get role(): TabRole {
    return this.currentRole
  }

  get startPoint(): StartPoint | undefined {
    return this.local ? this.local.startPoint : this.mirror?.startPoint
  }

  on<K extends keyof SharedClientEvents>(event: K, fn: (arg: SharedClientEvents[K]) => void): () => void {
    return this.events.on(event, fn)
  }

  off<K extends keyof SharedClientEvents>(event: K, fn: (arg: SharedClientEvents[K]) => void): void {
    this.events.off(event, fn)
  }

  /** Resolves once this tab leads with a started client, or follows another tab. */
  async start(): Promise<void> {
    if (this.started) return
    if (this.currentRole === 'stopped') throw new errors.ClientStopped('a stopped client cannot restart: create a new one')
    this.started = true
    const open = this.shared.channel ?? ((name: string) => new BroadcastChannel(name) as ChannelLike)
    this.channel = open(this.name)
    this.channel.addEventListener('message', (ev) => this.onMessage(ev.data as Message))
    const locks = this.locks
    if (!locks) return this.lead()
    // ifAvailable tells at once whether this tab leads; otherwise it follows and queues for the lock.
    const leadsNow = await new Promise<boolean>((resolve, reject) => {
      void locks
        .request(this.name, { ifAvailable: true }, async (lock) => {
          if (!lock) return resolve(false)
          try {
            await this.lead()
          } catch (err) {
            return reject(err)
          }
          resolve(true)
          await this.held()
        })
        .catch(reject)
    })
    if (leadsNow) return
    this.setRole('follower')
    this.post({ t: 'hello', from: this.id })
    this.queueForLead(locks)
  }

  /** Waits for the lock (the leading tab closes or stops), then leads; a failed start gives the lock up and queues again. */
  private queueForLead(locks: LockManagerLike): void {
    void locks.request(this.name, {}, async () => {
      if (this.currentRole === 'stopped') return
      try {
        await this.lead()
      } catch {
        if (this.stopped()) return
        this.setRole('follower')
        setTimeout(() => !this.stopped() && this.queueForLead(locks), RETRY_LEAD_MS)
        return
      }
      await this.held()
    })
  }

  async stop(): Promise<void> {
    if (this.currentRole === 'stopped') return
    this.setRole('stopped')
    if (this.stateTimer) clearInterval(this.stateTimer)
    for (const [id, c] of this.calls) {
      clearTimeout(c.timer)
      c.reject(new errors.ClientStopped())
      this.calls.delete(id)
    }
    // A client still being built is stopped by lead() when it arrives.
    const local = this.local
    if (local) {
      await this.localReady?.catch(() => {})
      await local.stop()
    }
    this.release?.()
    this.channel?.close()
  }

  health(): Health {
    const now = Date.now()
    const base = this.local?.health() ?? this.mirrorHealth(now)
    // A tab that just took over resumes from the stored checkpoint, which may trail the view
    // the previous leader had verified: keep that view until the new client passes it.
    const k = this.known
    if (!k || base.verifiedHeight >= k.height) return base
    const bestSeenHeight = Math.max(base.bestSeenHeight, k.height)
    return { ...base, verifiedHeight: k.height, bestSeenHeight, lagBlocks: bestSeenHeight - k.height, lagMs: Math.max(0, now - k.timestamp) }
  }

  peers(): PeerView[] {
    return this.local?.peers() ?? this.mirror?.peers ?? []
  }

  addresses(): string[] {
    return this.local?.addresses() ?? this.mirror?.addresses ?? []
  }

  /** The same rule as LightClient.requireFresh, on this tab's view (judgeFreshness). */
  async requireFresh(opts: { maxLagMs: number; maxLagBlocks?: number }): Promise<Health> {
    this.ensureStarted()
    const h = this.health()
    if (h.status === 'halted') throw new errors.ClientHalted(h.reason ?? 'halted')
    if (!judgeFreshness(h, opts).ok) throw new errors.StaleView(h.lagMs, h.lagBlocks)
    return h
  }

  whenSynced(signal?: AbortSignal): Promise<Health> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const h = this.health()
        if (h.status === 'halted') finish(() => reject(new errors.ClientHalted(h.reason ?? 'halted')))
        else if (signal?.aborted || this.currentRole === 'stopped') finish(() => reject(new errors.ClientStopped()))
        else if (h.status === 'synced') finish(() => resolve(h))
      }
      const finish = (f: () => void): void => {
        offStatus()
        offHead()
        signal?.removeEventListener('abort', check)
        f()
      }
      const offStatus = this.events.on('status', check)
      const offHead = this.events.on('head', check)
      signal?.addEventListener('abort', check, { once: true })
      check()
    })
  }

  /** Answered by the leading tab (this one, or forwarded), at or above the height this tab has seen verified. */
  async getBalance(address: string, opts: { signal?: AbortSignal; minHeight?: number } = {}): Promise<VerifiedBalance> {
    this.ensureStarted()
    const minHeight = Math.max(opts.minHeight ?? 0, this.known?.height ?? 0)
    const args: [string, { minHeight?: number }] = [address, minHeight > 0 ? { minHeight } : {}]
    return (await this.invoke('getBalance', args, opts.signal)) as VerifiedBalance
  }

  /** `onProgress` is called only while this tab leads: a function cannot be sent to another tab. */
  async submitTransfer(signed: Transfer | Uint8Array, opts: { timeoutMs?: number; onProgress?: (p: TransferProgress) => void } = {}): Promise<Inclusion> {
    this.ensureStarted()
    return (await this.invoke('submitTransfer', [signed, opts])) as Inclusion
  }

  /** What the leading tab verified about the block at `height` (undefined: it holds no such block). */
  async inspect(height: number): Promise<InspectedBlock | undefined> {
    this.ensureStarted()
    return (await this.invoke('inspect', [height])) as InspectedBlock | undefined
  }

  // --- leading ---

  /** Holds the lock until stop() (or the tab closes, which releases it). */
  private held(): Promise<void> {
    return new Promise((resolve) => {
      this.release = resolve
      if (this.currentRole === 'stopped') resolve()
    })
  }

  private async lead(): Promise<void> {
    if (this.currentRole === 'stopped') return
    this.setRole('leader')
    const ready = (async () => {
      const client = await (this.shared.create ?? createLightClient)(this.opts)
      if (this.stopped()) {
        await client.stop().catch(() => {})
        throw new errors.ClientStopped()
      }
      for (const name of FORWARDED_EVENTS) client.on(name, (arg) => this.fromLocal(name, arg))
      this.local = client
      await client.start()
    })()
    this.localReady = ready
    try {
      await ready
    } catch (err) {
      this.local = undefined
      this.localReady = undefined
      throw err
    }
    this.stateTimer = setInterval(() => this.sendState(), this.stateIntervalMs)
    this.sendState()
    // Calls this tab forwarded while following, and those that reached it while it started.
    for (const [id, c] of this.calls) this.runLocally(id, c)
    for (const m of this.inbox.splice(0)) void this.answer(m)
  }

  private fromLocal(name: (typeof FORWARDED_EVENTS)[number], arg: unknown): void {
    if (name === 'head' && !this.noteHead(arg as HeadEvent)) return
    this.emitEvent(name, arg)
    this.post({ t: 'event', from: this.id, name, arg })
  }

  private sendState(): void {
    const c = this.local
    if (!c || this.currentRole !== 'leader') return
    this.post({ t: 'state', from: this.id, at: Date.now(), health: this.health(), peers: c.peers(), addresses: c.addresses(), startPoint: c.startPoint, head: this.known?.head })
  }

  private async answer(m: Extract<Message, { t: 'call' }>): Promise<void> {
    if (!this.localReady) return void this.inbox.push(m)
    // A follower re-sends a call when it is unsure who leads: run each one once.
    if (this.answered.has(m.id)) return
    this.answered.add(m.id)
    if (this.answered.size > MAX_ANSWERED) this.answered.delete(this.answered.values().next().value as string)
    try {
      await this.localReady
      const value = await this.callLocal(m.method, m.args)
      this.post({ t: 'reply', to: m.from, id: m.id, ok: true, value })
    } catch (err) {
      this.post({ t: 'reply', to: m.from, id: m.id, ok: false, error: serializeError(err) })
    }
  }

  private callLocal(method: Call['method'], args: unknown[], signal?: AbortSignal): Promise<unknown> {
    const c = this.local as LightClientView
    if (method === 'getBalance') return c.getBalance(args[0] as string, { ...(args[1] as { minHeight?: number }), ...(signal ? { signal } : {}) })
    if (method === 'inspect') return Promise.resolve(c.inspect(args[0] as number))
    return c.submitTransfer(args[0] as Transfer | Uint8Array, args[1] as { timeoutMs?: number; onProgress?: (p: TransferProgress) => void })
  }

  private runLocally(id: string, c: Call): void {
    this.calls.delete(id)
    clearTimeout(c.timer)
    this.callLocal(c.method, c.args).then(c.resolve, c.reject)
  }

  // --- following ---

  private mirrorHealth(now: number): Health {
    const m = this.mirror
    // Nothing from a leader yet (health() adds any head this tab has seen).
    if (!m) return { verifiedHeight: 0, bestSeenHeight: 0, lagBlocks: 0, lagMs: Infinity, status: 'syncing', peers: 0 }
    // The leader's figures age with the time since it sent them.
    const h: Health = { ...m.health, lagMs: m.health.lagMs + Math.max(0, now - m.at) }
    if (now - m.at > Math.max(LEADER_SILENT_MS, 3 * this.stateIntervalMs) && h.status !== 'halted') return { ...h, status: 'stale', reason: 'leader-silent' }
    return h
  }

  private onMessage(m: Message): void {
    if (this.currentRole === 'stopped') return
    switch (m.t) {
      case 'hello':
        if (this.currentRole === 'leader') this.sendState()
        return
      case 'call':
        if (this.currentRole === 'leader') void this.answer(m)
        return
      case 'reply': {
        if (m.to !== this.id) return
        const c = this.calls.get(m.id)
        if (!c) return
        this.calls.delete(m.id)
        clearTimeout(c.timer)
        if (m.ok) c.resolve(m.value)
        else c.reject(deserializeError(m.error))
        return
      }
      case 'state':
        return this.onState(m)
      case 'event':
        if (this.local) return // a tab that leads has its own events
        if (m.name === 'head' && !this.noteHead(m.arg as HeadEvent)) return
        this.emitEvent(m.name, m.arg)
        return
    }
  }

  private onState(m: Mirror): void {
    if (this.local) return
    const first = this.mirror === undefined
    this.mirror = { from: m.from, at: m.at, health: m.health, peers: m.peers, addresses: m.addresses, startPoint: m.startPoint, head: m.head }
    if (first && m.startPoint) this.events.emit('checkpoint', m.startPoint)
    if (m.head && this.noteHead(m.head)) this.events.emit('head', m.head)
    const status = `${m.health.status}:${m.health.reason ?? ''}`
    if (status !== this.lastStatus) {
      this.lastStatus = status
      this.events.emit('status', m.health.reason === undefined ? { status: m.health.status } : { status: m.health.status, reason: m.health.reason })
    }
    // Calls sent to a leader that has gone (or before one was heard from) are sent again to this one.
    for (const [id, c] of this.calls) {
      if (c.sentTo === m.from) continue
      c.sentTo = m.from
      this.post({ t: 'call', from: this.id, id, method: c.method, args: cloneable(c.args) })
    }
  }

  /** Records a verified head; false when it is not above what this tab has seen (not worth an event). */
  private noteHead(h: HeadEvent): boolean {
    if (this.known && h.height <= this.known.height) return false
    this.known = { height: h.height, timestamp: h.header.timestamp, head: h }
    return true
  }

  private emitEvent(name: keyof ClientEvents, arg: unknown): void {
    if (name === 'status') this.lastStatus = `${(arg as Health).status}:${(arg as Health).reason ?? ''}`
    this.events.emit(name, arg as never)
  }

  private invoke(method: Call['method'], args: unknown[], signal?: AbortSignal): Promise<unknown> {
    const ready = this.localReady
    if (ready) return ready.then(() => this.callLocal(method, args, signal))
    return new Promise((resolve, reject) => {
      const id = `${this.id}:${++this.callSeq}`
      const timer = setTimeout(() => {
        this.calls.delete(id)
        reject(new errors.LeaderUnavailable(method))
      }, this.callTimeoutMs)
      this.calls.set(id, { method, args, resolve, reject, timer, sentTo: this.mirror?.from })
      signal?.addEventListener(
        'abort',
        () => {
          if (!this.calls.delete(id)) return
          clearTimeout(timer)
          reject(signal.reason ?? new errors.ClientStopped('aborted'))
        },
        { once: true },
      )
      this.post({ t: 'call', from: this.id, id, method, args: cloneable(args) })
    })
  }

  private post(m: Message): void {
    try {
      this.channel?.postMessage(m)
    } catch {
      // a closed channel (the tab is going away)
    }
  }

  private setRole(role: TabRole): void {
    if (this.currentRole === role) return
    this.currentRole = role
    if (role === 'follower' || (role === 'stopped' && !this.local)) this.dropStartedVerifier()
    this.events.emit('role', role)
  }

  /**
   * Verifier workers the page started before it knew whether this tab would lead
   * (`startedVerifier`): a follower verifies nothing, so they are closed rather than kept
   * idle in every tab. Should this tab lead later, its client builds a pool like them.
   */
  private dropStartedVerifier(): void {
    const pool = this.opts.startedVerifier
    if (!pool) return
    const { startedVerifier: _unused, ...rest } = this.opts
    this.opts = { ...rest, verifierBackend: pool.backend, verifierPoolOptions: pool.options }
    void pool.close().catch(() => {})
  }

  /** Read through a method: the role changes across awaits, which narrowing does not see. */
  private stopped(): boolean {
    return this.currentRole === 'stopped'
  }

  private ensureStarted(): void {
    if (this.currentRole === 'stopped' || !this.started) throw new errors.ClientStopped()
  }
}

function randomId(): string {
  return bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(8)))
}

/** Errors cross the channel as name, message and own fields, and come back as the same named class. */
function serializeError(err: unknown): { name: string; message: string; props: Record<string, unknown> } {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), props: {} }
  const props: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(err)) if (k !== 'name' && (typeof v !== 'object' || v === null)) props[k] = v
  return { name: err.name, message: err.message, props }
}

function deserializeError(e: { name: string; message: string; props: Record<string, unknown> }): Error {
  const err = new Error(e.message)
  const known = (errors as Record<string, unknown>)[e.name]
  if (typeof known === 'function') Object.setPrototypeOf(err, (known as { prototype: object }).prototype)
  Object.assign(err, e.props)
  err.name = e.name
  return err
}

/** Call arguments without their functions (a progress callback), which structured clone refuses. */
function cloneable(args: unknown[]): unknown[] {
  return args.map((a) =>
    a !== null && typeof a === 'object' && !(a instanceof Uint8Array) && !Array.isArray(a) ? Object.fromEntries(Object.entries(a).filter(([, v]) => typeof v !== 'function')) : a,
  )
}
