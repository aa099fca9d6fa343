// Field checks of the Send and key forms, before anything is signed: each answer names
// the field and says what is wrong in words (a typo in an address breaks its checksum; an
// amount must be a whole number 1..2^64−1; the key must be the sender address's own).
// Pure: the page shows the messages, tests call these directly.
import { bech32m } from '@scure/base'
import { decodeAddress, type AddressParts } from '../../core/address.ts'
import { ADDRESS_PREFIX, MAX_AMOUNT } from '../../core/constants.ts'
import { derivePublicKey } from '../../core/eddsa.ts'
import { hexToBytes } from '../../core/bytes.ts'

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string }

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message })

/** A transfer amount: digits only, 1 to 2^64 − 1 (the ledger's u64). */
export function checkAmount(text: string): Checked<bigint> {
  const t = text.trim()
  if (t === '') return fail('Enter an amount.')
  if (!/^\d+$/.test(t)) return fail('The amount must be a whole number: digits only, no sign, point or spaces.')
  const v = BigInt(t)
  if (v < 1n) return fail('The amount must be at least 1.')
  if (v > MAX_AMOUNT) return fail(`The amount is too large: at most ${MAX_AMOUNT} (2^64 − 1).`)
  return { ok: true, value: v }
}

/**
 * An address for the field called `field` ("receiver address", …): says whether it is empty,
 * of another kind, mistyped (checksum), or names no valid key, and whether its account slot
 * fits this network's tree (`depth`).
 */
export function checkAddress(text: string, field: string, depth: number): Checked<AddressParts> {
  const t = text.trim()
  const Field = field.charAt(0).toUpperCase() + field.slice(1)
  if (t === '') return fail(`Enter the ${field}.`)
  if (!t.toLowerCase().startsWith(`${ADDRESS_PREFIX}1`)) return fail(`The ${field} must start with "${ADDRESS_PREFIX}1".`)
  if (t !== t.toLowerCase() && t !== t.toUpperCase()) return fail(`The ${field} mixes upper and lower case; addresses are written in one case.`)
  if (!/^[a-z0-9]+$/i.test(t)) return fail(`The ${field} contains characters that are never in an address (spaces or punctuation).`)
  // bech32m's own check, to tell a typo (checksum) from an address of the wrong shape.
  if (bech32m.decodeUnsafe(t.toLowerCase() as `${string}1${string}`, 90) === undefined) return fail(`${Field}: the checksum does not match, so it has a typo (a changed, missing or extra character).`)
  const d = decodeAddress(t.toLowerCase())
  if (!d.ok) return fail(`${Field}: the checksum is right but it does not hold a valid account key.`)
  if (d.value.index >= 2 ** depth) return fail(`${Field}: account slot ${d.value.index} is outside this network's ${2 ** depth} slots.`)
  return d
}

/** A private key (64 hex digits) that belongs to `address` (its public key is the address's). */
export function checkKeyForAddress(keyHex: string, address: AddressParts, field = 'private key'): Checked<Uint8Array> {
  const t = keyHex.trim().replace(/^0x/, '')
  if (t === '') return fail(`Enter the ${field}.`)
  if (!/^[0-9a-fA-F]{64}$/.test(t)) return fail(`The ${field} must be 64 hexadecimal digits (32 bytes), as in a devnet key file's "privateKey".`)
  const key = hexToBytes(t)
  const pub = derivePublicKey(key)
  if (pub[0] !== address.pubKey[0] || pub[1] !== address.pubKey[1]) return fail(`This ${field} does not belong to the sender address: its public key is another one.`)
  return { ok: true, value: key }
}
