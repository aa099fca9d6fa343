// What `keygen`, `transfer`, `balance` and `status` do once their command line checked
// out (cli-client.ts): a light client in this process, with progress on stderr while it
// syncs and a named network failure as soon as every --peer has failed.
import { existsSync } from 'node:fs'
import { randomInt } from 'node:crypto'
import { resolve } from 'node:path'
import { decodeAddress } from '../core/address.ts'
import { chainTagOf } from '../core/chain.ts'
import { signTransfer } from '../core/transfer.ts'
import { createLightClient } from '../client/create.ts'
import type { LightClient } from '../client/light-client.ts'
import type { StalledEvent, TransferProgress, UnreachableEvent } from '../client/options.ts'
import { parseMultiaddr, peerIdStringOf } from '../net/dial.ts'
import { getProfile } from '../zk/profiles.ts'
import { generateAccountKey, loadAccountKey, saveAccountKey } from './account-key.ts'
import { int, str, type Values } from './cli-options.ts'
import { NoVerifiedView, NotZklightPeer, PeerUnreachable, UsageError } from './errors.ts'
import { loadTrustAnchor, type LoadedAnchor } from './trust-anchor.ts'

const out = (line: string) => process.stdout.write(`${line}\n`)
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))

/** A dial attempt gets this long: a node on a LAN answers in milliseconds, a busy machine in a second or two; two attempts stay within ~10 s. */
const CLI_DIAL_TIMEOUT_MS = 5_000
/** Least time between two progress lines while syncing or waiting. */
const PROGRESS_EVERY_MS = 2_000

/** The key the client's network uses for a --peer address: its peer id, or the address itself without one. */
function peerKey(addr: string): string {
  return peerIdStringOf(parseMultiaddr(addr)) ?? addr
}

/** Every error inside a dial failure (DialFailed lists attempts; libp2p nests AggregateErrors and causes). */
function flatten(err: unknown, into: Error[] = [], depth = 0): Error[] {
  if (!(err instanceof Error) || depth > 6) return into
  into.push(err)
  const inner = (err as { errors?: unknown[] }).errors
  if (Array.isArray(inner)) for (const e of inner) flatten(e, into, depth + 1)
  if (err.cause !== undefined) flatten(err.cause, into, depth + 1)
  return into
}

/**
 * Why a dial failed, in words: refused, unreachable, silent, answered as something other
 * than libp2p, or a different peer id. `notLibp2p` says the peer answered but is not a
 * libp2p peer (so, not a zklight node).
 */
export function describeDialError(err: unknown): { text: string; notLibp2p: boolean } {
  const all = flatten(err)
  const codes = new Set(all.map((e) => (e as { code?: unknown }).code).filter((c): c is string => typeof c === 'string'))
  const text = all.map((e) => `${e.name} ${e.message}`).join(' | ')
  const last = all.filter((e) => e.name !== 'DialFailed' && e.name !== 'AggregateError').at(-1)
  const raw = last ? `${last.name}: ${last.message}` : text
  if (codes.has('ECONNREFUSED') || /ECONNREFUSED/.test(text)) return { text: `connection refused (nothing listens there) [${raw}]`, notLibp2p: false }
  if (codes.has('EHOSTUNREACH') || codes.has('ENETUNREACH') || /E(HOST|NET)UNREACH/.test(text)) return { text: `no route to the host [${raw}]`, notLibp2p: false }
  if (/UnexpectedPeer|unexpected peer|peer id.*(mismatch|did not match)/i.test(text)) return { text: `the peer that answered has another peer id than the address names [${raw}]`, notLibp2p: false }
  if (/multistream|protocol selection|UnsupportedProtocol|InvalidMessage|InvalidMultistream|EncryptionFailed|handshake|unexpected end|Unexpected end|ERR_UNSUPPORTED_PROTOCOL/i.test(text))
    return { text: `it answered, but not as a libp2p peer [${raw}]`, notLibp2p: true }
  if (/Timeout|timed out|AbortError|aborted/i.test(text)) return { text: `no answer within ${CLI_DIAL_TIMEOUT_MS} ms per attempt [${raw}]`, notLibp2p: false }
  return { text: raw, notLibp2p: false }
}

/** The network failure that every --peer failing amounts to: the first peer's, named with its address. */
function networkFailure(peers: string[], failures: Map<string, UnreachableEvent>): Error {
  const addr = peers[0] as string
  const u = failures.get(peerKey(addr)) as UnreachableEvent
  const others = peers.length > 1 ? ` (and ${peers.length - 1} other --peer, all unreachable)` : ''
  if (u.reason === 'not-zklight') return new NotZklightPeer(addr, `it is a libp2p peer without the zklight protocols (it offers ${u.protocols?.join(', ') || 'none'})${others}`)
  const d = describeDialError(u.error)
  return d.notLibp2p ? new NotZklightPeer(addr, `${d.text}${others}`) : new PeerUnreachable(addr, `${d.text}${others}`)
}

/** Progress lines on stderr while a client syncs: blocks verified of the target, rate, and waits with no progress. */
function reportProgress(client: LightClient, label: string): () => void {
  const t0 = Date.now()
  const startHeight = client.health().verifiedHeight
  let last = t0
  let lastLine = ''
  const line = (text: string) => {
    last = Date.now()
    lastLine = text
    process.stderr.write(`zklight ${label}: ${text}\n`)
  }
  const describe = () => {
    const h = client.health()
    const done = h.verifiedHeight - startHeight
    const target = Math.max(h.bestSeenHeight - startHeight, done)
    const secs = (Date.now() - t0) / 1000
    if (target <= 0) return `waiting for a verified view: ${h.peers} peer(s), ${secs.toFixed(0)} s`
    const rate = done / Math.max(secs, 0.001)
    return `verified ${done}/${target} blocks (${Math.floor((100 * done) / target)}%) to height ${h.verifiedHeight} · ${rate.toFixed(0)} blocks/s · ${secs.toFixed(0)} s`
  }
  const offBatch = client.on('batch', () => {
    if (Date.now() - last >= PROGRESS_EVERY_MS) line(describe())
  })
  // A wait with nothing to show still prints, so a slow peer never looks like a hang.
  const ticker = setInterval(() => {
    if (Date.now() - last >= PROGRESS_EVERY_MS * 2) line(describe())
  }, 500)
  ticker.unref()
  return () => {
    offBatch()
    clearInterval(ticker)
    // A sync long enough to have shown progress ends with where it got to.
    if (lastLine !== '' && client.health().verifiedHeight > startHeight) line(describe())
  }
}

/** Starts a light client against `peers`, waits until it is synced, runs `fn`, always stops it. */
async function withLightClient<T>(values: Values, peers: string[], label: string, fn: (c: LightClient, loaded: LoadedAnchor) => Promise<T>): Promise<T> {
  const timeoutMs = int(values, 'timeout-ms', 60_000, 1, 86_400_000)
  const loaded = await loadTrustAnchor(str(values, 'checkpoint'), str(values, 'vk'))
  const client = await createLightClient({ bootstrap: peers, anchor: loaded.anchor, verificationKey: loaded.vk, rtc: { iceServers: [] }, dialTimeoutMs: CLI_DIAL_TIMEOUT_MS })
  const keys = new Set(peers.map(peerKey))
  const failures = new Map<string, UnreachableEvent>()
  let failNetwork: (err: Error) => void = () => {}
  const unreachable = new Promise<never>((_resolve, reject) => (failNetwork = reject))
  unreachable.catch(() => {}) // raced below; never an unhandled rejection
  let stall: StalledEvent | undefined
  client.on('stalled', (s) => (stall = s))
  client.on('head', () => (stall = undefined))
  client.on('unreachable', (u) => {
    if (client.health().peers > 0 || !keys.has(u.peer)) return
    failures.set(u.peer, u)
    if ([...keys].every((k) => failures.has(k))) failNetwork(networkFailure(peers, failures))
  })
  const signal = AbortSignal.timeout(timeoutMs)
  let stopProgress = () => {}
  try {
    await client.start()
    stopProgress = reportProgress(client, label)
    await Promise.race([
      client.whenSynced(signal).catch((err: unknown) => {
        if (!signal.aborted) throw err
        const h = client.health()
        if (h.peers === 0) throw new NoVerifiedView(`no zklight peer answered within ${timeoutMs} ms (asked ${peers.join(', ')})`)
        const stuck = stall
          ? `; stuck at height ${stall.height}: ${stall.reason === 'error' ? `the verifier failed (${stall.detail ?? 'no detail'})` : `none of the ${stall.peers} peer(s) that claim it served it${stall.detail ? ` (${stall.detail})` : ''}`}`
          : ''
        throw new NoVerifiedView(`no verified view of the chain within ${timeoutMs} ms: verified height ${h.verifiedHeight} of ${h.bestSeenHeight} seen, ${h.peers} peer(s)${stuck}`)
      }),
      unreachable,
    ])
    stopProgress()
    return await fn(client, loaded)
  } finally {
    stopProgress()
    await client.stop().catch(() => undefined)
  }
}

export async function runKeygen(values: Values, profile: 'test' | 'devnet'): Promise<number> {
  const depth = getProfile(profile).depth
  const index = int(values, 'index', randomInt(2 ** depth), 0, 2 ** depth - 1)
  const file = resolve(str(values, 'out') ?? `zklight-${index}.key.json`)
  if (existsSync(file)) throw new UsageError(`${file} exists; pass another --out`)
  const key = generateAccountKey(index)
  await saveAccountKey(file, key)
  out(values.json ? json({ address: key.address, index, keyFile: file }) : `address ${key.address}\nindex   ${index}\nkey     ${file}`)
  return 0
}

const STAGE_WORDS: Record<TransferProgress['stage'], string> = {
  accepted: 'accepted by a node',
  certified: 'in a certified block; verifying its proof',
  verified: 'in a proven, verified block',
}

export async function runTransfer(values: Values, t: { keyFile: string; to: string; amount: bigint; index: number | undefined; timeoutMs: number; peers: string[] }): Promise<number> {
  const to = decodeAddress(t.to)
  if (!to.ok) throw new UsageError(`--to is not a zklight address`)
  const key = await loadAccountKey(t.keyFile, t.index)
  const inclusion = await withLightClient({ ...values, 'timeout-ms': String(t.timeoutMs) }, t.peers, 'transfer', async (client, { anchor }) => {
    const sender = await client.getBalance(key.address)
    if (sender.balance < t.amount) process.stderr.write(`zklight transfer: warning: the verified balance at height ${sender.height} is ${sender.balance}, less than ${t.amount}\n`)
    const signed = signTransfer(key.privateKey, chainTagOf(anchor.checkpoint.genesisHash), {
      from: key.index,
      to: to.value.index,
      toPubKey: to.value.pubKey,
      amount: t.amount,
      nonce: sender.nonce,
    })
    process.stderr.write(`zklight transfer: signed (nonce ${sender.nonce}); submitting\n`)
    return client.submitTransfer(signed, {
      timeoutMs: t.timeoutMs,
      onProgress: (p) => process.stderr.write(`zklight transfer: ${STAGE_WORDS[p.stage]}${'height' in p ? ` (height ${p.height})` : ''}\n`),
    })
  })
  out(values.json ? json({ included: true, height: inclusion.height, headerHash: inclusion.headerHash, verified: true }) : `included in block ${inclusion.height} (verified)`)
  return 0
}

export async function runBalance(values: Values, address: string, peers: string[]): Promise<number> {
  const b = await withLightClient(values, peers, 'balance', (c) => c.getBalance(address))
  if (values.json) out(json({ address, ...b, stateRoot: `0x${b.stateRoot.toString(16)}` }))
  else out(`${b.balance} (nonce ${b.nonce}${b.exists ? '' : ', no account yet'}) at height ${b.height}, verified`)
  return 0
}

export async function runStatus(values: Values, peers: string[]): Promise<number> {
  const h = await withLightClient(values, peers, 'status', async (c) => c.health())
  if (values.json) out(json(h))
  else out(`${h.status}: verified height ${h.verifiedHeight} (best seen ${h.bestSeenHeight}, ${h.lagBlocks} behind), ${h.peers} peer(s)`)
  return 0
}
