// Builds and caches circuit artifacts: compile (circom2, --O2), powers of tau (a
// ceremony file, or the insecure dev shortcut), Groth16 setup with one phase-2
// contribution, verification key with its setup record. Keyed by a hash of sources +
// parameters. Each stage prints progress lines (progress.ts) while it runs.
import { createHash, randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { writeDevPtau } from './dev-ptau.ts'
import { computeSetupRecord, contributeZkey, exportVerificationKey, newZkey } from './phase2.ts'
import type { CircuitProfile } from './profiles.ts'
import { runStage, type Log } from './progress.ts'
import { readPtauFacts } from './ptau-facts.ts'
import { describeSetup, parseSetupRecord, type SetupRecord } from './setup-record.ts'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CIRCUITS = join(ROOT, 'circuits')
const CACHE = join(ROOT, '.cache', 'circuits')
/** The circuit artifact cache (shared between checkouts: add entries, never rewrite them). */
export const CIRCUIT_CACHE = CACHE
/**
 * circom2 runs under WASI with the project root as its only folder: it cannot follow a
 * symlink that leaves it (a worktree may link .cache/circuits to a shared cache), so it
 * compiles in a plain folder here and the results are copied where they belong.
 */
const COMPILE = join(ROOT, '.cache', 'compile')
/** Bump when what a build writes changes meaning (2: marked dev ptau, structured setup record). */
const ARTIFACT_LAYOUT = 'zklight-artifacts/2'

export interface CircuitArtifacts {
  dir: string
  wasm: string
  zkey: string
  r1cs: string
  vkPath: string
  vk: VerificationKeyJson
  setup: SetupRecord
}

export type VerificationKeyJson = Record<string, unknown> & { nPublic: number; zklightSetup?: unknown; zklightProfile?: string }

export class CircuitBuildError extends Error {
  override name = 'CircuitBuildError'
}

function circuitSources(): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir).sort()) {
      const p = join(dir, f)
      if (statSync(p).isDirectory()) {
        if (f !== 'test') walk(p)
      } else if (f.endsWith('.circom')) out.push(p)
    }
  }
  walk(CIRCUITS)
  return out
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
}

/** Content hash of everything that determines the artifacts. */
export function artifactKey(profile: CircuitProfile, ptau?: string): string {
  const h = createHash('sha256')
  for (const f of circuitSources()) h.update(relative(ROOT, f)).update(readFileSync(f))
  h.update(JSON.stringify(profile))
  for (const dep of ['circom2', 'circomlib', 'snarkjs']) h.update(`${dep}@${packageVersion(dep)}`)
  h.update(ARTIFACT_LAYOUT)
  h.update(ptau ? `ptau:${createHash('sha256').update(readFileSync(ptau)).digest('hex')}` : 'ptau:insecure-dev')
  return h.digest('hex').slice(0, 16)
}

function mainSource(profile: CircuitProfile, mainDir: string): string {
  return [
    'pragma circom 2.1.6;',
    `include "${relative(mainDir, join(CIRCUITS, 'state_transition.circom'))}";`,
    `component main {public [oldRoot, newRoot, txRoot, chainTag]} = StateTransition(${profile.batch}, ${profile.depth});`,
    '',
  ].join('\n')
}

export interface CompiledCircuit {
  r1cs: string
  /** circom's main_js folder: main.wasm (the witness generator) and its helpers. */
  wasmDir: string
  /** Removes the compile folder. */
  dispose(): void
}

/** Compiles a profile's circuit from this checkout's sources (progress on `log`). */
export async function compileProfile(profile: CircuitProfile, log: Log, label = 'compile (circom2 --O2)'): Promise<CompiledCircuit> {
  const dir = join(COMPILE, `${profile.name}-${process.pid}-${randomBytes(4).toString('hex')}`)
  mkdirSync(dir, { recursive: true })
  const dispose = () => rmSync(dir, { recursive: true, force: true })
  try {
    const main = join(dir, 'main.circom')
    writeFileSync(main, mainSource(profile, dir))
    await runStage(log, label, [], () => compileCircom(main, dir, log))
    return { r1cs: join(dir, 'main.r1cs'), wasmDir: join(dir, 'main_js'), dispose }
  } catch (err) {
    dispose()
    throw err
  }
}

// A new name for the marked format: files of the unmarked one stay for older checkouts sharing the cache.
const devPtauPath = (power: number) => join(CACHE, `pot${power}-insecure-dev-marked.ptau`)

/** Path of the cached INSECURE dev powers of tau of size 2^power, written first when missing. */
export async function ensureDevPtau(power: number, log: Log, label = `powers of tau 2^${power} (INSECURE dev setup)`): Promise<string> {
  const path = devPtauPath(power)
  if (existsSync(path)) {
    log(`powers of tau: reusing ${relative(ROOT, path)} (INSECURE dev setup)`)
    return path
  }
  mkdirSync(CACHE, { recursive: true })
  await runStage(log, label, [], (stage) => writeDevPtau(path, power, log, (f) => stage.update(f)))
  return path
}

/** Runs the circom2 compiler from the project root (it cannot see paths above it). */
export function compileCircom(source: string, outDir: string, log: Log): Promise<void> {
  const cli = join(ROOT, 'node_modules', 'circom2', 'cli.js')
  const args = [cli, relative(ROOT, source), '--r1cs', '--wasm', '--O2', '-l', 'node_modules', '-o', relative(ROOT, outDir)]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const constraints = /non-linear constraints: (\d+)/.exec(out)
      if (constraints) log(`  ${constraints[1]} constraints`)
      if (code === 0) resolve()
      else reject(new CircuitBuildError(`circom failed (exit ${code}): ${out.slice(-2000)}`))
    })
  })
}

const inFlight = new Map<string, Promise<CircuitArtifacts>>()

/** Returns cached artifacts for a profile, building them first when missing. */
export function ensureCircuitArtifacts(profile: CircuitProfile, opts: { ptau?: string; log?: Log; force?: boolean } = {}): Promise<CircuitArtifacts> {
  const key = `${profile.name}-${artifactKey(profile, opts.ptau)}`
  let p = inFlight.get(key)
  if (!p) {
    p = build(profile, key, opts)
    inFlight.set(key, p)
    p.catch(() => inFlight.delete(key))
  }
  return p
}

function artifactsIn(dir: string): CircuitArtifacts {
  const vkPath = join(dir, 'vk.json')
  const vk = JSON.parse(readFileSync(vkPath, 'utf8')) as VerificationKeyJson
  const setup = parseSetupRecord(vk.zklightSetup)
  if (!setup) throw new CircuitBuildError(`${vkPath} has no valid zklightSetup record`)
  return { dir, wasm: join(dir, 'main_js', 'main.wasm'), zkey: join(dir, 'final.zkey'), r1cs: join(dir, 'main.r1cs'), vkPath, vk, setup }
}

async function build(profile: CircuitProfile, key: string, opts: { ptau?: string; log?: Log; force?: boolean }): Promise<CircuitArtifacts> {
  const log = opts.log ?? (() => {})
  const dir = join(CACHE, key)
  if (!opts.force && existsSync(join(dir, 'DONE'))) {
    log(`circuit artifacts for profile ${profile.name}: cached (${relative(ROOT, dir)})`)
    return artifactsIn(dir)
  }
  // One build per cache key across processes (parallel test forks, a devnet and a bench):
  // the others wait for it instead of building the same keys twice and replacing each other's.
  const release = await acquireBuildLock(`${dir}.lock`, log, profile.name)
  try {
    if (!opts.force && existsSync(join(dir, 'DONE'))) {
      log(`circuit artifacts for profile ${profile.name}: built by another process (${relative(ROOT, dir)})`)
      return artifactsIn(dir)
    }
    return await buildLocked(profile, dir, opts, log)
  } finally {
    release()
  }
}

/** Takes `path` as an exclusive lock file (removing one left by a dead process); returns its release. */
export async function acquireBuildLock(path: string, log: Log, name: string): Promise<() => void> {
  let told = false
  mkdirSync(dirname(path), { recursive: true }) // a clean checkout has no cache folder yet
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' })
      return () => rmSync(path, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const holder = Number(readFileSync(path, 'utf8'))
    if (!Number.isInteger(holder) || holder <= 0 || !processAlive(holder)) {
      rmSync(path, { force: true })
      continue
    }
    if (!told) log(`circuit artifacts for profile ${name}: waiting for process ${holder}, which is building them`)
    told = true
    await new Promise((r) => setTimeout(r, 500))
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function buildLocked(profile: CircuitProfile, dir: string, opts: { ptau?: string; force?: boolean }, log: Log): Promise<CircuitArtifacts> {
  const work = `${dir}.build-${process.pid}-${randomBytes(4).toString('hex')}`
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  const t0 = Date.now()
  const devPtauMissing = !opts.ptau && !existsSync(devPtauPath(profile.ptauPower))
  const steps = devPtauMissing ? 5 : 4
  let step = 0
  const label = (what: string) => `[${++step}/${steps}] ${what}`
  log(`building circuit artifacts for profile ${profile.name} (B=${profile.batch}, D=${profile.depth})`)
  try {
    const compiled = await compileProfile(profile, log, label('compile (circom2 --O2)'))
    try {
      copyFileSync(compiled.r1cs, join(work, 'main.r1cs'))
      cpSync(compiled.wasmDir, join(work, 'main_js'), { recursive: true })
    } finally {
      compiled.dispose()
    }
    // Numbered only when it is built (steps counts it then): a cached or given ptau is not a step.
    const ptau = opts.ptau ?? (await ensureDevPtau(profile.ptauPower, log, devPtauMissing ? label(`powers of tau 2^${profile.ptauPower} (INSECURE dev setup)`) : 'powers of tau'))
    const ptauFacts = await readPtauFacts(ptau)
    await newZkey(join(work, 'main.r1cs'), ptau, join(work, 'setup.zkey'), log, label('groth16 setup (zkey new)'))
    // One phase-2 contribution with fresh entropy: without it delta = gamma = the
    // generator and anyone could forge a proof (A = alpha, B = beta, C = -vk_x).
    await contributeZkey(join(work, 'setup.zkey'), join(work, 'final.zkey'), 'zklight build contribution', randomBytes(64).toString('hex'), log, label('phase-2 contribution'))
    rmSync(join(work, 'setup.zkey'))
    await runStage(log, label('verification key and setup record'), [], async () => {
      const vk = (await exportVerificationKey(join(work, 'final.zkey'))) as VerificationKeyJson
      const { record, transcript } = await computeSetupRecord(join(work, 'final.zkey'), ptauFacts)
      vk.zklightSetup = record
      vk.zklightProfile = profile.name
      writeFileSync(join(work, 'vk.json'), JSON.stringify(vk, null, 1))
      writeFileSync(join(work, 'transcript.txt'), transcript)
    })
    writeFileSync(join(work, 'DONE'), new Date().toISOString())
    rmSync(dir, { recursive: true, force: true })
    renameSync(work, dir)
  } catch (err) {
    rmSync(work, { recursive: true, force: true })
    throw err
  }
  log(`circuit artifacts for profile ${profile.name} built in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  const artifacts = artifactsIn(dir)
  log(`setup: ${describeSetup(artifacts.setup)}`)
  if (artifacts.setup.class === 'insecure-dev') log('WARNING: these keys come from an INSECURE development setup; use --ptau with a public ceremony file for anything real')
  if (artifacts.setup.class === 'single-party')
    log('WARNING: single-party setup: this build made the only phase-2 contribution, so whoever ran it could forge proofs; run `zklight ceremony` for a multi-party setup')
  return artifacts
}

/** Copies the verification key where the browser app loads it (public/vk-<profile>.json). */
export function publishVerificationKey(a: CircuitArtifacts, profile: CircuitProfile): string {
  const target = join(ROOT, 'public', `vk-${profile.name}.json`)
  mkdirSync(join(ROOT, 'public'), { recursive: true })
  copyFileSync(a.vkPath, target)
  return target
}
