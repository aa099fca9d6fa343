// The ceremony folder: the files one contributor hands to the next, and its two JSON
// files. Nothing here is trusted by itself: verifyCeremony re-derives every fact from
// the r1cs, the ptau and the zkeys, and the JSON only says what they must show.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../store/atomic-file.ts'
import { getProfile, type CircuitProfile } from '../zk/profiles.ts'
import { CeremonyInvalid } from './errors.ts'

export const CEREMONY_FORMAT = 'zklight-ceremony/1'
export const CEREMONY_TRANSCRIPT_FORMAT = 'zklight-ceremony-transcript/1'

export const CEREMONY_FILES = {
  manifest: 'ceremony.json',
  r1cs: 'circuit.r1cs',
  /** The witness generator the prover needs; not part of the setup's security. */
  wasm: 'circuit.wasm',
  /** A copy of the powers of tau, so the folder is all a contributor needs. */
  ptau: 'ptau.ptau',
  init: '0000-init.zkey',
  transcript: 'transcript.json',
  final: 'final.zkey',
  vk: 'vk.json',
  /** The canonical setup transcript (setup-record.ts); its SHA-256 is the vk's transcriptHash. */
  finalTranscript: 'transcript.txt',
} as const

/** Contribution i (from 1) lives in 0001.zkey, 0002.zkey, … */
export function contributionFile(index: number): string {
  return `${String(index).padStart(4, '0')}.zkey`
}

export interface CeremonyManifest {
  format: typeof CEREMONY_FORMAT
  profile: CircuitProfile
  /** SHA-256 (hex) of circuit.r1cs and circuit.wasm. */
  r1cs: string
  wasm: string
  ptau: { sha256: string; power: number; phase1Contributions: number; devMarker: boolean; insecureDev: boolean }
  /** snarkjs's csHash of the initial zkey (128 hex). */
  circuitHash: string
  /** SHA-256 (hex) of 0000-init.zkey. */
  init: string
  created: string
}

export interface TranscriptEntry {
  index: number
  name: string
  /** snarkjs's contribution hash (128 hex), as the contributor's own run printed it. */
  hash: string
  /** The contributor's clock; informative only, no zkey records it. */
  time: string
}

export interface CeremonyTranscript {
  format: typeof CEREMONY_TRANSCRIPT_FORMAT
  contributions: TranscriptEntry[]
}

const hex = (n: number) => new RegExp(`^[0-9a-f]{${n}}$`)

function readJson(dir: string, file: string, reason: 'bad-manifest' | 'bad-transcript'): Record<string, any> {
  const path = join(dir, file)
  if (!existsSync(path)) throw new CeremonyInvalid('missing-file', `${path} does not exist (not a ceremony folder?)`)
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as unknown
    if (j === null || typeof j !== 'object') throw new Error('not an object')
    return j as Record<string, any>
  } catch (err) {
    throw new CeremonyInvalid(reason, `${path}: ${err instanceof Error ? err.message : String(err)}`)
  }
}

export function readManifest(dir: string): CeremonyManifest {
  const j = readJson(dir, CEREMONY_FILES.manifest, 'bad-manifest')
  const bad = (what: string) => new CeremonyInvalid('bad-manifest', `${join(dir, CEREMONY_FILES.manifest)}: ${what}`)
  if (j.format !== CEREMONY_FORMAT) throw bad(`format is not ${CEREMONY_FORMAT}`)
  let profile: CircuitProfile
  try {
    profile = getProfile(String(j.profile?.name))
  } catch {
    throw bad(`unknown profile ${JSON.stringify(j.profile?.name)}`)
  }
  // The profile's parameters are compiled into the circuit and into every chain built on it.
  if (JSON.stringify(j.profile) !== JSON.stringify(profile)) throw new CeremonyInvalid('circuit-mismatch', `profile ${profile.name} of this checkout differs from the ceremony's`)
  const p = j.ptau as Record<string, unknown> | undefined
  if (!hex(64).test(String(j.r1cs)) || !hex(64).test(String(j.wasm)) || !hex(64).test(String(j.init))) throw bad('r1cs, wasm and init must be SHA-256 hex')
  if (!hex(128).test(String(j.circuitHash))) throw bad('circuitHash must be 128 hex')
  if (!p || !hex(64).test(String(p.sha256)) || !Number.isInteger(p.power) || !Number.isInteger(p.phase1Contributions)) throw bad('ptau facts are malformed')
  if (typeof p.devMarker !== 'boolean' || typeof p.insecureDev !== 'boolean') throw bad('ptau facts are malformed')
  if (typeof j.created !== 'string') throw bad('created must be a date string')
  return j as CeremonyManifest
}

export function readTranscript(dir: string): CeremonyTranscript {
  const j = readJson(dir, CEREMONY_FILES.transcript, 'bad-transcript')
  const bad = (what: string) => new CeremonyInvalid('bad-transcript', `${join(dir, CEREMONY_FILES.transcript)}: ${what}`)
  if (j.format !== CEREMONY_TRANSCRIPT_FORMAT) throw bad(`format is not ${CEREMONY_TRANSCRIPT_FORMAT}`)
  if (!Array.isArray(j.contributions)) throw bad('contributions must be a list')
  j.contributions.forEach((c: any, i: number) => {
    if (c?.index !== i + 1) throw bad(`entry ${i} must have index ${i + 1}`)
    if (typeof c.name !== 'string' || !hex(128).test(String(c.hash)) || typeof c.time !== 'string') throw bad(`entry ${i + 1} is malformed`)
  })
  return j as CeremonyTranscript
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(value, null, 1)}\n`))
}

/**
 * Files verification ignores: numbered zkeys past the transcript (a contribution killed
 * after its zkey was written but before it was recorded; the next one replaces it) and
 * temporary files of killed writes.
 */
export function strayFiles(dir: string, contributions: number): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tmp') || (/^\d{4}\.zkey$/.test(f) && Number(f.slice(0, 4)) > contributions))
    .sort()
}
