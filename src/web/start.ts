// Starts the tab's light client from the devnet's /bootstrap.json: the pinned
// checkpoint and verification key come from the serving origin, the chain data
// from peers over libp2p, and the last verified checkpoint from IndexedDB.
import { decodeAddress } from '../core/address.ts'
import { bytesToHex, hexToBytes } from '../core/bytes.ts'
import { signTransfer } from '../core/transfer.ts'
import { chainTagOf } from '../core/chain.ts'
import type { TrustAnchor } from '../core/types.ts'
import { createSharedLightClient, type SharedLightClient } from '../client/shared-client.ts'
import type { IdbCheckpointStore } from '../store/idb-checkpoint-store.ts'
import type { VerifierPool } from '../zk/verifier-pool.ts'
import type { Bootstrap } from './fast-resume.ts'
import { pageOptions, type PageOptions } from './page-options.ts'

/** One client for all tabs of the page's origin: the tab that leads holds the network (src/client/shared-client.ts). */
export type Client = SharedLightClient

/** Milliseconds since navigation start. */
export interface Metrics {
  scriptMs?: number
  bootstrapMs?: number
  clientCreatedMs?: number
  clientStartedMs?: number
  /** The page started the verifier workers first thing (absent when the client starts them). */
  workersStartedMs?: number
  firstPeerMs?: number
  firstVerifiedHeadMs?: number
  firstVerifiedBalanceMs?: number
  lastHeadMs?: number
  lastHeadHeight?: number
}

export interface BrowserClient {
  client: Client
  /** The tab's checkpoint store (IndexedDB), shared with the client. */
  store: IdbCheckpointStore
  bootstrap: Bootstrap
  anchor: TrustAnchor
  /** Where the view started: the IndexedDB checkpoint or the pinned genesis. */
  origin: string
  metrics: Metrics
  send(t: { keyHex: string; from: string; to: string; amount: string }): Promise<number>
}

/** `bootstrap` and `anchor` come from fetchBootstrap() (src/web/fast-resume.ts), which the page runs first. */
export async function startBrowserClient(opts: {
  log: (s: string) => void
  bootstrap: Bootstrap
  anchor: TrustAnchor
  store: IdbCheckpointStore
  metrics: Metrics
  options?: PageOptions
  /** Workers the page started before the key was known (startBrowserVerifier); started here otherwise. */
  startedVerifier?: VerifierPool
  /** The verification key (bootstrap.vkUrl), asked for by the page as soon as it has bootstrap.json; the client checks it against the anchor. */
  verificationKey: Promise<unknown>
}): Promise<BrowserClient> {
  const { bootstrap, anchor, store, metrics } = opts
  const options = opts.options ?? pageOptions()
  const pinned = anchor.checkpoint
  const vk = await opts.verificationKey
  // ?peers=<multiaddr>,… syncs from those peers only (another tab's relayed WebRTC address, one's own node).
  const pinnedPeers = new URLSearchParams(globalThis.location?.search ?? '').get('peers')
  const peerAddrs = pinnedPeers ? pinnedPeers.split(',').filter(Boolean) : undefined
  const onlyPeers = peerAddrs?.map((a) => /\/p2p\/([^/]+)$/.exec(a)?.[1]).filter((x): x is string => x !== undefined)
  const client = await createSharedLightClient(
    {
      bootstrap: peerAddrs ?? bootstrap.multiaddrs,
      ...(onlyPeers && onlyPeers.length > 0 ? { onlyPeers } : {}),
      anchor,
      store,
      rtc: { iceServers: [] },
      verificationKey: vk,
      // Early workers get the key from createLightClient once it has checked it; otherwise it starts them.
      ...(opts.startedVerifier ? { startedVerifier: opts.startedVerifier } : { verifierBackend: options.backend, verifierPoolOptions: options.pool }),
      tuning: { bodiesFree: options.newSync, pipeline: options.newSync },
      // WARNING: a devnet lives on 127.0.0.1; this lets the tab dial loopback and ws://.
      allowPrivateAddresses: true,
    },
    // Tabs pinned to other peers keep their own client.
    pinnedPeers ? { name: `zklight:${bytesToHex(anchor.checkpoint.genesisHash).slice(0, 32)}:${pinnedPeers}` } : {},
  )
  metrics.clientCreatedMs = performance.now()
  const app: BrowserClient = {
    client,
    store,
    bootstrap,
    anchor,
    origin: `pinned checkpoint at height ${pinned.height}`,
    metrics,
    async send(t) {
      const from = decodeAddress(t.from)
      const to = decodeAddress(t.to)
      if (!from.ok || !to.ok) throw new TypeError('bad address')
      if (!/^\d+$/.test(t.amount)) throw new TypeError('amount must be a whole number')
      const sender = await client.getBalance(t.from)
      const signed = signTransfer(hexToBytes(t.keyHex), chainTagOf(pinned.genesisHash), {
        from: from.value.index,
        to: to.value.index,
        toPubKey: to.value.pubKey,
        amount: BigInt(t.amount),
        nonce: sender.nonce,
      })
      const inclusion = await client.submitTransfer(signed)
      return inclusion.height
    },
  }
  client.on('checkpoint', (sp) => {
    app.origin =
      sp.source === 'store' ? `IndexedDB checkpoint at height ${sp.checkpoint.height}` : `pinned checkpoint at height ${pinned.height}${sp.problem ? ` (stored record ignored: ${sp.problem})` : ''}`
    opts.log(`start: ${app.origin}`)
  })
  client.on('head', (h) => {
    metrics.firstVerifiedHeadMs ??= performance.now()
    metrics.lastHeadMs = performance.now()
    metrics.lastHeadHeight = h.height
  })
  await client.start()
  metrics.clientStartedMs = performance.now()
  // A start-up metric only: polled for the first minute, not for the page's life.
  const watchUntil = performance.now() + 60_000
  const peerWatch = setInterval(() => {
    if (client.health().peers > 0) metrics.firstPeerMs = performance.now()
    if (client.health().peers > 0 || performance.now() > watchUntil) clearInterval(peerWatch)
  }, 10)
  return app
}
