#!/usr/bin/env node
// Builds the npm packages from src/ (run by `npm run build`):
// - packages/zklight: the light client and the web components. ESM for browsers and for Node,
//   with every third-party module bundled in (the package has no dependencies, so a front-end's
//   install pulls no compiler, prover, LevelDB or react-native), the verification worker as its
//   own file, and .d.ts files for the public entries.
// - packages/zklight-node: the `zklight` CLI (nodes, devnet, ceremony) as built JavaScript; its
//   third-party modules stay dependencies (snarkjs, circom2, classic-level, libp2p).
// Usage: node scripts/build-packages.mjs [--only zklight|zklight-node]
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import * as esbuild from 'esbuild'

const ROOT = resolve(new URL('..', import.meta.url).pathname)
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
const t0 = performance.now()
const log = (m) => process.stderr.write(`[build-packages ${((performance.now() - t0) / 1000).toFixed(1)} s] ${m}\n`)

/** Node 20 has no Promise.withResolvers (libp2p calls it) and CommonJS modules inside an ESM bundle call require(). */
const NODE_BANNER = "import { createRequire as __zklightCreateRequire } from 'node:module';\nconst require = __zklightCreateRequire(import.meta.url);"

/** The reference (ffjavascript) verifier is for differential tests and benches: the package carries only mcl-wasm. */
const noReferenceBackend = {
  name: 'no-reference-backend',
  setup(b) {
    b.onResolve({ filter: /^\.\/(reference-verifier|curve)\.ts$/ }, (args) => (args.importer.includes(`${join('src', 'zk')}`) ? { path: args.path, namespace: 'zklight-stub' } : undefined))
    b.onLoad({ filter: /.*/, namespace: 'zklight-stub' }, () => ({
      loader: 'js',
      contents: `
        class BackendUnavailable extends Error { name = 'BackendUnavailable' }
        const missing = () => { throw new BackendUnavailable('the zklight package carries only the mcl verifier backend (the reference backend is in the source repository)') }
        export const loadReferenceVerifier = missing
        export const getCurve = async () => missing()
        export const terminateCurve = async () => {}
      `,
    }))
  },
}

/**
 * The browser verifier spawns `new Worker(new URL('./browser-verify-worker.ts', import.meta.url))`:
 * in the package that worker is built on its own as verify-worker.js beside the chunks, and the URL
 * keeps the `new Worker(new URL(literal, import.meta.url))` shape bundlers (Vite) recognise.
 */
const workerUrl = {
  name: 'worker-url',
  setup(b) {
    b.onLoad({ filter: /src[\\/]client[\\/]browser-verifier\.ts$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8')
      const from = "new URL('./browser-verify-worker.ts', import.meta.url)"
      if (!src.includes(from)) throw new Error(`${args.path} no longer contains ${from}: update scripts/build-packages.mjs`)
      return { loader: 'ts', contents: src.replace(from, "new URL('./verify-worker.js', import.meta.url)") }
    })
  },
}

function sizes(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ f, kb: statSync(join(dir, f)).size / 1024 }))
    .sort((a, b) => b.kb - a.kb)
}

async function buildLightClient() {
  const pkg = join(ROOT, 'packages', 'zklight')
  const dist = join(pkg, 'dist')
  rmSync(dist, { recursive: true, force: true })
  const common = { bundle: true, format: 'esm', target: 'es2022', logLevel: 'warning', legalComments: 'none', minify: true, plugins: [noReferenceBackend, workerUrl] }
  // Browsers: split, so a page loads libp2p and the verifier only when a client starts.
  await esbuild.build({
    ...common,
    platform: 'browser',
    splitting: true,
    entryPoints: { index: 'src/index.ts', components: 'src/web/components/index.ts', elements: 'src/web/components/elements.ts' },
    outdir: join(dist, 'browser'),
    chunkNames: 'chunk-[hash]',
  })
  // The worker: one self-contained file (a bundler copies or re-bundles it; a plain page loads it as is).
  await esbuild.build({ ...common, platform: 'browser', entryPoints: { 'verify-worker': 'src/client/browser-verify-worker.ts' }, outdir: join(dist, 'browser') })
  log(
    `zklight browser: ${sizes(join(dist, 'browser'))
      .map((s) => `${s.f} ${s.kb.toFixed(0)} KiB`)
      .join(', ')}`,
  )
  // Node: TCP/WebSockets host, worker-thread verifier (verify-worker.js beside the chunks, see src/zk/worker-url.ts).
  await esbuild.build({
    ...common,
    // Names kept for readable stack traces; whitespace and comments go (half the size).
    minify: false,
    minifyWhitespace: true,
    minifySyntax: true,
    platform: 'node',
    target: 'node20',
    splitting: true,
    entryPoints: { index: 'src/index.ts', node: 'src/node-entry.ts', 'verify-worker': 'src/zk/verify-worker.ts' },
    outdir: join(dist, 'node'),
    chunkNames: 'chunk-[hash]',
    banner: { js: NODE_BANNER },
    // ws's optional native helpers: absent, and ws falls back when require() fails.
    external: ['bufferutil', 'utf-8-validate'],
  })
  log(
    `zklight node: ${sizes(join(dist, 'node')).length} files, ${sizes(join(dist, 'node'))
      .reduce((a, s) => a + s.kb, 0)
      .toFixed(0)} KiB`,
  )
  buildDeclarations(
    {
      index: 'src/index.ts',
      node: 'src/node-entry.ts',
      components: 'src/web/components/index.ts',
      elements: 'src/web/components/elements.ts',
    },
    join(dist, 'types'),
  )
  writeFileSync(join(dist, 'browser', 'package.json'), '{ "type": "module", "sideEffects": ["./elements.js"] }\n')
}

/**
 * .d.ts for the entries: tsc emits declarations, then only the files reachable from the
 * entries are kept, with relative `.ts` specifiers made `.js` (what a consumer's TypeScript
 * resolves to the .d.ts). Types from bundled libraries would need packages the consumer
 * does not have: the few internal helpers whose signatures mention them see `unknown`, and
 * any other such import fails the build (a libp2p type leaking into the public API).
 */
function buildDeclarations(entries, out) {
  const tmp = join(ROOT, '.cache', 'build-packages', 'dts')
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  const tsconfig = join(tmp, '..', 'tsconfig.dts.json')
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: tmp, rootDir: join(ROOT, 'src') },
      include: [],
      // The ambient module declarations (src/types, src/net/ws-module.d.ts) are part of the program.
      files: [...Object.values(entries).map((e) => join(ROOT, e)), join(ROOT, 'src', 'types', 'modules.d.ts'), join(ROOT, 'src', 'net', 'ws-module.d.ts')],
    }),
  )
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { stdio: 'inherit' })
  if (tsc.status !== 0) throw new Error('tsc could not emit declarations')
  const OPAQUE = new Set(['@libp2p/interface', '@multiformats/multiaddr', 'idb'])
  const seen = new Set()
  const stack = Object.values(entries).map((e) => relative('src', e).replace(/\.ts$/, '.d.ts'))
  while (stack.length > 0) {
    const file = stack.pop()
    if (seen.has(file)) continue
    seen.add(file)
    let text = readFileSync(join(tmp, file), 'utf8')
    text = text.replace(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^'.][^']*)';$/gm, (line, _t, names, spec) => {
      if (!OPAQUE.has(spec)) throw new Error(`${file}: a public type comes from '${spec}', which the package does not ship`)
      const locals = names
        .split(',')
        .map((n) => n.trim().replace(/^type\s+/, ''))
        .filter(Boolean)
        .map((n) => n.split(/\s+as\s+/).pop())
      return `/** Internal: a ${spec} type, opaque in the package. */\n${locals.map((n) => `type ${n} = unknown;`).join('\n')}`
    })
    const stray = /(?:from\s+|import\s*\(?\s*)'([^'.][^']*)'/.exec(text)
    if (stray) throw new Error(`${file}: imports '${stray[1]}', which the package does not ship`)
    text = text.replace(/((?:from\s+|import\s*\(?\s*)['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, (_m, a, p, b) => {
      stack.push(join(dirname(file), `${p}.d.ts`))
      return `${a}${p}.js${b}`
    })
    mkdirSync(dirname(join(out, file)), { recursive: true })
    writeFileSync(join(out, file), text)
  }
  log(`zklight types: ${seen.size} declaration files`)
}

/**
 * The CLI, bundled from src/ with its libraries left as imports (they are the package's
 * dependencies), the worker threads beside it, and the circuit sources it compiles. The
 * layout mirrors the repository (dist/node/ under the package root, circuits/ beside it),
 * since the circuit build finds its files from the package root (src/zk/artifacts.ts).
 */
async function buildNodePackage() {
  const pkg = join(ROOT, 'packages', 'zklight-node')
  const out = join(pkg, 'dist', 'node')
  rmSync(join(pkg, 'dist'), { recursive: true, force: true })
  rmSync(join(pkg, 'circuits'), { recursive: true, force: true })
  await esbuild.build({
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    splitting: true,
    packages: 'external',
    entryPoints: { cli: 'src/node/cli.ts', 'verify-worker': 'src/zk/verify-worker.ts', 'prove-worker': 'src/zk/prove-worker.ts' },
    outdir: out,
    chunkNames: 'chunk-[hash]',
    banner: { js: NODE_BANNER },
  })
  cpSync(join(ROOT, 'circuits'), join(pkg, 'circuits'), { recursive: true, filter: (p) => !/\.test\.ts$|[\\/]test[\\/]?/.test(relative(join(ROOT, 'circuits'), p)) })
  // The web app the devnet serves (`vite build` writes it to dist/ first; `npm run build` does both).
  if (existsSync(join(ROOT, 'dist', 'index.html'))) cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true })
  else log('zklight-node: no web app in dist/ (run `vite build` first): the devnet will serve a placeholder page')
  log(
    `zklight-node: ${sizes(out).length} files, ${sizes(out)
      .reduce((a, s) => a + s.kb, 0)
      .toFixed(0)} KiB`,
  )
}

process.chdir(ROOT)
if (!only || only === 'zklight') await buildLightClient()
if (!only || only === 'zklight-node') await buildNodePackage()
log('done')
if (!existsSync(join(ROOT, 'packages', 'zklight', 'dist', 'browser', 'verify-worker.js'))) process.exit(1)
