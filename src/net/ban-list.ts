// Peers a server refuses for a while after proven misbehaviour (docs/protocol.md#penalties):
// a bounded table of ban expiries on an injected clock, and the hook that hangs up on a
// banned peer as soon as it connects again.
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Clock } from '../core/platform.ts'
import { MAX_TRACKED_PEERS } from './constants.ts'

export class BanList {
  private readonly until = new Map<string, number>()

  constructor(private readonly opts: { clock: Pick<Clock, 'now'>; banMs: number; maxPeers?: number }) {}

  /** Refuses `peer` until banMs from now; returns that time. */
  ban(peer: string): number {
    const now = this.opts.clock.now()
    const expiry = now + this.opts.banMs
    this.until.delete(peer) // re-insert: Map order is the eviction order
    this.until.set(peer, expiry)
    if (this.until.size > (this.opts.maxPeers ?? MAX_TRACKED_PEERS)) {
      for (const [p, t] of this.until) if (t <= now) this.until.delete(p)
      // Still full of live bans: forget the oldest rather than grow without bound.
      if (this.until.size > (this.opts.maxPeers ?? MAX_TRACKED_PEERS)) this.until.delete(this.until.keys().next().value as string)
    }
    return expiry
  }

  isBanned(peer: string): boolean {
    return (this.until.get(peer) ?? 0) > this.opts.clock.now()
  }
}

type ConnectEvents = Pick<Libp2p, 'addEventListener' | 'removeEventListener' | 'hangUp'>

/** Hangs up on every connection a banned peer opens, before it can open a stream. Returns an undo. */
export function refuseBanned(host: ConnectEvents, bans: BanList): () => void {
  const onConnect = (evt: CustomEvent<PeerId>) => {
    if (bans.isBanned(evt.detail.toString())) void host.hangUp(evt.detail).catch(() => undefined)
  }
  host.addEventListener('peer:connect', onConnect)
  return () => host.removeEventListener('peer:connect', onConnect)
}
