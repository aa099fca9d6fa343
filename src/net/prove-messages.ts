// Wire messages of the proving protocols (docs/protocol.md#proving): what a producing
// node and its provers exchange — the node's proving parameters, a leased job with the
// block's witness input in a compact binary form, and a submitted proof with its verdict.
import type { ByteReader, ByteWriter } from '../core/bytes.ts'
import { DecodeError } from '../core/bytes.ts'
import { decodeWith, readProof, writeProof } from '../core/codec.ts'
import type { Decoded, ProofBytes } from '../core/types.ts'
import { MAX_INPUT_DIMENSION, MAX_INPUT_SIGNALS, MAX_PROVE_SIGNALS, PROVE_MSG } from './constants.ts'
import { begin, decodeReply, readText, readType, writeText, type ErrorResponse } from './message-parts.ts'

/**
 * A circuit's witness input: named signals holding decimal field elements, alone, in an
 * array or in an array of equal-length arrays (src/zk/witness.ts builds it).
 */
export type WitnessInput = Record<string, string | string[] | string[][]>

export interface ProveInfoResponse {
  kind: 'prove-info'
  chainId: number
  genesisHash: Uint8Array
  /** The circuit profile's name (src/zk/profiles.ts), for the prover to load its artifacts. */
  profile: string
  batch: number
  depth: number
  /** hashVerificationKey of the chain's key (src/core/vk-hash.ts): the prover's keys must match it. */
  vkHash: Uint8Array
  /** How long a lease lasts on this node. */
  leaseMs: number
}

export interface LeaseRequest {
  /** Proofs the prover can compute at once: the node counts it towards its proving capacity. */
  workers: number
  /** The hash of the verification key the prover's proving key belongs to. */
  vkHash: Uint8Array
}

/** Why a node hands out no jobs to this prover. */
export type LeaseRefusal = 'not-allowed' | 'banned' | 'wrong-circuit'
export const LEASE_REFUSALS: readonly LeaseRefusal[] = ['not-allowed', 'banned', 'wrong-circuit']

export type LeaseResponse = { kind: 'job'; height: number; leaseMs: number; input: WitnessInput } | { kind: 'no-job'; retryAfterMs: number } | { kind: 'lease-refused'; reason: LeaseRefusal }

export interface ProofSubmitRequest {
  height: number
  proof: ProofBytes
  publicSignals: bigint[]
}

/**
 * Why a node refused a proof. `signals-mismatch` and `proof-invalid` are offences (the
 * prover is banned); the others are harmless (a late or duplicate answer).
 */
export type ProofRefusal = 'not-allowed' | 'not-leased' | 'already-proven' | 'signals-mismatch' | 'proof-invalid'
export const PROOF_REFUSALS: readonly ProofRefusal[] = ['not-allowed', 'not-leased', 'already-proven', 'signals-mismatch', 'proof-invalid']

export type ProofSubmitResponse = { kind: 'proof-result'; accepted: true } | { kind: 'proof-result'; accepted: false; reason: ProofRefusal }

/** Signal names are identifiers, so byte order and UTF-16 order agree and the encoding is canonical. */
const SIGNAL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/

const LEASE_KIND = { noJob: 0, job: 1, refused: 2 } as const

// --- info ---

export const encodeProveInfoRequest = (): Uint8Array => begin(PROVE_MSG.infoRequest).finish()
export const decodeProveInfoRequest = (b: Uint8Array): Decoded<Record<string, never>> =>
  decodeWith(b, (r) => {
    readType(r, [PROVE_MSG.infoRequest])
    return {}
  })

export function encodeProveInfoResponse(i: Omit<ProveInfoResponse, 'kind'>): Uint8Array {
  const w = begin(PROVE_MSG.infoResponse).u32(i.chainId).bytes32(i.genesisHash)
  writeText(w, i.profile)
  return w.u16(i.batch).u8(i.depth).bytes32(i.vkHash).u32(i.leaseMs).finish()
}
export const decodeProveInfoResponse = (b: Uint8Array): Decoded<ProveInfoResponse | ErrorResponse> =>
  decodeReply<ProveInfoResponse>(b, PROVE_MSG.infoResponse, (r) => ({
    kind: 'prove-info',
    chainId: r.u32(),
    genesisHash: r.bytes32(),
    profile: readText(r),
    batch: r.u16(),
    depth: r.u8(),
    vkHash: r.bytes32(),
    leaseMs: r.u32(),
  }))

// --- lease ---

export const encodeLeaseRequest = (q: LeaseRequest): Uint8Array => begin(PROVE_MSG.leaseRequest).u8(q.workers).bytes32(q.vkHash).finish()
export const decodeLeaseRequest = (b: Uint8Array): Decoded<LeaseRequest> =>
  decodeWith(b, (r) => {
    readType(r, [PROVE_MSG.leaseRequest])
    return { workers: r.u8(), vkHash: r.bytes32() }
  })

export function encodeLeaseResponse(l: LeaseResponse): Uint8Array {
  const w = begin(PROVE_MSG.leaseResponse)
  if (l.kind === 'no-job') return w.u8(LEASE_KIND.noJob).u32(l.retryAfterMs).finish()
  if (l.kind === 'lease-refused') {
    w.u8(LEASE_KIND.refused)
    writeText(w, l.reason)
    return w.finish()
  }
  w.u8(LEASE_KIND.job).safeU64(l.height).u32(l.leaseMs)
  writeWitnessInput(w, l.input)
  return w.finish()
}
export const decodeLeaseResponse = (b: Uint8Array): Decoded<LeaseResponse | ErrorResponse> =>
  decodeReply<LeaseResponse>(b, PROVE_MSG.leaseResponse, (r) => {
    const kind = r.u8()
    if (kind === LEASE_KIND.noJob) return { kind: 'no-job', retryAfterMs: r.u32() }
    if (kind === LEASE_KIND.refused) return { kind: 'lease-refused', reason: readOneOf(r, LEASE_REFUSALS) }
    if (kind !== LEASE_KIND.job) throw new DecodeError('out-of-range')
    return { kind: 'job', height: r.safeU64(), leaseMs: r.u32(), input: readWitnessInput(r) }
  })

// --- submit ---

export function encodeProofSubmitRequest(q: ProofSubmitRequest): Uint8Array {
  const w = begin(PROVE_MSG.submitRequest).safeU64(q.height)
  writeProof(w, q.proof)
  if (q.publicSignals.length > MAX_PROVE_SIGNALS) throw new RangeError(`at most ${MAX_PROVE_SIGNALS} public signals`)
  w.u8(q.publicSignals.length)
  for (const s of q.publicSignals) w.field(s)
  return w.finish()
}
export const decodeProofSubmitRequest = (b: Uint8Array): Decoded<ProofSubmitRequest> =>
  decodeWith(b, (r) => {
    readType(r, [PROVE_MSG.submitRequest])
    const height = r.safeU64()
    const proof = readProof(r)
    const n = r.u8()
    if (n > MAX_PROVE_SIGNALS) throw new DecodeError('too-long')
    return { height, proof, publicSignals: Array.from({ length: n }, () => r.field()) }
  })

export function encodeProofSubmitResponse(s: ProofSubmitResponse): Uint8Array {
  const w = begin(PROVE_MSG.submitResponse).u8(s.accepted ? 1 : 0)
  if (!s.accepted) writeText(w, s.reason)
  return w.finish()
}
export const decodeProofSubmitResponse = (b: Uint8Array): Decoded<ProofSubmitResponse | ErrorResponse> =>
  decodeReply<ProofSubmitResponse>(b, PROVE_MSG.submitResponse, (r) =>
    r.bool() ? { kind: 'proof-result', accepted: true } : { kind: 'proof-result', accepted: false, reason: readOneOf(r, PROOF_REFUSALS) },
  )

// --- witness input ---

/**
 * `n u8 ‖ n × (name text ‖ rank u8 ‖ rank × u16 dimension ‖ values)`, names strictly
 * ascending, values 32-byte field elements in row-major order. Throws RangeError for an
 * input that has no canonical form (bad name, empty or ragged array, value not a
 * decimal field element): encoding it is a bug of the caller.
 */
export function writeWitnessInput(w: ByteWriter, input: WitnessInput): void {
  const names = Object.keys(input).sort()
  if (names.length > MAX_INPUT_SIGNALS) throw new RangeError(`at most ${MAX_INPUT_SIGNALS} input signals`)
  w.u8(names.length)
  for (const name of names) {
    if (!SIGNAL_NAME.test(name)) throw new RangeError(`input signal name "${name}" is not an identifier`)
    writeText(w, name)
    const v = input[name] as WitnessInput[string]
    if (typeof v === 'string') {
      w.u8(0).field(decimal(v))
      continue
    }
    const rows = dimension(v.length)
    if (v.every((x): x is string => typeof x === 'string')) {
      w.u8(1).u16(rows)
      for (const x of v) w.field(decimal(x))
      continue
    }
    const cols = dimension((v[0] as string[]).length)
    w.u8(2).u16(rows).u16(cols)
    for (const row of v) {
      if (!Array.isArray(row) || row.length !== cols) throw new RangeError(`input signal ${name} is ragged`)
      for (const x of row) w.field(decimal(x))
    }
  }
}

export function readWitnessInput(r: ByteReader): WitnessInput {
  const n = r.u8()
  if (n > MAX_INPUT_SIGNALS) throw new DecodeError('too-long')
  const entries: [string, WitnessInput[string]][] = []
  let previous = ''
  for (let i = 0; i < n; i++) {
    const name = readText(r)
    if (!SIGNAL_NAME.test(name) || (i > 0 && name <= previous)) throw new DecodeError('not-canonical')
    previous = name
    const rank = r.u8()
    const value = () => r.field().toString()
    if (rank === 0) entries.push([name, value()])
    else if (rank === 1) {
      const rows = readDimension(r)
      entries.push([name, Array.from({ length: rows }, value)])
    } else if (rank === 2) {
      const rows = readDimension(r)
      const cols = readDimension(r)
      entries.push([name, Array.from({ length: rows }, () => Array.from({ length: cols }, value))])
    } else throw new DecodeError('out-of-range')
  }
  // fromEntries defines own properties: a signal named __proto__ cannot reach the prototype.
  return Object.fromEntries(entries)
}

function decimal(s: unknown): bigint {
  if (typeof s !== 'string' || !/^\d{1,78}$/.test(s)) throw new RangeError('input value is not a decimal field element')
  return BigInt(s) // ByteWriter.field refuses values >= p
}

function dimension(n: number): number {
  if (n < 1 || n > MAX_INPUT_DIMENSION) throw new RangeError(`input arrays hold 1..${MAX_INPUT_DIMENSION} entries`)
  return n
}

function readDimension(r: ByteReader): number {
  const d = r.u16()
  if (d === 0) throw new DecodeError('not-canonical')
  if (d > MAX_INPUT_DIMENSION) throw new DecodeError('too-long')
  return d
}

function readOneOf<T extends string>(r: ByteReader, allowed: readonly T[]): T {
  const s = readText(r)
  if (!(allowed as readonly string[]).includes(s)) throw new DecodeError('out-of-range')
  return s as T
}
