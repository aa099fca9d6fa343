// The packages as a consumer gets them (scripts/prepare-examples.mjs builds, packs and
// installs the light-client tarball into an empty project): what the tarball holds, what its
// install pulls, plain-Node imports of every entry, TypeScript against its declarations, and
// the node package's CLI running as built JavaScript.
import { execFile, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

const ROOT = new URL('../..', import.meta.url).pathname
/** Written by scripts/prepare-examples.mjs (beforeAll): the installs live outside the repository, see there. */
const examplesDir = () => readFileSync(join(ROOT, '.cache', 'examples-dir'), 'utf8').trim()
let CONSUMER = ''

interface Report {
  tarball: { files: string[]; size: number; unpackedSize: number }
  install: { packages: number; names: string[]; bytes: number }
}
let report: Report

beforeAll(() => {
  // Cheap when nothing changed (content-keyed); the test runner's `packages` stage ran it already.
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'prepare-examples.mjs')], { stdio: 'inherit' })
  if (r.status !== 0) throw new Error('scripts/prepare-examples.mjs failed')
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-packages.mjs'), '--only', 'zklight-node'], { stdio: 'inherit' })
  if (built.status !== 0) throw new Error('building the node package failed')
  CONSUMER = join(examplesDir(), '_install')
  report = JSON.parse(readFileSync(join(examplesDir(), 'report.json'), 'utf8')) as Report
}, 900_000)

const node = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, args, { cwd, timeout: 60_000, env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  )

describe('the light-client package (zklight)', () => {
  it('packs built JavaScript and declarations only: no TypeScript source, tests or CI files', () => {
    const files = report.tarball.files
    expect(files).toContain('package.json')
    expect(files).toContain('dist/browser/index.js')
    expect(files).toContain('dist/browser/verify-worker.js')
    expect(files).toContain('dist/browser/elements.js')
    expect(files).toContain('dist/node/index.js')
    expect(files).toContain('dist/node/verify-worker.js')
    expect(files).toContain('dist/types/index.d.ts')
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([])
    expect(files.filter((f) => !/^(package\.json|README\.md|dist\/(browser|node)\/[\w-]+\.js|dist\/browser\/package\.json|dist\/types\/[\w/-]+\.d\.ts)$/.test(f))).toEqual([])
  })

  it('installs as one package with no dependencies, a few MB', () => {
    expect(report.install.names).toEqual(['zklight'])
    expect(report.install.bytes).toBeLessThan(12e6)
  })

  it('imports in plain Node (no TypeScript loader), every entry', async () => {
    const script = `
      const m = await import('zklight')
      const n = await import('zklight/node')
      const c = await import('zklight/components')
      console.log(JSON.stringify({
        main: ['createLightClient', 'createSharedLightClient', 'loadBootstrap', 'watchHealth', 'watchBalance', 'judgeFreshness', 'MemoryCheckpointStore', 'IdbCheckpointStore', 'StaleView', 'ClientHalted', 'LeaderUnavailable', 'decodeAddress', 'signTransfer'].filter((k) => typeof m[k] !== 'function'),
        node: typeof n.FileCheckpointStore, sameClient: n.createLightClient === m.createLightClient,
        components: typeof c.defineZklightElements, defined: (c.defineZklightElements(), 'ok'),
        withResolvers: typeof Promise.withResolvers,
      }))`
    const r = await node(['--input-type=module', '-e', script], CONSUMER)
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toEqual({ main: [], node: 'function', sameClient: true, components: 'function', defined: 'ok', withResolvers: 'function' })
  })

  it('bundles every third-party module: browser files import only each other, Node files also node: built-ins, and every Node chunk loads', async () => {
    const dist = join(CONSUMER, 'node_modules', 'zklight', 'dist')
    const bare = (dir: string) =>
      readdirSync(join(dist, dir))
        .filter((f) => f.endsWith('.js'))
        .flatMap((f) => [...readFileSync(join(dist, dir, f), 'utf8').matchAll(/(?<![\w$"'.])(?:from|import|require)\s*\(?\s*["']([^"'./][^"']*)["']/g)].map((m) => `${f}: ${m[1]}`))
    expect(bare('browser')).toEqual([])
    // Node's built-ins, with or without node:, and ws's optional native helpers (required inside a try).
    const builtin = (s: string) => {
      const name = s.split(': ')[1] as string
      return isBuiltin(name) || ['bufferutil', 'utf-8-validate'].includes(name)
    }
    expect(bare('node').filter((s) => !builtin(s))).toEqual([])
    const chunks = readdirSync(join(dist, 'node')).filter((f) => f.endsWith('.js') && f !== 'verify-worker.js')
    const r = await node(
      [
        '--input-type=module',
        '-e',
        `for (const f of ${JSON.stringify(chunks)}) await import('zklight/package.json', { with: { type: 'json' } }).then(() => import(new URL('./node_modules/zklight/dist/node/' + f, 'file://${CONSUMER}/').href))`,
      ],
      CONSUMER,
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  it('type-checks a consumer against its declarations, and they carry real types', () => {
    const dir = join(CONSUMER, 'ts-check')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      join(dir, 'ok.ts'),
      `import { createLightClient, loadBootstrap, watchBalance, type BalanceSnapshot, type Health, StaleView } from 'zklight'
import { defineZklightElements, ZklightBalanceElement } from 'zklight/components'
import { FileCheckpointStore } from 'zklight/node'
export async function main(): Promise<bigint | undefined> {
  const boot = await loadBootstrap('http://127.0.0.1:8080/bootstrap.json')
  const client = await createLightClient({ ...boot, store: new FileCheckpointStore({ chainId: boot.anchor.checkpoint.chainId, path: 'cp.bin' }) })
  defineZklightElements({ client })
  const h: Health = client.health()
  const s: BalanceSnapshot = watchBalance(client, 'zkl1x', { maxAgeMs: h.lagMs }).getSnapshot()
  const el: typeof ZklightBalanceElement | undefined = undefined
  void el
  try { await client.requireFresh({ maxLagMs: 1000 }) } catch (e) { if (e instanceof StaleView) return undefined }
  return s.state === 'verified' ? s.balance : (await client.getBalance('zkl1x')).balance
}
`,
    )
    writeFileSync(
      join(dir, 'bad.ts'),
      `import { createLightClient } from 'zklight'\nexport const n: number = createLightClient\nexport const h: string = (null as unknown as Awaited<ReturnType<typeof createLightClient>>).health().lagMs\n`,
    )
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
    for (const [module, moduleResolution] of [
      ['nodenext', 'nodenext'],
      ['esnext', 'bundler'],
    ]) {
      const check = (file: string) => {
        // No @types and no skipLibCheck: the declarations must stand on their own.
        const compilerOptions = { noEmit: true, strict: true, target: 'es2022', lib: ['es2023', 'dom'], types: [], skipLibCheck: false, module, moduleResolution }
        writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: [file] }))
        const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8' })
        return r.stdout + r.stderr
      }
      expect(check('ok.ts'), moduleResolution).toBe('')
      // Real types, not `any`: both wrong assignments are errors.
      expect(check('bad.ts').match(/error TS2322/g)?.length, moduleResolution).toBe(2)
    }
  })
})

describe('the node package (@zklight/node)', () => {
  it('runs the CLI as built JavaScript, with no TypeScript loader anywhere in it', async () => {
    const dist = join(ROOT, 'packages', 'zklight-node', 'dist', 'node')
    const help = await node([join(ROOT, 'packages', 'zklight-node', 'bin', 'zklight.js'), '--help'], ROOT)
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^usage: zklight <command>/)
    // A fresh name each run: the consumer folder outlives a run (it is keyed by content), and keygen never overwrites a key.
    const key = join(CONSUMER, `op-${process.pid}-${Date.now()}.key.json`)
    rmSync(key, { force: true })
    const keygen = await node([join(dist, 'cli.js'), 'keygen', '--out', key], ROOT)
    expect(keygen.code).toBe(0)
    expect(JSON.parse(readFileSync(key, 'utf8'))).toHaveProperty('address')
    rmSync(key)
    const sources = spawnSync('grep', ['-l', 'tsx', ...['cli.js', 'verify-worker.js', 'prove-worker.js'].map((f) => join(dist, f))], { encoding: 'utf8' })
    expect(sources.stdout).toBe('')
  })
})
