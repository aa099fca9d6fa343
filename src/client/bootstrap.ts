// Reads a deployment's bootstrap.json (the devnet serves one; a static site ships one in
// public/): the trust anchor, the verification key and the peers to dial, in the shape
// createLightClient takes. WARNING: whoever serves that document chooses the network the
// client follows (docs/architecture.md, "What the user must trust"): load it from your
// own origin, or pin `anchor` in code and take only peers from it.
import { hexToBytes } from '../core/bytes.ts'
import { decodeTrustAnchor } from '../core/codec.ts'
import type { TrustAnchor } from '../core/types.ts'
import { BootstrapFailed } from './errors.ts'

/** bootstrap.json as the devnet writes it (src/node/devnet.ts). */
export interface BootstrapDocument {
  chainId: number
  /** Hex of encodeTrustAnchor: the genesis header, the parameters it commits to, the checkpoint to start from. */
  anchor: string
  multiaddrs: string[]
  /** The verification key's URL, relative to the document; `vk.json` beside it when absent. */
  vkUrl?: string
  setupClass?: string
  profile?: string
  accounts?: { address: string }[]
}

export interface LoadedBootstrap {
  anchor: TrustAnchor
  /** The key the anchor commits to (createLightClient refuses any other). */
  verificationKey: unknown
  /** Peers to dial. */
  bootstrap: string[]
  document: BootstrapDocument
}

/**
 * Fetches a bootstrap.json and the verification key it names:
 * `createLightClient({ ...(await loadBootstrap(url)), store })`. Throws BootstrapFailed.
 */
export async function loadBootstrap(url: string | URL, opts: { signal?: AbortSignal } = {}): Promise<LoadedBootstrap> {
  const base = new URL(url, globalThis.location?.href)
  const doc = (await getJson(base, opts.signal)) as Partial<BootstrapDocument> | null
  if (typeof doc?.anchor !== 'string' || !/^[0-9a-f]*$/i.test(doc.anchor)) throw new BootstrapFailed(`${base.href} has no trust anchor`)
  if (!Array.isArray(doc.multiaddrs) || !doc.multiaddrs.every((a) => typeof a === 'string')) throw new BootstrapFailed(`${base.href} has no multiaddrs list`)
  const decoded = decodeTrustAnchor(hexToBytes(doc.anchor))
  if (!decoded.ok) throw new BootstrapFailed(`${base.href}: the trust anchor does not decode (${decoded.reason})`)
  const verificationKey = await getJson(new URL(doc.vkUrl ?? 'vk.json', base), opts.signal)
  return { anchor: decoded.value, verificationKey, bootstrap: doc.multiaddrs, document: doc as BootstrapDocument }
}

async function getJson(url: URL, signal: AbortSignal | undefined): Promise<unknown> {
  try {
    const res = await fetch(url, signal ? { signal } : {})
    if (!res.ok) throw new BootstrapFailed(`GET ${url.href}: HTTP ${res.status}`)
    return await res.json()
  } catch (err) {
    if (err instanceof BootstrapFailed) throw err
    throw new BootstrapFailed(`GET ${url.href}: ${err instanceof Error ? err.message : String(err)}`)
  }
}
