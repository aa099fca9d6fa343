// The multi-party phase-2 ceremony over a folder (ceremony-files.ts) that contributors
// pass along: new, contribute, verify, finalize, and loading a finalized one for a
// devnet. Every fact is recomputed from the r1cs, the ptau and the zkeys; the class
// of the result follows from them (setup-record.ts).
import { createHash, randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { moveFileDurably, writeFileAtomic } from '../store/atomic-file.ts'
import { artifactKey, CIRCUIT_CACHE, compileProfile, type CircuitArtifacts } from '../zk/artifacts.ts'
import { beaconZkey, computeSetupRecord, contributeZkey, exportVerificationKey, newZkey, readZkeyContributions, verifyZkeyFromInit } from '../zk/phase2.ts'
import type { CircuitProfile } from '../zk/profiles.ts'
import type { Log } from '../zk/progress.ts'
import { BadPtauFile, readPtauFacts, sha256File } from '../zk/ptau-facts.ts'
import { parseSetupRecord, setupRecordOf, type Phase2Contribution, type SetupRecord } from '../zk/setup-record.ts'
import {
  CEREMONY_FILES as F,
  CEREMONY_FORMAT,
  CEREMONY_TRANSCRIPT_FORMAT,
  contributionFile,
  readManifest,
  readTranscript,
  strayFiles,
  writeJsonAtomic,
  type CeremonyManifest,
  type TranscriptEntry,
} from './ceremony-files.ts'
import { CeremonyInvalid, CeremonyStateError, UsageError } from './errors.ts'

export interface CeremonyReport {
  dir: string
  profile: CircuitProfile
  circuitHash: string
  ptau: CeremonyManifest['ptau']
  contributions: TranscriptEntry[]
  /** The beacon applied when finalizing, if any. */
  beacon?: Phase2Contribution
  finalized: boolean
  /** Of final.zkey when finalized; otherwise what finalizing now without a beacon would give. */
  setup: SetupRecord
  /** Files verification ignored: leftovers of killed steps (ceremony-files.ts). */
  stray: string[]
}

// Pure functions of file contents, remembered for the process: the initial zkey of an
// (r1cs, ptau) pair (`zkey new` is the slowest step) and the r1cs of this checkout's sources.
const initHashes = new Map<string, string>()
const sourceHashes = new Map<string, { r1cs: string; wasm: string }>()

/** 1..64 bytes of UTF-8 without control characters: snarkjs stores at most 64 characters, length-prefixed in a byte. */
export function checkContributorName(name: string): void {
  if (!/^[^\p{Cc}]+$/u.test(name) || Buffer.byteLength(name) > 64) throw new UsageError('--name must be 1 to 64 bytes of text without control characters')
}

/** Starts a ceremony in `out` (absent or empty): the circuit of `profile`, a copy of the ptau, the initial zkey. */
export async function newCeremony(opts: { profile: CircuitProfile; ptau: string; out: string; log: Log }): Promise<CeremonyReport> {
  const out = resolve(opts.out)
  if (existsSync(out) && readdirSync(out).length > 0) throw new CeremonyStateError('out-exists', `${out} exists and is not empty`)
  const ptau = await readPtauFacts(opts.ptau)
  if (!ptau.prepared) throw new BadPtauFile(`${opts.ptau} is not prepared for phase 2 (snarkjs powersoftau prepare phase2)`)
  if (ptau.insecureDev)
    opts.log(`WARNING: ${opts.ptau} is an INSECURE powers of tau (${ptau.devMarker ? 'the dev marker' : 'no phase-1 contribution'}): every setup on it is insecure-dev, however many contribute`)
  // Built beside the target and renamed at the end, so a killed `new` leaves no half folder.
  const work = `${out}.partial-${process.pid}`
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  try {
    const compiled = await compileProfile(opts.profile, opts.log, '[1/3] compile (circom2 --O2)')
    try {
      copyFileSync(compiled.r1cs, join(work, F.r1cs))
      copyFileSync(join(compiled.wasmDir, 'main.wasm'), join(work, F.wasm))
    } finally {
      compiled.dispose()
    }
    opts.log('[2/3] copying the powers of tau into the folder')
    copyFileSync(opts.ptau, join(work, F.ptau))
    const circuitHash = await newZkey(join(work, F.r1cs), join(work, F.ptau), join(work, F.init), opts.log, '[3/3] initial zkey (zkey new)')
    const [r1cs, wasm, init] = await Promise.all([sha256File(join(work, F.r1cs)), sha256File(join(work, F.wasm)), sha256File(join(work, F.init))])
    const { sha256, power, phase1Contributions, devMarker, insecureDev } = ptau
    const manifest: CeremonyManifest = {
      format: CEREMONY_FORMAT,
      profile: opts.profile,
      r1cs,
      wasm,
      ptau: { sha256, power, phase1Contributions, devMarker, insecureDev },
      circuitHash,
      init,
      created: new Date().toISOString(),
    }
    await writeJsonAtomic(join(work, F.transcript), { format: CEREMONY_TRANSCRIPT_FORMAT, contributions: [] })
    await writeJsonAtomic(join(work, F.manifest), manifest)
    if (existsSync(out)) rmdirSync(out)
    renameSync(work, out)
    initHashes.set(`${r1cs}:${sha256}`, init)
    sourceHashes.set(artifactKey(opts.profile), { r1cs, wasm })
  } catch (err) {
    rmSync(work, { recursive: true, force: true })
    throw err
  }
  return verifyCeremony(out, { log: opts.log })
}

/**
 * Verifies the folder, then adds one contribution from the OS CSPRNG (mixed with
 * `typedEntropy` when given) and records it. Returns the new transcript entry.
 */
export async function contributeCeremony(dirIn: string, opts: { name: string; typedEntropy?: string; log: Log }): Promise<{ entry: TranscriptEntry; report: CeremonyReport }> {
  checkContributorName(opts.name)
  const dir = resolve(dirIn)
  const before = await verifyCeremony(dir, { log: opts.log })
  if (before.finalized) throw new CeremonyStateError('finalized', `${dir} is finalized: it takes no more contributions`)
  const index = before.contributions.length + 1
  const prev = join(dir, index === 1 ? F.init : contributionFile(index - 1))
  const target = join(dir, contributionFile(index))
  const temp = `${target}.${process.pid}.tmp`
  const typed = opts.typedEntropy ? createHash('sha512').update(opts.typedEntropy).digest('hex') : ''
  try {
    const hash = await contributeZkey(prev, temp, opts.name, randomBytes(64).toString('hex') + typed, opts.log, `contribution ${index} (${opts.name})`)
    // The zkey first, then the transcript: a kill in between leaves a stray zkey that
    // verification ignores and the next contribution replaces.
    await moveFileDurably(temp, target)
    const entry: TranscriptEntry = { index, name: opts.name, hash, time: new Date().toISOString() }
    await writeJsonAtomic(join(dir, F.transcript), { format: CEREMONY_TRANSCRIPT_FORMAT, contributions: [...before.contributions, entry] })
    const setup = setupRecordOf({ circuitHash: before.circuitHash, ptauHash: before.ptau.sha256, ptauInsecureDev: before.ptau.insecureDev, contributions: [...before.contributions, entry] })
    return { entry, report: { ...before, contributions: [...before.contributions, entry], setup } }
  } finally {
    rmSync(temp, { force: true })
  }
}

/**
 * Checks the whole folder from its files: the transcript against the contribution list
 * each zkey carries (each zkey extends the previous one by exactly its transcript
 * entry), the r1cs against this checkout's sources, the initial zkey against a fresh
 * `zkey new`, every zkey in order with snarkjs's verifyFromInit, and when finalized the
 * final zkey, vk.json and transcript.txt. Throws CeremonyInvalid naming the first failure.
 */
export async function verifyCeremony(dirIn: string, opts: { log: Log }): Promise<CeremonyReport> {
  const dir = resolve(dirIn)
  const log = opts.log
  const m = readManifest(dir)
  const transcript = readTranscript(dir).contributions
  const n = transcript.length
  const path = (f: string) => {
    const p = join(dir, f)
    if (!existsSync(p)) throw new CeremonyInvalid('missing-file', `${p} is missing`)
    return p
  }
  const zkeys = [path(F.init), ...transcript.map((c) => path(contributionFile(c.index)))]
  const finalized = existsSync(join(dir, F.final))

  // Cheap checks first: what each zkey records must extend the previous zkey by its transcript entry.
  let chain: Phase2Contribution[] = []
  for (let i = 0; i <= n; i++) {
    const zkey = zkeys[i] as string
    const got = await readZkeyContributions(zkey).catch((err: unknown) => {
      throw new CeremonyInvalid('contribution-invalid', `${zkey}: ${err instanceof Error ? err.message : String(err)}`, i)
    })
    if (got.circuitHash !== m.circuitHash) throw new CeremonyInvalid(i === 0 ? 'init-mismatch' : 'chain-broken', `${zkey} is for another circuit or ptau`, i)
    if (got.contributions.length !== i || !sameContributions(got.contributions.slice(0, i - 1), chain)) {
      throw new CeremonyInvalid('chain-broken', `${zkey} does not extend ${i <= 1 ? F.init : contributionFile(i - 1)} by one contribution`, i)
    }
    if (i > 0) {
      const c = got.contributions[i - 1] as Phase2Contribution
      const t = transcript[i - 1] as TranscriptEntry
      if (c.beacon) throw new CeremonyInvalid('chain-broken', `${zkey} holds a beacon where a contribution belongs`, i)
      if (c.name !== t.name || c.hash !== t.hash) throw new CeremonyInvalid('transcript-mismatch', `${F.transcript} entry ${i} does not match ${contributionFile(i)} (name or hash differ)`, i)
    }
    chain = got.contributions
  }
  let beacon: Phase2Contribution | undefined
  if (finalized) {
    const final = await readZkeyContributions(join(dir, F.final)).catch((err: unknown) => {
      throw new CeremonyInvalid('final-invalid', `${F.final}: ${err instanceof Error ? err.message : String(err)}`)
    })
    const extra = final.contributions.slice(n)
    beacon = extra[0]
    const ok = final.circuitHash === m.circuitHash && sameContributions(final.contributions.slice(0, n), chain) && (extra.length === 0 || (extra.length === 1 && beacon?.beacon !== undefined))
    if (!ok) throw new CeremonyInvalid('final-mismatch', `${F.final} is not the last contribution, or it plus one beacon`)
  }

  // The files against the manifest and this checkout's sources.
  const r1cs = path(F.r1cs)
  const ptauPath = path(F.ptau)
  const [r1csHash, wasmHash, ptau] = await Promise.all([sha256File(r1cs), sha256File(path(F.wasm)), readPtauFacts(ptauPath)])
  if (r1csHash !== m.r1cs) throw new CeremonyInvalid('r1cs-mismatch', `${F.r1cs} differs from the one the ceremony started with`)
  if (wasmHash !== m.wasm) throw new CeremonyInvalid('wasm-mismatch', `${F.wasm} differs from the one the ceremony started with`)
  if (ptau.sha256 !== m.ptau.sha256) throw new CeremonyInvalid('ptau-mismatch', `${F.ptau} differs from the one the ceremony started with`)
  const ptauClaims = { power: ptau.power, phase1Contributions: ptau.phase1Contributions, devMarker: ptau.devMarker, insecureDev: ptau.insecureDev }
  if (!isDeepStrictEqual(ptauClaims, { power: m.ptau.power, phase1Contributions: m.ptau.phase1Contributions, devMarker: m.ptau.devMarker, insecureDev: m.ptau.insecureDev })) {
    throw new CeremonyInvalid('bad-manifest', `${F.manifest} misstates the powers of tau`)
  }
  const sources = await compiledSourceHashes(m.profile, log)
  if (sources.r1cs !== r1csHash || sources.wasm !== wasmHash) throw new CeremonyInvalid('circuit-mismatch', `${F.r1cs} is not what this checkout's sources compile to for profile ${m.profile.name}`)

  // The initial zkey must be exactly what `zkey new` makes of the r1cs and ptau.
  const initKey = `${r1csHash}:${ptau.sha256}`
  let initHash = initHashes.get(initKey)
  if (initHash === undefined) {
    const fresh = join(tmpdir(), `zklight-init-${process.pid}-${randomBytes(4).toString('hex')}.zkey`)
    try {
      await newZkey(r1cs, ptauPath, fresh, log, 'recomputing the initial zkey (zkey new)')
      initHash = await sha256File(fresh)
    } finally {
      rmSync(fresh, { force: true })
    }
    initHashes.set(initKey, initHash)
  }
  if ((await sha256File(zkeys[0] as string)) !== initHash || m.init !== initHash) throw new CeremonyInvalid('init-mismatch', `${F.init} is not the zkey the r1cs and ptau give`)

  // Every contribution in order, then the final zkey, against the initial zkey and the ptau.
  for (let i = 1; i <= n; i++) {
    const name = (transcript[i - 1] as TranscriptEntry).name
    if (!(await verifies(zkeys[0] as string, ptauPath, zkeys[i] as string, log, `verify contribution ${i}/${n} (${name})`))) {
      throw new CeremonyInvalid('contribution-invalid', `${contributionFile(i)} (contribution ${i}, "${name}") does not verify`, i)
    }
  }
  const facts = { circuitHash: m.circuitHash, ptauHash: ptau.sha256, ptauInsecureDev: ptau.insecureDev }
  let setup = setupRecordOf({ ...facts, contributions: chain })
  if (finalized) {
    const final = join(dir, F.final)
    if (!(await verifies(zkeys[0] as string, ptauPath, final, log, 'verify final zkey'))) throw new CeremonyInvalid('final-invalid', `${F.final} does not verify`)
    const expected = await finalProducts(final, m.profile, ptau)
    let vk: unknown
    try {
      vk = JSON.parse(readFileSync(path(F.vk), 'utf8'))
    } catch {
      vk = undefined
    }
    if (!isDeepStrictEqual(vk, expected.vk)) throw new CeremonyInvalid('vk-mismatch', `${F.vk} is not the key of ${F.final} with its setup record`)
    if (readFileSync(path(F.finalTranscript), 'utf8') !== expected.transcript) throw new CeremonyInvalid('transcript-mismatch', `${F.finalTranscript} is not the transcript of ${F.final}`)
    setup = expected.record
  }
  return { dir, profile: m.profile, circuitHash: m.circuitHash, ptau: m.ptau, contributions: transcript, ...(beacon ? { beacon } : {}), finalized, setup, stray: strayFiles(dir, n) }
}

/** Verifies the folder, then writes final.zkey (the last contribution, or it plus a beacon), vk.json and transcript.txt. */
export async function finalizeCeremony(dirIn: string, opts: { beacon?: { seed: string; iterationsExp: number }; log: Log }): Promise<CeremonyReport> {
  const dir = resolve(dirIn)
  const before = await verifyCeremony(dir, { log: opts.log })
  if (before.finalized) throw new CeremonyStateError('finalized', `${dir} is already finalized`)
  const n = before.contributions.length
  if (n === 0) throw new CeremonyStateError('no-contributions', `${dir} has no contribution yet: without one anyone could forge proofs`)
  const last = join(dir, contributionFile(n))
  const temp = join(dir, `${F.final}.${process.pid}.tmp`)
  try {
    if (opts.beacon) await beaconZkey(last, temp, opts.beacon.seed, opts.beacon.iterationsExp, opts.log, `beacon (2^${opts.beacon.iterationsExp} iterations)`)
    else copyFileSync(last, temp)
    const ptau = await readPtauFacts(join(dir, F.ptau))
    if (!(await verifies(join(dir, F.init), join(dir, F.ptau), temp, opts.log, 'verify final zkey'))) throw new CeremonyInvalid('final-invalid', 'the final zkey does not verify')
    const products = await finalProducts(temp, before.profile, ptau)
    await writeJsonAtomic(join(dir, F.vk), products.vk)
    await writeFileAtomic(join(dir, F.finalTranscript), new TextEncoder().encode(products.transcript))
    // final.zkey last: its presence is what makes the folder finalized.
    await moveFileDurably(temp, join(dir, F.final))
  } finally {
    rmSync(temp, { force: true })
  }
  return verifyCeremony(dir, { log: opts.log })
}

/**
 * The artifacts of a finalized ceremony, in the form the prover and the devnet take.
 * The full verification runs once per set of file contents on this machine; a stamp in
 * the circuit cache (keyed by a hash of every file and of this checkout's sources)
 * lets later starts skip it.
 */
export async function loadCeremonyArtifacts(dirIn: string, log: Log): Promise<CircuitArtifacts> {
  const dir = resolve(dirIn)
  const m = readManifest(dir)
  if (!existsSync(join(dir, F.final))) throw new CeremonyStateError('not-finalized', `${dir} is not finalized (zklight ceremony finalize ${dirIn})`)
  const stamp = join(CIRCUIT_CACHE, `ceremony-verified-${await folderDigest(dir, m.profile)}.json`)
  if (existsSync(stamp)) log(`ceremony ${dir}: verified before on this machine (same files, same sources)`)
  else {
    const report = await verifyCeremony(dir, { log })
    mkdirSync(dirname(stamp), { recursive: true })
    writeFileSync(stamp, JSON.stringify({ dir, verified: new Date().toISOString(), setup: report.setup }))
  }
  const vkPath = join(dir, F.vk)
  const vk = JSON.parse(readFileSync(vkPath, 'utf8')) as CircuitArtifacts['vk']
  const setup = parseSetupRecord(vk.zklightSetup)
  if (!setup) throw new CeremonyInvalid('vk-mismatch', `${vkPath} has no valid setup record`)
  return { dir, wasm: join(dir, F.wasm), zkey: join(dir, F.final), r1cs: join(dir, F.r1cs), vkPath, vk, setup }
}

function sameContributions(a: readonly Phase2Contribution[], b: readonly Phase2Contribution[]): boolean {
  return a.length === b.length && a.every((c, i) => c.hash === b[i]?.hash)
}

/** snarkjs's verdict; a zkey too damaged to parse is a failed verification, not a crash. */
async function verifies(init: string, ptau: string, zkey: string, log: Log, label: string): Promise<boolean> {
  try {
    return await verifyZkeyFromInit(init, ptau, zkey, log, label)
  } catch (err) {
    log(`${label}: ${err instanceof Error ? err.message : String(err)}`)
    return false
  }
}

async function compiledSourceHashes(profile: CircuitProfile, log: Log): Promise<{ r1cs: string; wasm: string }> {
  const key = artifactKey(profile)
  const known = sourceHashes.get(key)
  if (known) return known
  const compiled = await compileProfile(profile, log, `compiling profile ${profile.name} from this checkout to compare`)
  try {
    const hashes = { r1cs: await sha256File(compiled.r1cs), wasm: await sha256File(join(compiled.wasmDir, 'main.wasm')) }
    sourceHashes.set(key, hashes)
    return hashes
  } finally {
    compiled.dispose()
  }
}

async function finalProducts(final: string, profile: CircuitProfile, ptau: Awaited<ReturnType<typeof readPtauFacts>>) {
  const { record, transcript } = await computeSetupRecord(final, ptau)
  const vk = { ...(await exportVerificationKey(final)), zklightSetup: record, zklightProfile: profile.name }
  // Compared with vk.json as parsed JSON, so the comparison sees what a reader sees.
  return { vk: JSON.parse(JSON.stringify(vk)) as Record<string, unknown>, record, transcript }
}

async function folderDigest(dir: string, profile: CircuitProfile): Promise<string> {
  const h = createHash('sha256').update(`zklight-ceremony-verified/1\n${artifactKey(profile)}\n`)
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith('.tmp')) continue
    h.update(`${basename(f)} ${await sha256File(join(dir, f))}\n`)
  }
  return h.digest('hex').slice(0, 32)
}
