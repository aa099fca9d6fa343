// Dialing with fresh retries, one transport group after another. Retries: @libp2p/webrtc
// 6.0.33 loses ~6% of private-to-private dials to a race (docs/architecture.md#platform-facts),
// and a new attempt succeeds; node_modules stay unpatched.
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { isMultiaddr, multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { DIAL_ATTEMPTS, DIAL_TIMEOUT_MS } from './constants.ts'
import { DialFailed } from './errors.ts'
import type { DialTarget } from './rpc.ts'

export interface DialOptions {
  attempts?: number
  /** Per attempt. */
  timeoutMs?: number
  /** Pause before attempt k (k >= 1) is k * backoffMs. */
  backoffMs?: number
  signal?: AbortSignal
}

/**
 * Dials `addr` up to `attempts` times, each with its own timeout. A failed
 * attempt's half-made connections to the target are closed first so the next
 * one starts clean. Throws DialFailed with every attempt's error, or the
 * caller's abort reason.
 */
export async function dialWithRetry(host: Pick<Libp2p, 'dial' | 'hangUp'>, addr: DialTarget, opts: DialOptions = {}): Promise<Connection> {
  const attempts = Math.max(1, opts.attempts ?? DIAL_ATTEMPTS)
  const errors: unknown[] = []
  for (let k = 0; k < attempts; k++) {
    opts.signal?.throwIfAborted()
    if (k > 0) await pause(k * (opts.backoffMs ?? 100), opts.signal)
    const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs ?? DIAL_TIMEOUT_MS)]) : AbortSignal.timeout(opts.timeoutMs ?? DIAL_TIMEOUT_MS)
    try {
      return await host.dial(addr, { signal })
    } catch (err) {
      opts.signal?.throwIfAborted()
      errors.push(err)
      const peer = peerOf(addr)
      if (peer) await host.hangUp(peer).catch(() => undefined)
    }
  }
  throw new DialFailed(errors)
}

/**
 * Dials one peer's address groups in turn (each with dialWithRetry), moving to the
 * next group only when every attempt at the current one failed. Throws DialFailed
 * with every attempt's error, or the caller's abort reason.
 */
export async function dialInTurn(host: Pick<Libp2p, 'dial' | 'hangUp'>, groups: readonly Multiaddr[][], opts: DialOptions = {}): Promise<Connection> {
  const errors: unknown[] = []
  for (const group of groups) {
    try {
      return await dialWithRetry(host, group, opts)
    } catch (err) {
      opts.signal?.throwIfAborted()
      errors.push(...(err instanceof DialFailed ? err.errors : [err]))
    }
  }
  throw new DialFailed(errors)
}

/** The target's peer id: the PeerId itself, or a multiaddr's last /p2p/ component (after any relay's). */
function peerOf(addr: DialTarget): PeerId | undefined {
  const one: PeerId | Multiaddr | undefined = Array.isArray(addr) ? addr[0] : addr
  if (one === undefined) return undefined
  if (!isMultiaddr(one)) return one
  const id = one
    .getComponents()
    .filter((c) => c.name === 'p2p')
    .pop()?.value
  return id ? peerIdFromString(id) : undefined
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(done, ms)
    function done() {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }
    function onAbort() {
      clearTimeout(t)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Parses a multiaddr string (throws on malformed input), so rings outside src/net can dial by string. */
export function parseMultiaddr(addr: string): Multiaddr {
  return multiaddr(addr)
}

/** Parses a peer id string (as ServeContext.peer carries it), so a handler can call the peer back. */
export function parsePeerId(id: string): PeerId {
  return peerIdFromString(id)
}

/** The peer id a multiaddr names (its last /p2p/ component), as a string. */
export function peerIdStringOf(addr: Multiaddr): string | undefined {
  return peerOf(addr)?.toString()
}

/** Whether `s` is a libp2p peer id (base58btc or CID form), for checking peer ids given on a command line. */
export function isPeerIdString(s: string): boolean {
  try {
    peerIdFromString(s)
    return true
  } catch {
    return false
  }
}
