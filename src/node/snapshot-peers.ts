// The peers of one snapshot join: who is banned (and until when), who misbehaved how, and
// requests that count the bytes they receive. A ban here is what the follower keeps
// honouring after the join (the same BAN_MS, keyed by multiaddr).
import type { Clock } from '../core/platform.ts'
import type { Logger } from '../core/logger.ts'
import { parseMultiaddr } from '../net/dial.ts'
import type { ErrorResponse } from '../net/messages.ts'
import { judgeRequestError, type Offence } from '../net/peer-judgement.ts'
import { decodeAnswer, type ProtocolSpec } from '../net/protocols.ts'
import { request, type RpcHost } from '../net/rpc.ts'
import { BAN_MS } from './constants.ts'

export interface PeerBan {
  peer: string
  offence: Offence
  detail: string
}

export type Asked<Res> = { ok: true; answer: Res | ErrorResponse; bytes: number } | { ok: false; error: unknown }

export class JoinPeers {
  private readonly until = new Map<string, number>()
  readonly bans: PeerBan[] = []

  constructor(private readonly deps: { host: RpcHost; peers: readonly string[]; clock: Clock; logger: Logger; onBan?: (peer: string, offence: Offence, detail: string) => void }) {}

  /** Peers not banned, in the order given. */
  usable(): string[] {
    return this.deps.peers.filter((p) => !this.isBanned(p))
  }

  isBanned(peer: string): boolean {
    return (this.until.get(peer) ?? 0) > this.deps.clock.now()
  }

  /** Ban end times by multiaddr, for the follower to honour after the join. */
  banList(): Map<string, number> {
    return new Map(this.until)
  }

  /** A proven offence: the peer is ignored for BAN_MS and hung up on. */
  ban(peer: string, offence: Offence, detail: string): void {
    if (this.isBanned(peer)) return // answers already in flight when the first offence was found
    this.until.set(peer, this.deps.clock.now() + BAN_MS)
    this.bans.push({ peer, offence, detail })
    this.deps.logger.warn(`peer ${peer} ${offence} (${detail}): ignored for ${BAN_MS / 60_000} min`)
    this.deps.onBan?.(peer, offence, detail)
    void this.deps.host.hangUp(parseMultiaddr(peer)).catch(() => undefined)
  }

  /**
   * One request; never throws. A failure is judged here: undecodable or oversized bytes
   * ban the peer ('malformed'), anything else is left to the caller as a fault.
   */
  async ask<Req, Res extends { kind: string }>(peer: string, spec: ProtocolSpec<Req, Res>, q: Req, signal?: AbortSignal): Promise<Asked<Res>> {
    try {
      const bytes = await request(this.deps.host, parseMultiaddr(peer), spec.id, spec.encodeRequest(q), { maxResponseBytes: spec.maxResponseBytes, timeoutMs: spec.timeoutMs, signal })
      return { ok: true, answer: decodeAnswer(spec, bytes), bytes: bytes.length }
    } catch (error) {
      const j = judgeRequestError(error)
      if (j.kind === 'offence') this.ban(peer, j.offence, `${spec.id}: ${error instanceof Error ? error.message : String(error)}`)
      return { ok: false, error }
    }
  }
}
