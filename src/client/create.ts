// createLightClient: resolves the defaults (verifier workers, libp2p network,
// stored checkpoint) and wires them into a LightClient. Tests pass `network` and
// `verifier` to run the same client over in-memory peers.
import { initCrypto } from '../core/poseidon.ts'
import { PROFILES } from '../zk/profiles.ts'
import { chooseStartPoint } from './checkpoints.ts'
import { systemClock, systemRandom, type ProofVerifier } from './deps.ts'
import { BootstrapFailed } from './errors.ts'
import { LightClient } from './light-client.ts'
import { DEFAULT_TUNING, type LightClientOptions } from './options.ts'
import { VerifiedChain } from './verified-chain.ts'

export async function createLightClient(opts: LightClientOptions): Promise<LightClient> {
  const clock = opts.clock ?? systemClock
  const random = opts.random ?? systemRandom
  const tuning = { ...DEFAULT_TUNING, ...opts.tuning }
  const depth = opts.treeDepth ?? depthForChain(opts.checkpoint.chainId)
  // Poseidon (txRoot, account proofs) and Baby Jubjub (addresses) must be loaded before any check runs.
  await initCrypto()
  const owned: { close(): Promise<void> }[] = []
  let verifier = opts.verifier
  if (!verifier) {
    if (opts.verificationKey === undefined) throw new TypeError('createLightClient needs `verifier` or `verificationKey`')
    verifier = await createDefaultVerifier(opts.verificationKey)
    owned.push(verifier)
  }
  let network = opts.network
  if (!network) {
    const { createLibp2pNetwork } = await import('./libp2p-network.ts')
    network = await createLibp2pNetwork({
      bootstrap: await resolveBootstrap(opts.bootstrap),
      rtc: opts.rtc ?? { iceServers: [] },
      host: opts.host,
      clock,
      ...(opts.allowPrivateAddresses ? { allowPrivateAddresses: true } : {}),
    })
  }
  const start = await chooseStartPoint(opts.checkpoint, opts.store)
  const chain = new VerifiedChain(start.checkpoint, tuning.cacheBlocks)
  return new LightClient({ network, verifier, store: opts.store, clock, random, chain, depth, owned, startPoint: start }, tuning)
}

/** The tree depth of the circuit profile whose chain id the checkpoint names. */
export function depthForChain(chainId: number): number {
  const p = Object.values(PROFILES).find((x) => x.chainId === chainId)
  if (!p) throw new TypeError(`no circuit profile for chain ${chainId}: pass treeDepth`)
  return p.depth
}

/** Multiaddrs from a list, or from the `multiaddrs` of a bootstrap.json (nothing else in it is used). */
export async function resolveBootstrap(b: LightClientOptions['bootstrap']): Promise<string[]> {
  if (b === undefined) return []
  if (Array.isArray(b)) return b
  const url = b instanceof URL ? b : new URL(b)
  let json: unknown
  try {
    const res = await fetch(url)
    if (!res.ok) throw new BootstrapFailed(`GET ${url.href}: HTTP ${res.status}`)
    json = await res.json()
  } catch (err) {
    if (err instanceof BootstrapFailed) throw err
    throw new BootstrapFailed(`GET ${url.href}: ${err instanceof Error ? err.message : String(err)}`)
  }
  const addrs = (json as { multiaddrs?: unknown }).multiaddrs
  if (!Array.isArray(addrs) || !addrs.every((a) => typeof a === 'string')) throw new BootstrapFailed(`${url.href} has no multiaddrs list`)
  return addrs as string[]
}

function isNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; window?: unknown }
  return g.window === undefined && typeof g.process?.versions?.node === 'string'
}

/** worker_threads in Node, Web Workers in browsers; both run src/zk/verify-handler.ts. */
async function createDefaultVerifier(vk: unknown): Promise<ProofVerifier> {
  if (isNode()) {
    // Kept out of browser bundles: the specifier is not a literal, so bundlers leave it alone.
    const nodeModule = '../zk/node-verifier.ts'
    const { createNodeVerifierPool } = (await import(/* @vite-ignore */ nodeModule)) as typeof import('../zk/node-verifier.ts')
    return createNodeVerifierPool(vk)
  }
  const { createBrowserVerifier } = await import('./browser-verifier.ts')
  return createBrowserVerifier(vk)
}
