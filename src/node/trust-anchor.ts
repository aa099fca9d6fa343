// Where the CLI's light-client commands get what they trust: the trust anchor (genesis
// header and parameters, and the checkpoint to start from) and the chain's verification
// key, from a chain spec (genesis.json), a bootstrap.json (file or URL), or an encoded
// trust anchor (hex or raw). The key is checked against the anchor's commitment by the
// light client itself (VerificationKeyMismatch), not here.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { hexToBytes } from '../core/bytes.ts'
import { decodeTrustAnchor } from '../core/codec.ts'
import type { TrustAnchor } from '../core/types.ts'
import { CHAIN_SPEC_FORMAT, chainIdentity, parseChainSpec } from './chain-spec.ts'
import { DEVNET_DEFAULTS } from './constants.ts'
import { NoTrustAnchor } from './errors.ts'

export interface LoadedAnchor {
  anchor: TrustAnchor
  vk: unknown
  /** Where the checkpoint came from, for messages. */
  source: string
}

const isUrl = (s: string) => /^https?:\/\//.test(s)

async function fetchText(source: string): Promise<Uint8Array> {
  if (isUrl(source)) {
    let res: Response
    try {
      res = await fetch(source)
    } catch (err) {
      throw new NoTrustAnchor(`GET ${source}: ${err instanceof Error ? err.message : String(err)}`)
    }
    if (!res.ok) throw new NoTrustAnchor(`GET ${source}: HTTP ${res.status}`)
    return new Uint8Array(await res.arrayBuffer())
  }
  try {
    return new Uint8Array(await readFile(source))
  } catch {
    throw new NoTrustAnchor(`cannot read ${source}`)
  }
}

function decodeHexAnchor(hex: string, source: string): TrustAnchor {
  const clean = hex.trim().replace(/^0x/, '')
  if (!/^([0-9a-fA-F]{2})+$/.test(clean)) throw new NoTrustAnchor(`${source}: trust anchor is not hex`)
  const d = decodeTrustAnchor(hexToBytes(clean))
  if (!d.ok) throw new NoTrustAnchor(`${source}: trust anchor does not decode (${d.reason})`)
  return d.value
}

function relative(source: string, ref: string): string {
  if (isUrl(ref)) return ref
  if (isUrl(source)) return new URL(ref, source).href
  return resolve(dirname(source), ref)
}

/**
 * Loads the trust anchor. `source` defaults to the default devnet folder's genesis.json;
 * `vkSource` overrides the key; else it comes from the document or a vk.json beside it.
 */
export async function loadTrustAnchor(source?: string, vkSource?: string): Promise<LoadedAnchor> {
  const src = source ?? join(DEVNET_DEFAULTS.dir, 'genesis.json')
  if (source === undefined && !existsSync(src)) {
    throw new NoTrustAnchor(`no trust anchor: pass --checkpoint FILE|URL (a devnet writes DIR/genesis.json; its server serves /bootstrap.json)`)
  }
  const raw = await fetchText(src)
  const text = new TextDecoder().decode(raw)
  let anchor: TrustAnchor
  let vk: unknown
  let vkRef: string | undefined
  if (text.trimStart().startsWith('{')) {
    let j: Record<string, unknown>
    try {
      j = JSON.parse(text) as Record<string, unknown>
    } catch {
      throw new NoTrustAnchor(`${src} is not valid JSON`)
    }
    if (j.format === CHAIN_SPEC_FORMAT) {
      const spec = parseChainSpec(text)
      anchor = chainIdentity(spec).anchor
      vk = spec.vk
    } else {
      const hex = j.anchor
      if (typeof hex !== 'string') throw new NoTrustAnchor(`${src} has no trust anchor (a chain spec or a bootstrap.json was expected)`)
      anchor = decodeHexAnchor(hex, src)
      if (typeof j.vkUrl === 'string') vkRef = relative(src, j.vkUrl)
    }
  } else if (/^\s*(0x)?[0-9a-fA-F]+\s*$/.test(text)) {
    anchor = decodeHexAnchor(text, src)
  } else {
    const d = decodeTrustAnchor(raw)
    if (!d.ok) throw new NoTrustAnchor(`${src} is not a trust anchor (${d.reason})`)
    anchor = d.value
  }
  if (vkSource !== undefined) vkRef = vkSource
  else if (vk === undefined && vkRef === undefined && !isUrl(src)) vkRef = join(dirname(src), 'vk.json')
  if (vkRef !== undefined) {
    try {
      vk = JSON.parse(new TextDecoder().decode(await fetchText(vkRef))) as unknown
    } catch (err) {
      if (err instanceof NoTrustAnchor) throw new NoTrustAnchor(`no verification key: ${err.message} (pass --vk FILE|URL)`)
      throw new NoTrustAnchor(`${vkRef} is not a JSON verification key`)
    }
  }
  if (vk === undefined) throw new NoTrustAnchor('no verification key: pass --vk FILE|URL')
  return { anchor, vk, source: src }
}
