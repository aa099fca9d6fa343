// A reloaded tab shows the watched balance before any peer answers. The stored
// checkpoint (re-verified against the trust anchor: its header and the certificate on
// it, this network's, not behind the pinned one) names a verified
// state root; the account proof the app kept from its last verified answer at that
// height is checked against that root again. Whatever does not verify is ignored,
// and the full client takes over from there (a newer answer replaces this one).
//
// This module is the page's first chunk: it must not import the client, libp2p or
// EdDSA, or the warm path waits for them to load.
import { decodeAddress } from '../core/address.ts'
import { bytesToHex, hexToBytes } from '../core/bytes.ts'
import { decodeAccountProof, decodeTrustAnchor, encodeAccountProof } from '../core/codec.ts'
import { verifyAccountProof } from '../core/smt.ts'
import type { AccountProof, Checkpoint, TrustAnchor } from '../core/types.ts'
import { chooseStartPoint } from '../client/checkpoints.ts'
import type { StartPoint } from '../client/rules/start-point.ts'
import { IdbCheckpointStore } from '../store/idb-checkpoint-store.ts'

/** Proofs kept per address: the checkpoint is saved at most once a second, so it may trail the newest answer by a block or two. */
const KEEP = 4

export interface Bootstrap {
  chainId: number
  /** hex of encodeTrustAnchor: genesis header, the parameters it commits to, the checkpoint to start from */
  anchor: string
  /** The class of the chain's trusted setup, for the page's banner (the anchor's params say the same, and are what counts). */
  setupClass?: string
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

/** Kept proofs are per network (its genesis hash) and address. */
const storageKey = (genesisHash: Uint8Array, address: string) => `zklight:balance:${bytesToHex(genesisHash).slice(0, 16)}:${address}`

function kept(genesisHash: Uint8Array, address: string): Kept[] {
  try {
    const raw = globalThis.localStorage?.getItem(storageKey(genesisHash, address))
    const list = raw ? (JSON.parse(raw) as unknown) : []
    return Array.isArray(list) ? list.filter((k): k is Kept => Number.isSafeInteger(k?.height) && typeof k?.proof === 'string') : []
  } catch {
    return [] // unreadable storage is the same as none
  }
}

/** Keeps the proof of a verified balance answer (newest KEEP heights per address). */
export function keepBalance(genesisHash: Uint8Array, address: string, answer: { height: number; proof: AccountProof }): void {
  try {
    const list = kept(genesisHash, address).filter((k) => k.height !== answer.height)
    list.push({ height: answer.height, proof: bytesToHex(encodeAccountProof(answer.proof)) })
    list.sort((a, b) => b.height - a.height)
    globalThis.localStorage?.setItem(storageKey(genesisHash, address), JSON.stringify(list.slice(0, KEEP)))
  } catch {
    // storage full or disabled: the warm path is an optimisation
  }
}

/** Why no balance was shown from storage; `no-kept-proof` is the ordinary case (nothing kept at that height). */
export type ResumeRejection = 'bad-address' | 'no-kept-proof' | 'bad-encoding' | 'other-account' | 'proof-invalid'

export type ResumeVerdict = { ok: true; balance: ResumedBalance } | { ok: false; reason: ResumeRejection }

/** The balance of `address` at the (re-verified) checkpoint, if a kept proof verifies against the checkpoint's state root. */
export function balanceAtCheckpoint(cp: Checkpoint, depth: number, address: string): ResumeVerdict {
  const addr = decodeAddress(address)
  if (!addr.ok) return { ok: false, reason: 'bad-address' }
  const k = kept(cp.genesisHash, address).find((x) => x.height === cp.height)
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

export async function fetchBootstrap(): Promise<{ bootstrap: Bootstrap; anchor: TrustAnchor }> {
  const bootstrap = (await fetchJson('./bootstrap.json')) as Bootstrap
  if (typeof bootstrap.anchor !== 'string' || !Array.isArray(bootstrap.multiaddrs)) throw new BadBootstrap('bootstrap.json lacks a trust anchor or multiaddrs')
  const decoded = decodeTrustAnchor(hexToBytes(bootstrap.anchor))
  if (!decoded.ok) throw new BadBootstrap(`bootstrap trust anchor does not decode: ${decoded.reason}`)
  return { bootstrap, anchor: decoded.value }
}

/** The tab's checkpoint store: one IndexedDB connection, shared with the client. */
export function openStore(anchor: TrustAnchor): IdbCheckpointStore {
  return new IdbCheckpointStore({ chainId: anchor.checkpoint.chainId, genesisHash: anchor.checkpoint.genesisHash })
}

/** Where the client will start (the same choice, with the same checks, it makes), read ahead of it. */
export function readStartPoint(anchor: TrustAnchor, store: IdbCheckpointStore): Promise<StartPoint> {
  return chooseStartPoint(anchor, store)
}
