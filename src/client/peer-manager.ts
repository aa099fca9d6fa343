// Peer scores and bans: a peer that serves provably bad data is banned at once
// (and disconnected by the caller); slow or silent peers lose score until replaced.
import type { Clock, RandomBytes } from '../core/platform.ts'
import type { Fault, Offence } from '../net/peer-judgement.ts'

export interface PeerInfo {
  id: string
  score: number
  bannedUntil: number
  lastOffence?: Offence | Fault
  /** Best height the peer advertised with a valid certificate. */
  height: number
  connected: boolean
}

export interface PeerManagerOptions {
  clock: Clock
  random: RandomBytes
  /** How long an offender stays banned. */
  banMs?: number
  /** A peer whose score falls to this is dropped (banned for `faultBanMs`) and replaced, unless it is the last usable one. */
  minScore?: number
  faultBanMs?: number
}

const START_SCORE = 0
const MAX_SCORE = 20
const FAULT_COST: Record<Fault, number> = { timeout: 4, unavailable: 2, error: 4, stale: 2 }

export class PeerManager {
  private readonly peers = new Map<string, PeerInfo>()
  private readonly banMs: number
  private readonly minScore: number
  private readonly faultBanMs: number

  constructor(private readonly opts: PeerManagerOptions) {
    this.banMs = opts.banMs ?? 10 * 60_000
    this.minScore = opts.minScore ?? -10
    this.faultBanMs = opts.faultBanMs ?? 30_000
  }

  /** Records a connected peer; returns false when it is banned (the caller should hang up). */
  add(id: string): boolean {
    const p = this.ensure(id)
    p.connected = true
    return !this.isBanned(id)
  }

  /** Forgets a disconnected peer, but remembers a ban until it runs out. */
  remove(id: string): void {
    const p = this.peers.get(id)
    if (!p) return
    p.connected = false
    p.height = -1
    if (!this.isBanned(id)) this.peers.delete(id)
  }

  isBanned(id: string): boolean {
    const p = this.peers.get(id)
    return p !== undefined && p.bannedUntil > this.opts.clock.now()
  }

  /** Bans `id` for proven misbehaviour. Returns true (the caller must disconnect it). */
  punish(id: string, offence: Offence): true {
    const p = this.ensure(id)
    p.lastOffence = offence
    p.score = this.minScore
    p.bannedUntil = this.opts.clock.now() + this.banMs
    return true
  }

  /** Lowers the score of a slow or unhelpful peer; returns true when it crossed the floor and is now dropped. */
  fault(id: string, fault: Fault): boolean {
    const p = this.ensure(id)
    p.lastOffence = fault
    p.score -= FAULT_COST[fault]
    if (p.score > this.minScore) return false
    // A fault is no accusation: it drops a peer so that another is dialled and asked. The
    // last usable peer is kept at the floor instead (asked last, dropped by a later fault
    // once there is another): dropping it would leave nothing to ask for faultBanMs.
    if (p.connected && this.usable().every((q) => q === id)) {
      p.score = this.minScore
      return false
    }
    p.bannedUntil = this.opts.clock.now() + this.faultBanMs
    p.score = START_SCORE
    return true
  }

  reward(id: string): void {
    const p = this.peers.get(id)
    if (p) p.score = Math.min(MAX_SCORE, p.score + 1)
  }

  setHeight(id: string, height: number): void {
    const p = this.peers.get(id)
    if (p && height > p.height) p.height = height
  }

  info(id: string): PeerInfo | undefined {
    const p = this.peers.get(id)
    return p ? { ...p } : undefined
  }

  /**
   * Usable peers, best score first; ties broken randomly so load spreads and no
   * single peer is always asked first. `minHeight` keeps peers that claim that height.
   */
  usable(opts: { exclude?: ReadonlySet<string>; minHeight?: number } = {}): string[] {
    const now = this.opts.clock.now()
    const list = [...this.peers.values()].filter((p) => p.connected && p.bannedUntil <= now && !opts.exclude?.has(p.id) && (opts.minHeight === undefined || p.height >= opts.minHeight))
    const noise = this.opts.random(list.length)
    const keyed = list.map((p, i) => ({ p, k: noise[i] ?? 0 }))
    keyed.sort((a, b) => b.p.score - a.p.score || a.k - b.k)
    return keyed.map((x) => x.p.id)
  }

  /** Highest height any usable peer advertised (-1 when none). */
  bestHeight(): number {
    let best = -1
    for (const id of this.usable()) best = Math.max(best, this.peers.get(id)?.height ?? -1)
    return best
  }

  /** Number of connected, unbanned peers. */
  count(): number {
    return this.usable().length
  }

  private ensure(id: string): PeerInfo {
    let p = this.peers.get(id)
    if (!p) this.peers.set(id, (p = { id, score: START_SCORE, bannedUntil: 0, height: -1, connected: false }))
    return p
  }
}
