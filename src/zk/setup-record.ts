// The setup record: what a circuit's Groth16 keys rest on, computed from facts (the
// powers-of-tau file and the verified phase-2 contributions), never from a flag. It is
// stored in the verification key as `zklightSetup`. Pure: browser and Node alike.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'

/**
 * - `insecure-dev`: someone can forge proofs — the powers of tau is the dev shortcut (its
 *   maker knew tau) or has no phase-1 contribution, or phase 2 has no secret contribution.
 * - `single-party`: one phase-2 contribution; whoever made it can forge proofs.
 * - `ceremony`: n ≥ 2 verified phase-2 contributions; sound if one contributor was honest.
 */
export type SetupClass = 'insecure-dev' | 'single-party' | 'ceremony'

export interface SetupFacts {
  /** The powers of tau carries the dev marker or records no phase-1 contribution. */
  ptauInsecureDev: boolean
  /** Verified phase-2 contributions made with secret entropy (a beacon is not one). */
  contributions: number
  /** A public random beacon was applied after the contributions. */
  beacon: boolean
}

export interface SetupRecord extends SetupFacts {
  class: SetupClass
  /** SHA-256 (hex) of `transcriptText` of the setup. */
  transcriptHash: string
  /** SHA-256 (hex) of the powers-of-tau file. */
  ptauHash: string
}

/** One phase-2 contribution as the zkey records it. */
export interface Phase2Contribution {
  /** Position in the zkey's contribution list, from 1. */
  index: number
  name: string
  /** snarkjs's contribution hash: BLAKE2b-512 of the contribution's public key (128 hex). */
  hash: string
  /** Present when this is a beacon: its seed and iteration exponent (2^exp SHA-256 rounds). */
  beacon?: { seed: string; iterationsExp: number }
}

/** What the transcript hash covers, in order. */
export interface SetupTranscript {
  /** snarkjs's csHash (128 hex): BLAKE2b-512 of the initial zkey — binds the r1cs and the ptau. */
  circuitHash: string
  ptauHash: string
  ptauInsecureDev: boolean
  contributions: Phase2Contribution[]
}

export const TRANSCRIPT_FORMAT = 'zklight-setup-transcript/1'

export function classifySetup(f: SetupFacts): SetupClass {
  // With no secret contribution delta is public (the generator, or derived from a public beacon).
  if (f.ptauInsecureDev || f.contributions < 1) return 'insecure-dev'
  return f.contributions === 1 ? 'single-party' : 'ceremony'
}

/**
 * The canonical transcript: UTF-8 lines, each ending in "\n":
 *   zklight-setup-transcript/1
 *   circuit <csHash, 128 hex>
 *   ptau <SHA-256 of the file, 64 hex> insecure-dev=<true|false>
 *   contribution <i> <hash, 128 hex> <name as a JSON string>        (one per contribution, in order)
 *   beacon <i> <hash, 128 hex> <seed hex> <iterationsExp> <name as a JSON string>
 * Its SHA-256 is the record's transcriptHash; the class follows from its lines alone.
 */
export function transcriptText(t: SetupTranscript): string {
  const lines = [TRANSCRIPT_FORMAT, `circuit ${t.circuitHash}`, `ptau ${t.ptauHash} insecure-dev=${t.ptauInsecureDev}`]
  for (const c of t.contributions) {
    lines.push(c.beacon ? `beacon ${c.index} ${c.hash} ${c.beacon.seed} ${c.beacon.iterationsExp} ${JSON.stringify(c.name)}` : `contribution ${c.index} ${c.hash} ${JSON.stringify(c.name)}`)
  }
  return lines.map((l) => `${l}\n`).join('')
}

export function computeTranscriptHash(t: SetupTranscript): string {
  return bytesToHex(sha256(new TextEncoder().encode(transcriptText(t))))
}

export function setupRecordOf(t: SetupTranscript): SetupRecord {
  const facts: SetupFacts = {
    ptauInsecureDev: t.ptauInsecureDev,
    contributions: t.contributions.filter((c) => !c.beacon).length,
    beacon: t.contributions.some((c) => c.beacon),
  }
  return { class: classifySetup(facts), ...facts, transcriptHash: computeTranscriptHash(t), ptauHash: t.ptauHash }
}

/** The record in a verification key's metadata, or undefined when absent, malformed or self-contradictory. */
export function parseSetupRecord(x: unknown): SetupRecord | undefined {
  if (x === null || typeof x !== 'object') return undefined
  const r = x as Record<string, unknown>
  const hex64 = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)
  if (typeof r.ptauInsecureDev !== 'boolean' || typeof r.beacon !== 'boolean') return undefined
  if (!Number.isSafeInteger(r.contributions) || (r.contributions as number) < 0) return undefined
  if (!hex64(r.transcriptHash) || !hex64(r.ptauHash)) return undefined
  const facts: SetupFacts = { ptauInsecureDev: r.ptauInsecureDev, contributions: r.contributions as number, beacon: r.beacon }
  const cls = classifySetup(facts)
  if (r.class !== cls) return undefined
  return { class: cls, ...facts, transcriptHash: r.transcriptHash as string, ptauHash: r.ptauHash as string }
}

/** e.g. `ceremony(3) + beacon`, or `insecure-dev (2 contributions; dev powers of tau: …)`. */
export function describeSetup(r: SetupRecord): string {
  const beacon = r.beacon ? ' + beacon' : ''
  if (r.class !== 'insecure-dev') return `${r.class === 'ceremony' ? `ceremony(${r.contributions})` : r.class}${beacon}`
  const why = r.ptauInsecureDev ? 'dev powers of tau: its maker could forge proofs' : 'no secret phase-2 contribution: anyone could forge proofs'
  return `insecure-dev (${r.contributions} contribution${r.contributions === 1 ? '' : 's'}${beacon}; ${why})`
}

/** What a chain's genesis commits to of a setup (src/core/types.ts ChainParams): class, contribution count, transcript hash. */
export function genesisSetupOf(r: SetupRecord): { setupClass: SetupClass; contributions: number; transcriptHash: Uint8Array } {
  return { setupClass: r.class, contributions: r.contributions, transcriptHash: hexToBytes(r.transcriptHash) }
}
