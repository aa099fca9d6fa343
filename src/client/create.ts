// createLightClient: resolves the defaults (verifier workers, libp2p network,
// stored checkpoint) and wires them into a LightClient. Tests pass `network` and
// `verifier` to run the same client over in-memory peers.
import { bytesToHex, equalBytes } from '../core/bytes.ts'
import { chainTagOf, verifyTrustAnchor } from '../core/chain.ts'
import { silentLogger } from '../core/logger.ts'
import { hashVerificationKey } from '../core/vk-hash.ts'
import type { ProofVerifier } from '../zk/proof-verifier.ts'
import { webCryptoSignatureCheck } from './signature-check.ts'
import { chooseStartPoint } from './checkpoints.ts'
import type { ClientNetwork } from './network.ts'
import { mark, systemClock, systemRandom } from './deps.ts'
import { BadTrustAnchor, BootstrapFailed, VerificationKeyMismatch } from './errors.ts'
import { LightClient } from './light-client.ts'
import { DEFAULT_TUNING, type LightClientOptions } from './options.ts'
import type { StartPoint } from './rules/start-point.ts'
import { VerifiedChain } from './verified-chain.ts'
import { createPlatformVerifier } from '#platform'

export async function createLightClient(opts: LightClientOptions): Promise<LightClient> {
  const clock = opts.clock ?? systemClock
  const random = opts.random ?? systemRandom
  const logger = opts.logger ?? silentLogger
  const tuning = { ...DEFAULT_TUNING, ...opts.tuning }
  const { anchor } = opts
  checkClientOptions(opts)
  // Workers started early get the key only now, after the checks above.
  if (!opts.verifier && opts.startedVerifier?.awaitingKey) opts.startedVerifier.setKey(opts.verificationKey)
  // The verifier workers, the libp2p host and the stored checkpoint are independent:
  // set them up at once (this is most of a warm start's time).
  const owned: { close(): Promise<void> }[] = []
  const parts = await Promise.allSettled([
    opts.verifier ??
      (opts.startedVerifier ? Promise.resolve(opts.startedVerifier) : createPlatformVerifier(opts.verificationKey, opts.verifierBackend, opts.verifierPoolOptions)).then((v) => {
        owned.push(v)
        mark('zklight:verifier-created')
        return v
      }),
    opts.network ??
      import('./libp2p-network.ts').then(async ({ createLibp2pNetwork }) =>
        createLibp2pNetwork({
          bootstrap: await resolveBootstrap(opts.bootstrap),
          rtc: opts.rtc ?? { iceServers: [] },
          host: opts.host,
          clock,
          ...(opts.allowPrivateAddresses ? { allowPrivateAddresses: true } : {}),
          ...(opts.onlyPeers ? { onlyPeers: opts.onlyPeers } : {}),
          ...(opts.dialTimeoutMs !== undefined ? { dialTimeoutMs: opts.dialTimeoutMs } : {}),
        }).then((n) => {
          mark('zklight:network-created')
          return n
        }),
      ),
    // Poseidon (account proofs, txRoot) and address decoding are plain BigInt: nothing to load.
    chooseStartPoint(anchor, opts.store).then((sp) => {
      mark('zklight:start-point-read')
      return sp
    }),
  ] as const)
  const failed = parts.find((p) => p.status === 'rejected')
  if (failed) {
    // Nothing half-built outlives a failed create: stop the workers and the host that did start.
    await Promise.allSettled(owned.map((o) => o.close()))
    if (!opts.network && parts[1].status === 'fulfilled') await parts[1].value.stop().catch(() => {})
    throw failed.reason
  }
  const [verifier, network, start] = parts.map((p) => (p as PromiseFulfilledResult<unknown>).value) as [ProofVerifier, ClientNetwork, StartPoint]
  const genesisHash = anchor.checkpoint.genesisHash
  const context = { genesisHash, chainTag: chainTagOf(genesisHash), batch: anchor.params.batch, depth: anchor.params.depth }
  const chain = new VerifiedChain(start, context, clock.now(), tuning.cacheBlocks)
  const checkSignature = webCryptoSignatureCheck()
  return new LightClient({ network, verifier, store: opts.store, clock, random, logger, chain, owned, startPoint: start, ...(checkSignature ? { checkSignature } : {}) }, tuning)
}

/**
 * The checks createLightClient makes before building anything: a consistent trust anchor
 * (BadTrustAnchor) and the verification key it commits to (VerificationKeyMismatch).
 */
export function checkClientOptions(opts: Pick<LightClientOptions, 'anchor' | 'verifier' | 'verificationKey'>): void {
  const anchorCheck = verifyTrustAnchor(opts.anchor)
  if (!anchorCheck.ok) throw new BadTrustAnchor(anchorCheck.reason)
  if (!opts.verifier && opts.verificationKey === undefined) throw new TypeError('createLightClient needs `verifier` or `verificationKey`')
  if (opts.verificationKey !== undefined) checkVerificationKey(opts.verificationKey, opts.anchor.params.vkHash)
}

/** Refuses a key whose hash is not `expected` (the anchor's commitment), naming both hashes. */
function checkVerificationKey(vk: unknown, expected: Uint8Array): void {
  const got = hashVerificationKey(vk)
  if (!got.ok || !equalBytes(got.value, expected)) throw new VerificationKeyMismatch(bytesToHex(expected), got.ok ? bytesToHex(got.value) : 'a malformed key')
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
