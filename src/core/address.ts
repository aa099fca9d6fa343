// Human-facing account addresses: bech32m("zkl", u32 index ‖ packed Baby Jubjub key).
// The checksum catches typos; decoding checks the key is a point on the curve and
// that its encoding is the canonical one, so each key has exactly one address.
import { bech32m } from '@scure/base'
import { packPoint, unpackPoint } from './babyjub.ts'
import { ADDRESS_PREFIX } from './constants.ts'
import type { Point } from './types.ts'

const DATA_BYTES = 36
const MAX_ADDRESS_CHARS = 90

export interface AddressParts {
  index: number
  pubKey: Point
}

export function encodeAddress(index: number, pubKey: Point): string {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) throw new RangeError('account index must be a u32')
  const data = new Uint8Array(DATA_BYTES)
  new DataView(data.buffer).setUint32(0, index)
  data.set(packPoint(pubKey), 4)
  return bech32m.encode(ADDRESS_PREFIX, bech32m.toWords(data), MAX_ADDRESS_CHARS)
}

export function decodeAddress(s: string): { ok: true; value: AddressParts } | { ok: false; reason: 'bad-address' } {
  try {
    if (typeof s !== 'string' || s.length > MAX_ADDRESS_CHARS) return { ok: false, reason: 'bad-address' }
    const { prefix, words } = bech32m.decode(s as `${string}1${string}`, MAX_ADDRESS_CHARS)
    if (prefix !== ADDRESS_PREFIX) return { ok: false, reason: 'bad-address' }
    const data = bech32m.fromWords(words)
    if (data.length !== DATA_BYTES) return { ok: false, reason: 'bad-address' }
    const index = new DataView(data.buffer, data.byteOffset).getUint32(0)
    const packed = data.subarray(4)
    const pubKey = unpackPoint(packed)
    if (!pubKey) return { ok: false, reason: 'bad-address' }
    // One key, one address: an encoding of y ≥ field modulus decodes (as y mod p) but is not canonical.
    const canonical = packPoint(pubKey)
    if (!canonical.every((b, i) => b === packed[i])) return { ok: false, reason: 'bad-address' }
    return { ok: true, value: { index, pubKey } }
  } catch {
    return { ok: false, reason: 'bad-address' }
  }
}
