#!/usr/bin/env node
// Builds the packages, packs the light client once, and installs and builds every example
// against that tarball, the way an integrator would (`npm install <tarball>`, then the
// example's own build). The e2e specs drive the results.
//
// The installs live outside the repository (in the OS temp folder; .cache/examples-dir names
// the folder): below it, Node and Vite would find the repository's own node_modules and hide
// a dependency the package failed to bundle.
//
// Content-keyed: a step whose inputs (sources, tarball, example files) did not change since
// the last run is skipped, so a second run costs a hash of the sources. Installs use the npm
// cache first (--prefer-offline); only what is not cached (an example's React) is fetched.
// Writes report.json there (tarball contents, consumer install size, timings).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '')
const OUT = process.env.ZKLIGHT_EXAMPLES_DIR ?? join(tmpdir(), 'zklight-examples', createHash('sha256').update(ROOT).digest('hex').slice(0, 12))
const PACK = join(ROOT, '.cache', 'pack')
const EXAMPLES = ['node-script', 'vite-app', 'trading', 'no-bundler']
const t0 = performance.now()
const secs = () => ((performance.now() - t0) / 1000).toFixed(1)
const log = (m) => process.stderr.write(`[prepare-examples ${secs()} s] ${m}\n`)

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${relative(ROOT, cwd) || '.'}) failed:\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

/** Hash of files under `paths` (skipping node_modules, dist, caches). */
function hashTree(paths) {
  const h = createHash('sha256')
  const walk = (p) => {
    if (!existsSync(p)) return
    const st = statSync(p)
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!['node_modules', 'dist', '.cache', '.vite'].includes(e)) walk(join(p, e))
    } else h.update(relative(ROOT, p)).update(readFileSync(p))
  }
  for (const p of paths) walk(p)
  return h.digest('hex').slice(0, 32)
}

function stamp(dir) {
  try {
    return readFileSync(join(dir, '.zklight-stamp'), 'utf8')
  } catch {
    return ''
  }
}

mkdirSync(OUT, { recursive: true })
mkdirSync(PACK, { recursive: true })
writeFileSync(join(ROOT, '.cache', 'examples-dir'), `${OUT}\n`)
const report = { steps: {} }

// 1. Build and pack (once per content of the sources).
const srcKey = hashTree(['src', 'scripts/build-packages.mjs', 'packages/zklight/package.json', 'packages/zklight/README.md', 'package-lock.json', 'tsconfig.json'].map((p) => join(ROOT, p)))
const tarball = join(PACK, 'zklight.tgz')
if (stamp(PACK) !== srcKey || !existsSync(tarball)) {
  const t = performance.now()
  run(process.execPath, [join(ROOT, 'scripts', 'build-packages.mjs'), '--only', 'zklight'], ROOT)
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', PACK, join(ROOT, 'packages', 'zklight')], ROOT))[0]
  rmSync(tarball, { force: true })
  cpSync(join(PACK, packed.filename), tarball)
  writeFileSync(join(PACK, 'contents.json'), JSON.stringify({ files: packed.files.map((f) => f.path), size: packed.size, unpackedSize: packed.unpackedSize }, null, 1))
  writeFileSync(join(PACK, '.zklight-stamp'), srcKey)
  report.steps.buildAndPack = Math.round(performance.now() - t)
  log(`built and packed ${packed.filename}: ${(packed.size / 1e6).toFixed(2)} MB packed, ${(packed.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${packed.files.length} files`)
} else log('packages: unchanged, tarball reused')
const tarKey = createHash('sha256').update(readFileSync(tarball)).digest('hex').slice(0, 32)

// 2. What a consumer's `npm install <tarball>` pulls, in an otherwise empty project.
const bare = join(OUT, '_install')
if (stamp(bare) !== tarKey) {
  const t = performance.now()
  rmSync(bare, { recursive: true, force: true })
  mkdirSync(bare, { recursive: true })
  writeFileSync(join(bare, 'package.json'), '{ "name": "bare-consumer", "version": "0.0.0", "private": true, "type": "module" }\n')
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], bare)
  const dirs = readdirSync(join(bare, 'node_modules')).filter((d) => !d.startsWith('.'))
  const packages = dirs.flatMap((d) => (d.startsWith('@') ? readdirSync(join(bare, 'node_modules', d)).map((s) => `${d}/${s}`) : [d]))
  const bytes = Number(run('du', ['-sb', join(bare, 'node_modules')], bare).split('\t')[0])
  writeFileSync(join(bare, 'install.json'), JSON.stringify({ packages: packages.length, names: packages, bytes, ms: Math.round(performance.now() - t) }, null, 1))
  writeFileSync(join(bare, '.zklight-stamp'), tarKey)
  log(`consumer install: ${packages.length} package(s), ${(bytes / 1e6).toFixed(2)} MB`)
}
report.install = JSON.parse(readFileSync(join(bare, 'install.json'), 'utf8'))
report.tarball = JSON.parse(readFileSync(join(PACK, 'contents.json'), 'utf8'))

// 3. Each example: a fresh copy, the tarball installed into it, its build.
for (const name of EXAMPLES) {
  const src = join(ROOT, 'examples', name)
  const dir = join(OUT, name)
  const key = `${tarKey}:${hashTree([src])}`
  if (stamp(dir) === key) {
    log(`${name}: unchanged`)
    continue
  }
  const t = performance.now()
  rmSync(dir, { recursive: true, force: true })
  cpSync(src, dir, { recursive: true, filter: (p) => !/[\\/](node_modules|dist)$/.test(p) })
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), `{ "name": "zklight-example-${name}", "version": "0.0.0", "private": true, "type": "module" }\n`)
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], dir)
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  if (pkg.scripts?.build) run('npm', ['run', 'build'], dir)
  writeFileSync(join(dir, '.zklight-stamp'), key)
  report.steps[name] = Math.round(performance.now() - t)
  log(`${name}: installed${pkg.scripts?.build ? ' and built' : ''} in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}

for (const name of ['vite-app', 'trading']) {
  const assets = join(OUT, name, 'dist', 'assets')
  if (existsSync(assets)) report[`${name}Assets`] = Object.fromEntries(readdirSync(assets).map((f) => [f, statSync(join(assets, f)).size]))
}
writeFileSync(join(OUT, 'report.json'), JSON.stringify(report, null, 1))
log('done')
