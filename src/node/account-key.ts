// Account key files: a JSON record { address, index, privateKey } written 0600, as the
// devnet and `zklight keygen` make them. Loading also takes a bare 32-byte key (raw or
// hex) when the caller supplies the account index.
import { randomBytes } from 'node:crypto'
import { decodeAddress, encodeAddress } from '../core/address.ts'
import { bytesToHex, hexToBytes } from '../core/bytes.ts'
import { derivePublicKey } from '../core/transfer.ts'
import type { Point } from '../core/types.ts'
import { loadKeyFile, saveKeyFile } from '../store/key-file.ts'
import { BadKeyFile } from './errors.ts'

export interface AccountKey {
  index: number
  privateKey: Uint8Array
  pubKey: Point
  address: string
}

/** A fresh account key for slot `index` */
export function generateAccountKey(index: number): AccountKey {
  return accountKeyFrom(new Uint8Array(randomBytes(32)), index)
}

export function accountKeyFrom(privateKey: Uint8Array, index: number): AccountKey {
  const pubKey = derivePublicKey(privateKey)
  return { index, privateKey, pubKey, address: encodeAddress(index, pubKey) }
}

export async function saveAccountKey(path: string, key: AccountKey): Promise<void> {
  const record = { address: key.address, index: key.index, privateKey: bytesToHex(key.privateKey) }
  await saveKeyFile(path, new TextEncoder().encode(JSON.stringify(record, null, 1) + '\n'))
}

/** Reads a key file; throws BadKeyFile naming what is wrong (InsecureKeyFile if others can read it). */
export async function loadAccountKey(path: string, index?: number): Promise<AccountKey> {
  const raw = await loadKeyFile(path)
  if (raw === undefined) throw new BadKeyFile(`${path} does not exist`)
  const text = new TextDecoder().decode(raw).trim()
  let privateKey: Uint8Array
  let slot = index
  let address: string | undefined
  if (raw.length === 32 && !/^[0-9a-fA-F]{32}$/.test(text)) privateKey = raw
  else if (/^(0x)?[0-9a-fA-F]{64}$/.test(text)) privateKey = hexToBytes(text.replace(/^0x/, ''))
  else {
    let j: Record<string, unknown>
    try {
      j = JSON.parse(text) as Record<string, unknown>
    } catch {
      throw new BadKeyFile(`${path} is neither a key file (JSON) nor a 32-byte key`)
    }
    if (typeof j.privateKey !== 'string' || !/^[0-9a-fA-F]{64}$/.test(j.privateKey)) throw new BadKeyFile(`${path} has no 32-byte hex privateKey`)
    privateKey = hexToBytes(j.privateKey)
    if (typeof j.address === 'string') address = j.address
    if (slot === undefined && Number.isInteger(j.index)) slot = j.index as number
  }
  if (slot === undefined && address !== undefined) {
    const d = decodeAddress(address)
    if (d.ok) slot = d.value.index
  }
  if (slot === undefined) throw new BadKeyFile(`${path} does not say which account index it owns (pass --index)`)
  const key = accountKeyFrom(privateKey, slot)
  if (address !== undefined && address !== key.address) throw new BadKeyFile(`${path}: its address does not match its private key and index`)
  return key
}
