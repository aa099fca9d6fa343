// Builds and caches circuit artifacts: compile (circom2, --O2), powers of tau (a
// ceremony file, or the insecure dev shortcut), Groth16 setup with one phase-2
// contribution, verification key. Keyed by a hash of sources + parameters.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import * as snarkjs from 'snarkjs'
import { writeDevPtau } from './dev-ptau.ts'
import type { CircuitProfile } from './profiles.ts'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CIRCUITS = join(ROOT, 'circuits')
const CACHE = join(ROOT, '.cache', 'circuits')

export interface CircuitArtifacts {
  dir: string
  wasm: string
  zkey: string
  r1cs: string
  vkPath: string
  vk: VerificationKeyJson
  setup: 'insecure-dev' | 'ceremony'
}

export type VerificationKeyJson = Record<string, unknown> & { nPublic: number; zklightSetup?: string; zklightProfile?: string }

export class CircuitBuildError extends Error {
  override name = 'CircuitBuildError'
}

type Log = (msg: string) => void

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
  h.update(ptau ? `ptau:${createHash('sha256').update(readFileSync(ptau)).digest('hex')}` : 'ptau:insecure-dev')
  return h.digest('hex').slice(0, 16)
}

function mainSource(profile: CircuitProfile): string {
  return [
    'pragma circom 2.1.6;',
    `include "../../../../circuits/state_transition.circom";`,
    `component main {public [oldRoot, newRoot, txRoot, chainTag]} = StateTransition(${profile.batch}, ${profile.depth});`,
    '',
  ].join('\n')
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

async function timed<T>(log: Log, label: string, f: () => Promise<T>): Promise<T> {
  const t0 = Date.now()
  log(`${label}…`)
  const v = await f()
  log(`${label}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  return v
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

function artifactsIn(dir: string, setup: CircuitArtifacts['setup']): CircuitArtifacts {
  const vkPath = join(dir, 'vk.json')
  return {
    dir,
    wasm: join(dir, 'main_js', 'main.wasm'),
    zkey: join(dir, 'final.zkey'),
    r1cs: join(dir, 'main.r1cs'),
    vkPath,
    vk: JSON.parse(readFileSync(vkPath, 'utf8')) as VerificationKeyJson,
    setup,
  }
}

async function build(profile: CircuitProfile, key: string, opts: { ptau?: string; log?: Log; force?: boolean }): Promise<CircuitArtifacts> {
  const log = opts.log ?? (() => {})
  const setup = opts.ptau ? 'ceremony' : 'insecure-dev'
  const dir = join(CACHE, key)
  if (!opts.force && existsSync(join(dir, 'DONE'))) {
    log(`circuit artifacts for profile ${profile.name}: cached (${relative(ROOT, dir)})`)
    return artifactsIn(dir, setup)
  }
  // One build per cache key across processes (parallel test forks, a devnet and a bench):
  // the others wait for it instead of building the same keys twice and replacing each other's.
  const release = await acquireBuildLock(`${dir}.lock`, log, profile.name)
  try {
    if (!opts.force && existsSync(join(dir, 'DONE'))) {
      log(`circuit artifacts for profile ${profile.name}: built by another process (${relative(ROOT, dir)})`)
      return artifactsIn(dir, setup)
    }
    return await buildLocked(profile, dir, setup, opts, log)
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

async function buildLocked(profile: CircuitProfile, dir: string, setup: 'ceremony' | 'insecure-dev', opts: { ptau?: string; force?: boolean }, log: Log): Promise<CircuitArtifacts> {
  const work = `${dir}.build-${process.pid}-${randomBytes(4).toString('hex')}`
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  const t0 = Date.now()
  log(`building circuit artifacts for profile ${profile.name} (B=${profile.batch}, D=${profile.depth})`)
  try {
    const main = join(work, 'main.circom')
    writeFileSync(main, mainSource(profile))
    await timed(log, 'compile (circom2 --O2)', () => compileCircom(main, work, log))
    let ptau = opts.ptau
    if (!ptau) {
      ptau = join(CACHE, `pot${profile.ptauPower}-insecure-dev.ptau`)
      if (!existsSync(ptau)) {
        const target = ptau
        await timed(log, `powers of tau 2^${profile.ptauPower} (INSECURE dev setup)`, () => writeDevPtau(target, profile.ptauPower, log))
      } else log(`powers of tau: reusing ${relative(ROOT, ptau)} (INSECURE dev setup)`)
    }
    await timed(log, 'groth16 setup (zkey new)', () => snarkjs.zKey.newZKey(join(work, 'main.r1cs'), ptau, join(work, 'setup.zkey')))
    // One phase-2 contribution with fresh entropy: without it delta = gamma = the
    // generator and anyone could forge a proof (A = alpha, B = beta, C = -vk_x).
    await timed(log, 'phase-2 contribution', () => snarkjs.zKey.contribute(join(work, 'setup.zkey'), join(work, 'final.zkey'), 'zklight dev contribution', randomBytes(32).toString('hex')))
    rmSync(join(work, 'setup.zkey'))
    const vk = (await snarkjs.zKey.exportVerificationKey(join(work, 'final.zkey'))) as VerificationKeyJson
    vk.zklightSetup = setup
    vk.zklightProfile = profile.name
    writeFileSync(join(work, 'vk.json'), JSON.stringify(vk, null, 1))
    writeFileSync(join(work, 'DONE'), new Date().toISOString())
    rmSync(dir, { recursive: true, force: true })
    renameSync(work, dir)
  } catch (err) {
    rmSync(work, { recursive: true, force: true })
    throw err
  }
  log(`circuit artifacts for profile ${profile.name} built in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  if (setup === 'insecure-dev') log('WARNING: these keys come from an INSECURE development setup; use --ptau with a public ceremony file for anything real')
  return artifactsIn(dir, setup)
}

/** Copies the verification key where the browser app loads it (public/vk-<profile>.json). */
export function publishVerificationKey(a: CircuitArtifacts, profile: CircuitProfile): string {
  const target = join(ROOT, 'public', `vk-${profile.name}.json`)
  mkdirSync(join(ROOT, 'public'), { recursive: true })
  copyFileSync(a.vkPath, target)
  return target
}
