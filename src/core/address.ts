// Human-facing account addresses: bech32m("zkl", u32 index ‖ packed Baby Jubjub key).
// The checksum catches typos; decoding checks the key is a point on the curve.
import { bech32m } from '@scure/base'
import { ADDRESS_PREFIX } from './constants.ts'
import { cryptoKit, fromInternalPoint, toInternalPoint } from './poseidon.ts'
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
  data.set(cryptoKit().babyJub.packPoint(toInternalPoint(pubKey)), 4)
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
    const point = cryptoKit().babyJub.unpackPoint(data.slice(4))
    if (!point) return { ok: false, reason: 'bad-address' }
    return { ok: true, value: { index, pubKey: fromInternalPoint(point) } }
  } catch {
    return { ok: false, reason: 'bad-address' }
  }
}
