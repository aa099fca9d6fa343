// A reloaded tab shows the watched balance before any peer answers. The stored
// checkpoint (checksummed, this chain's, not behind the pinned one) names a verified
// state root; the account proof the app kept from its last verified answer at that
// height is checked against that root again. Whatever does not verify is ignored,
// and the full client takes over from there (a newer answer replaces this one).
//
// This module is the page's first chunk: it must not import the client, libp2p or
// EdDSA, or the warm path waits for them to load.
import { decodeAddress } from '../core/address.ts'
import { bytesToHex, hexToBytes } from '../core/bytes.ts'
import { decodeAccountProof, decodeCheckpoint, encodeAccountProof } from '../core/codec.ts'
import { verifyAccountProof } from '../core/smt.ts'
import type { AccountProof, Checkpoint } from '../core/types.ts'
import { chooseStartPoint } from '../client/checkpoints.ts'
import type { StartPoint } from '../client/rules/start-point.ts'
import { IdbCheckpointStore } from '../store/idb-checkpoint-store.ts'
import { PROFILES } from '../zk/profiles.ts'

/** Proofs kept per address: the checkpoint is saved at most once a second, so it may trail the newest answer by a block or two. */
const KEEP = 4

export interface Bootstrap {
  chainId: number
  /** hex of encodeCheckpoint(genesis) */
  checkpoint?: string
  genesis?: string
  multiaddrs: string[]
  vkUrl?: string
  accounts?: { address: string; keyFile?: string }[]
}

export class BadBootstrap extends Error {
  override name = 'BadBootstrap'
}

interface Kept {
  height: number
  proof: string
}

export interface ResumedBalance {
  balance: bigint
  nonce: number
  exists: boolean
  height: number
  stateRoot: bigint
}

const storageKey = (chainId: number, address: string) => `zklight:balance:${chainId}:${address}`

function kept(chainId: number, address: string): Kept[] {
  try {
    const raw = globalThis.localStorage?.getItem(storageKey(chainId, address))
    const list = raw ? (JSON.parse(raw) as unknown) : []
    return Array.isArray(list) ? list.filter((k): k is Kept => Number.isSafeInteger(k?.height) && typeof k?.proof === 'string') : []
  } catch {
    return [] // unreadable storage is the same as none
  }
}

/** Keeps the proof of a verified balance answer (newest KEEP heights per address). */
export function keepBalance(chainId: number, address: string, answer: { height: number; proof: AccountProof }): void {
  try {
    const list = kept(chainId, address).filter((k) => k.height !== answer.height)
    list.push({ height: answer.height, proof: bytesToHex(encodeAccountProof(answer.proof)) })
    list.sort((a, b) => b.height - a.height)
    globalThis.localStorage?.setItem(storageKey(chainId, address), JSON.stringify(list.slice(0, KEEP)))
  } catch {
    // storage full or disabled: the warm path is an optimisation
  }
}

/** Why no balance was shown from storage; `no-kept-proof` is the ordinary case (nothing kept at that height). */
export type ResumeRejection = 'unknown-chain' | 'bad-address' | 'no-kept-proof' | 'bad-encoding' | 'other-account' | 'proof-invalid'

export type ResumeVerdict = { ok: true; balance: ResumedBalance } | { ok: false; reason: ResumeRejection }

/** The balance of `address` at the checkpoint, if a kept proof verifies against the checkpoint's state root. */
export function balanceAtCheckpoint(cp: Checkpoint, address: string): ResumeVerdict {
  const depth = Object.values(PROFILES).find((p) => p.chainId === cp.chainId)?.depth
  const addr = decodeAddress(address)
  if (depth === undefined) return { ok: false, reason: 'unknown-chain' }
  if (!addr.ok) return { ok: false, reason: 'bad-address' }
  const k = kept(cp.chainId, address).find((x) => x.height === cp.height)
  if (!k) return { ok: false, reason: 'no-kept-proof' }
  let proof: AccountProof
  try {
    const d = decodeAccountProof(hexToBytes(k.proof))
    if (!d.ok) return { ok: false, reason: 'bad-encoding' }
    proof = d.value
  } catch {
    return { ok: false, reason: 'bad-encoding' }
  }
  if (proof.index !== addr.value.index) return { ok: false, reason: 'other-account' }
  if (!verifyAccountProof(cp.stateRoot, proof, depth).ok) return { ok: false, reason: 'proof-invalid' }
  const a = proof.account
  if (a && (a.pubKey[0] !== addr.value.pubKey[0] || a.pubKey[1] !== addr.value.pubKey[1])) return { ok: false, reason: 'other-account' }
  return { ok: true, balance: { balance: a?.balance ?? 0n, nonce: a?.nonce ?? 0, exists: a !== null, height: cp.height, stateRoot: cp.stateRoot } }
}

/** GETs a JSON document of the serving origin (bootstrap.json, vk.json). */
export async function fetchJson(url: string): Promise<unknown> {
  const res = await fetch(url)
  if (!res.ok) throw new BadBootstrap(`GET ${url}: HTTP ${res.status}`)
  return res.json()
}

export async function fetchBootstrap(): Promise<{ bootstrap: Bootstrap; pinned: Checkpoint }> {
  const bootstrap = (await fetchJson('./bootstrap.json')) as Bootstrap
  const cpHex = bootstrap.checkpoint ?? bootstrap.genesis
  if (!cpHex || !Array.isArray(bootstrap.multiaddrs)) throw new BadBootstrap('bootstrap.json lacks a checkpoint or multiaddrs')
  const decoded = decodeCheckpoint(hexToBytes(cpHex))
  if (!decoded.ok) throw new BadBootstrap(`bootstrap checkpoint does not decode: ${decoded.reason}`)
  return { bootstrap, pinned: decoded.value }
}

/** The tab's checkpoint store: one IndexedDB connection, shared with the client. */
export function openStore(pinned: Checkpoint): IdbCheckpointStore {
  return new IdbCheckpointStore({ chainId: pinned.chainId })
}

/** Where the client will start (the same choice it makes), read ahead of it. */
export function readStartPoint(pinned: Checkpoint, store: IdbCheckpointStore): Promise<StartPoint> {
  return chooseStartPoint(pinned, store)
}
