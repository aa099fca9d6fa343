// npm run bench [-- --blocks N --sync-blocks N --sync-runs N --cached-only --sync-only --sync-busy --sync-profile --sync-paths a,b --skip-browser --devnet --backend mcl|reference|both --verify-only --json]
// Measures proving, single and batched Groth16 verification on each verifier backend
// (Node and Chromium, one thread and the client's worker pool, snarkjs as a baseline),
// the web app's cold sync in Chromium along the client's old and new paths (runs
// alternating, with the wire bytes of each), light verification vs full replay of the
// same proven chain, and the web bundle; prints a markdown report (docs/performance.md
// quotes it). `--verify-only --json` runs only the verification part and prints one JSON
// object on stdout (progress goes to stderr). `--cached-only` never proves bench blocks
// (it uses as many as are cached, and says so): use it while make-chain.ts is extending
// the cache. `--sync-only` runs the Chromium sync section alone; `--sync-busy` traces each
// cold run and logs how busy each page thread and the host were (scripts/bench/thread-busy.ts);
// `--sync-profile` builds the page unminified and logs where its page thread spent its time;
// `--sync-paths now,before` runs only those client paths.
import './../src/polyfill.ts'
import { parseArgs } from 'node:util'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { bytesToHex } from '../src/core/bytes.ts'
import { ensureCircuitArtifacts, ROOT } from '../src/zk/artifacts.ts'
import { getProfile } from '../src/zk/profiles.ts'
import { Prover } from '../src/zk/prover.ts'
import { buildWitnessInput } from '../src/zk/witness.ts'
import { applyBlockTransfers, createLedger } from '../src/core/ledger.ts'
import { terminateCurve } from '../src/zk/curve.ts'
import { isVerifierBackend, VERIFIER_BACKENDS, type VerifierBackend } from '../src/zk/verifier-backend.ts'
import { ensureBenchChain, loadBenchChain, setupGenesis } from './bench/chain.ts'
import { benchBrowserSync, catchUpBytes, SYNC_PATHS } from './bench/sync-bench.ts'
import { signTransfer } from '../src/core/transfer.ts'
import { benchNodePool, benchReplay, benchSnarkjs, benchVerify, chainItems, median, replayRatioByBatch, type BatchFigure, type PoolFigures, type VerifyFigures } from './bench/node-bench.ts'
import { buildPage, chromiumPath, runPage, serve } from './bench/browser.ts'

const { values } = parseArgs({
  options: {
    blocks: { type: 'string' },
    'skip-browser': { type: 'boolean', default: false },
    devnet: { type: 'boolean', default: false },
    proves: { type: 'string', default: '3' },
    'sync-blocks': { type: 'string', default: '1000' },
    'sync-runs': { type: 'string', default: '5' },
    'cached-only': { type: 'boolean', default: false },
    'sync-only': { type: 'boolean', default: false },
    'sync-busy': { type: 'boolean', default: false },
    'sync-profile': { type: 'boolean', default: false },
    'sync-paths': { type: 'string' },
    backend: { type: 'string', default: 'both' },
    'verify-only': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
})
const verifyOnly = values['verify-only']
if (values.json && !verifyOnly) {
  console.error('--json needs --verify-only (the full report is markdown)')
  process.exit(2)
}
const backendArg = values.backend as string
if (backendArg !== 'both' && !isVerifierBackend(backendArg)) {
  console.error(`--backend must be mcl, reference or both (got "${backendArg}")`)
  process.exit(2)
}
const backends: VerifierBackend[] = backendArg === 'both' ? [...VERIFIER_BACKENDS] : [backendArg as VerifierBackend]
// With --json, stdout carries the JSON object alone: anything a library prints goes to stderr.
if (values.json) console.log = console.error.bind(console)
const syncOnly = values['sync-only']
if (syncOnly && (verifyOnly || values['skip-browser'])) {
  console.error('--sync-only runs the Chromium sync alone: not with --verify-only or --skip-browser')
  process.exit(2)
}
const blockCount = Number(values.blocks ?? (verifyOnly ? 32 : 128))
const log = (m: string) => console.error(`[bench] ${m}`)
const loadAtStart = loadavg()
const profile = getProfile('test')
const art = await ensureCircuitArtifacts(profile, { log })
// --cached-only: what is cached, never proving more (another process may be appending to the cache).
const chain = values['cached-only'] ? await loadBenchChain(profile, blockCount) : await ensureBenchChain(profile, blockCount, log)
if (chain.blocks.length < blockCount) log(`only ${chain.blocks.length} of ${blockCount} blocks are cached (--cached-only): the figures below use ${chain.blocks.length}`)
if (chain.blocks.length === 0) throw new Error('no cached bench blocks: run `npx tsx scripts/bench/make-chain.ts --blocks N` first')
const lines: string[] = []
const out = (s = '') => lines.push(s)
const ms = (x: number) => x.toFixed(x < 10 ? 2 : 0)
const LABEL: Record<VerifierBackend, string> = { mcl: 'mcl-wasm', reference: 'reference (ffjavascript)' }

const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim()
out(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Command: \`${command}\`. Load average at start: ${loadAtStart.map((x) => x.toFixed(2)).join(', ')}.`,
)
out()

/** The web app's cold sync along each path (src/web/page-options.ts), runs alternating, and warm resume. */
async function syncSection(): Promise<void> {
  const want = Number(values['sync-blocks'])
  const syncChain = await loadBenchChain(profile, want)
  if (syncChain.blocks.length < want)
    log(
      `only ${syncChain.blocks.length} of ${want} blocks are cached: the sync figures use ${syncChain.blocks.length} (run \`npx tsx scripts/bench/make-chain.ts --blocks ${want}\` for the full figure)`,
    )
  const appDir = join(ROOT, '.cache', 'bench-app')
  // Profiles name functions: the page is built unminified for them (its timings are then not the report's).
  await buildPage('index', appDir, { minify: !values['sync-profile'] })
  const syncPaths = values['sync-paths']?.split(',').map((name) => {
    const p = SYNC_PATHS.find((x) => x.name === name)
    if (!p) throw new Error(`--sync-paths: no path "${name}" (${SYNC_PATHS.map((x) => x.name).join(', ')})`)
    return p
  })
  const loadBefore = loadavg()
  const f = await benchBrowserSync(syncChain, art.vk, appDir, {
    coldRuns: Number(values['sync-runs']),
    warmRuns: 5,
    log,
    busy: values['sync-busy'],
    profile: values['sync-profile'],
    ...(syncPaths ? { paths: syncPaths } : {}),
  })
  const loadAfter = loadavg()
  const at = (name: string) => f.paths.find((p) => p.path.name === name)
  const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ')
  out(`## Web app in Chromium over WebRTC-Direct (loopback): cold sync along each client path, and warm resume`)
  out()
  out(
    `Chain: ${f.blocks} proven blocks (${f.proofs} proofs, ${f.blocks * profile.batch} transfers)${f.blocks < want ? ` — only ${f.blocks} of the ${want} asked for were cached` : ''}, served by a Node host (src/node/wire-service.ts); the app starts from the genesis checkpoint in a fresh profile each run. ${f.paths[0]?.coldFromNavigationMs.length ?? 0} rounds; each round runs every path once, in the order below. Load average (1, 5, 15 min) before: ${loadBefore.map((x) => x.toFixed(2)).join(', ')}; after: ${loadAfter.map((x) => x.toFixed(2)).join(', ')}.`,
  )
  out()
  out('| path | cold sync from navigation | from client start | navigation → first dial | navigation → client started | catch-up bytes per block |')
  out('|---|---|---|---|---|---|')
  for (const p of f.paths)
    out(
      `| ${p.path.label} (\`index.html${p.path.query}\`) | ${ms(median(p.coldFromNavigationMs))} ms | ${ms(median(p.coldFromClientStartMs))} ms | ${ms(median(p.firstDialMs))} ms | ${ms(median(p.clientStartedMs))} ms | ${p.bytes.perBlock.toFixed(0)} B (${(p.bytes.total / 1024).toFixed(0)} KiB in all) |`,
    )
  out()
  const before = at('before')
  const now = at('now')
  const mclOnly = at('mcl')
  const r = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2)
  if (before && now && mclOnly) {
    out(
      `Now ÷ before (goal ≤ 0.55): from navigation ${r(now.coldFromNavigationMs, before.coldFromNavigationMs)}, from client start ${r(now.coldFromClientStartMs, before.coldFromClientStartMs)}. Now ÷ the mcl verifier alone (what header-proofs, pipelined rounds, the coalescing pool and early workers add): from navigation ${r(now.coldFromNavigationMs, mclOnly.coldFromNavigationMs)}, from client start ${r(now.coldFromClientStartMs, mclOnly.coldFromClientStartMs)}. Catch-up bytes, now ÷ before: ${(now.bytes.total / before.bytes.total).toFixed(2)}.`,
    )
    out()
  }
  out('Runs (ms, in order):')
  out()
  for (const p of f.paths) out(`- ${p.path.name}: from navigation ${runs(p.coldFromNavigationMs)}; from client start ${runs(p.coldFromClientStartMs)}; first dial ${runs(p.firstDialMs)}`)
  out()
  out('| warm resume (path "now"): reload → verified balance, checkpoint at the head | median | runs |')
  out('|---|---|---|')
  out(`| | ${ms(median(f.warmBalanceMs))} ms | ${runs(f.warmBalanceMs)} |`)
  out()
  out(
    `Warm resume timeline of the last run (ms after navigation start): ${Object.entries(f.warmDetail)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  )
  out()
}

if (syncOnly) {
  await syncSection()
  console.log(lines.join('\n'))
  process.exit(0)
}

// --- proving ---
async function proveTimes(name: 'test' | 'devnet', n: number): Promise<number[]> {
  const p = getProfile(name)
  const a = await ensureCircuitArtifacts(p, { log })
  const g = await setupGenesis(p)
  const state = createLedger(g.chainTag, p.depth, g.genesis)
  const prover = new Prover(a)
  const times: number[] = []
  try {
    for (let i = 0; i < n; i++) {
      const old = state.tree.root
      // A full batch: B transfers from distinct senders (nonce i each).
      const transfers = Array.from({ length: p.batch }, (_, k) => {
        const to = g.genesis[(k + 1) % g.genesis.length]!
        return signTransfer(g.keys[k]!, g.chainTag, { from: k, to: to.index, toPubKey: to.account.pubKey, amount: 1n, nonce: i })
      })
      const steps = applyBlockTransfers(state, transfers)
      const t = performance.now()
      await prover.prove(buildWitnessInput(steps, p, old, g.chainTag))
      times.push(performance.now() - t)
    }
  } finally {
    await prover.close()
  }
  return times
}
if (!verifyOnly && !syncOnly) {
  out('## Proving (worker thread, snarkjs single-threaded inside it)')
  out()
  out('| profile | constraints | B | proofs | median per block | per transfer |')
  out('|---|---|---|---|---|---|')
  const t = await proveTimes('test', Number(values.proves))
  out(`| test (B=${profile.batch}, D=${profile.depth}) | ~28k | ${profile.batch} | ${t.length} | ${ms(median(t))} ms | ${ms(median(t) / profile.batch)} ms |`)
  if (values.devnet) {
    const d = getProfile('devnet')
    const td = await proveTimes('devnet', Number(values.proves))
    out(`| devnet (B=${d.batch}, D=${d.depth}) | ~87k | ${d.batch} | ${td.length} | ${ms(median(td))} ms | ${ms(median(td) / d.batch)} ms |`)
  }
  out()
}

// --- verification ---
const ks = [1, 8, 32, 128]
const items = chainItems(chain)
log(`verification: ${items.length} proofs, backends ${backends.join(', ')}`)
const snarkjsFigures = await benchSnarkjs(art.vk, items)
const nodeFigures = await benchVerify(art.vk, items, backends, ks)
const nodePool = await benchNodePool(art.vk, items, backends, ks)
await terminateCurve()
interface ChromiumBackendFigures extends VerifyFigures {
  pool: PoolFigures
}
let chromium: { version: string; backends: Partial<Record<VerifierBackend, ChromiumBackendFigures>> } | undefined
const browserPath = chromiumPath()
if (values['skip-browser']) log('Chromium rows skipped (--skip-browser)')
else if (!existsSync(browserPath)) log(`Chromium rows skipped: no browser at ${browserPath} (set CHROMIUM_PATH)`)
else {
  log('verification in Chromium')
  const dir = join(ROOT, '.cache', 'bench-web')
  await buildPage('bench', dir)
  const data = { vk: art.vk, items: items.map((i) => ({ proof: bytesToHex(i.proof), signals: i.signals.map(String) })), ks, rounds: 9, backends, workers: 2 }
  const { server, url } = await serve(dir, { '/bench-data.json': () => JSON.stringify(data) })
  try {
    const page = await runPage(`${url}/bench.html`)
    const r = page.result as { error?: string; backends: Partial<Record<VerifierBackend, ChromiumBackendFigures>> }
    if (r.error) throw new Error(r.error)
    chromium = { version: page.browserVersion, backends: r.backends }
  } finally {
    server.close()
  }
}
const loadAfterVerify = loadavg()

const perK = (batch: BatchFigure[]) => batch.map((b) => `${ms(b.perProofMs)} ms`).join(' | ')
const at = (batch: BatchFigure[] | undefined, k: number) => batch?.find((b) => b.k === k)?.perProofMs
const ratio = (ref: number | undefined, fast: number | undefined) => (ref !== undefined && fast !== undefined ? ref / fast : undefined)
out('## Groth16 verification (medians; batch = random linear combination, one multi-pairing)')
out()
out(
  `${items.length} test-profile proofs. Rounds alternate between the backends, so both see the same machine load. First call: library import, wasm set-up, key preparation and one verification, from cold; for a pool, start-up is spawning its workers until a first batch of 2 is verified.`,
)
out()
out(`| where | verifier | first call | single (steady) | ${ks.map((k) => `batch k=${k}, per proof`).join(' | ')} |`)
out(`|---|---|---|---|${ks.map(() => '---').join('|')}|`)
const dash = ks.map(() => '—').join(' | ')
out(`| Node (this thread) | snarkjs.groth16.verify (baseline) | ${ms(snarkjsFigures.firstCallMs)} ms | ${ms(snarkjsFigures.singleMedianMs)} ms | ${dash} |`)
for (const b of backends) {
  const f = nodeFigures.get(b) as VerifyFigures
  out(`| Node (this thread) | ${LABEL[b]} | ${ms(f.firstCallMs)} ms | ${ms(f.singleMedianMs)} ms | ${perK(f.batch)} |`)
}
for (const b of backends) {
  const f = nodePool.get(b) as PoolFigures
  out(`| Node, pool of ${f.workers} worker threads | ${LABEL[b]} | start-up ${ms(f.startupMs)} ms | — | ${perK(f.batch)} |`)
}
if (chromium) {
  for (const b of backends) {
    const f = chromium.backends[b]
    if (f) out(`| Chromium ${chromium.version} (page thread) | ${LABEL[b]} | ${ms(f.firstCallMs)} ms | ${ms(f.singleMedianMs)} ms | ${perK(f.batch)} |`)
  }
  for (const b of backends) {
    const f = chromium.backends[b]?.pool
    if (f) out(`| Chromium ${chromium.version}, the client's pool of ${f.workers} Web Workers | ${LABEL[b]} | start-up ${ms(f.startupMs)} ms | — | ${perK(f.batch)} |`)
  }
}
out()
const ratios = {
  nodeBatch32: ratio(at(nodeFigures.get('reference')?.batch, 32), at(nodeFigures.get('mcl')?.batch, 32)),
  nodePool32: ratio(at(nodePool.get('reference')?.batch, 32), at(nodePool.get('mcl')?.batch, 32)),
  nodeSingle: ratio(nodeFigures.get('reference')?.singleMedianMs, nodeFigures.get('mcl')?.singleMedianMs),
  snarkjsToMclSingle: ratio(snarkjsFigures.singleMedianMs, nodeFigures.get('mcl')?.singleMedianMs),
  chromiumBatch32: ratio(at(chromium?.backends.reference?.batch, 32), at(chromium?.backends.mcl?.batch, 32)),
  chromiumPool32: ratio(at(chromium?.backends.reference?.pool.batch, 32), at(chromium?.backends.mcl?.pool.batch, 32)),
}
const shown = (r: number | undefined) => (r === undefined ? 'not measured' : `${r.toFixed(2)}×`)
if (backends.length === 2) {
  out(
    `Reference ÷ mcl, per proof at k = 32 (goal ≥ 2.5×): Node one thread ${shown(ratios.nodeBatch32)}, Node 2-worker pool ${shown(ratios.nodePool32)}, Chromium page thread ${shown(ratios.chromiumBatch32)}, Chromium 2-worker pool ${shown(ratios.chromiumPool32)}. Single proof: reference ÷ mcl ${shown(ratios.nodeSingle)}, snarkjs ÷ mcl ${shown(ratios.snarkjsToMclSingle)} (Node).`,
  )
  out()
}
out(`Load average (1, 5, 15 min) after this section: ${loadAfterVerify.map((x) => x.toFixed(2)).join(', ')} on ${cpus().length} cores.`)
out()

if (values.json) {
  const round = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 1000) / 1000)
  const byK = (batch: BatchFigure[] | undefined) => (batch ? Object.fromEntries(batch.map((b) => [String(b.k), round(b.perProofMs)])) : undefined)
  const nodeOf = (b: VerifierBackend, prefix: string) => {
    const f = nodeFigures.get(b)
    const p = nodePool.get(b)
    if (!f || !p) return {}
    const key = (name: string) => (prefix ? prefix + name[0]!.toUpperCase() + name.slice(1) : name)
    return {
      [key('singleMs')]: round(f.singleMedianMs),
      [key('firstCallMs')]: round(f.firstCallMs),
      [key('batchPerProofMs')]: byK(f.batch),
      [key('poolBatchPerProofMs')]: byK(p.batch),
      [key('poolStartupMs')]: round(p.startupMs),
    }
  }
  const result = {
    command,
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    loadAverage: { start: loadAtStart, end: loadAfterVerify },
    proofs: items.length,
    poolWorkers: 2,
    snarkjsSingleMs: round(snarkjsFigures.singleMedianMs),
    snarkjsFirstCallMs: round(snarkjsFigures.firstCallMs),
    ...nodeOf('mcl', ''),
    ...nodeOf('reference', 'reference'),
    ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, round(v)])),
    ...(chromium
      ? {
          chromium: {
            version: chromium.version,
            ...Object.fromEntries(
              Object.entries(chromium.backends).map(([b, f]) => [
                b,
                { firstCallMs: round(f.firstCallMs), singleMs: round(f.singleMedianMs), batchPerProofMs: byK(f.batch), poolStartupMs: round(f.pool.startupMs), poolBatchPerProofMs: byK(f.pool.batch) },
              ]),
            ),
          },
        }
      : {}),
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exit(0)
}
if (verifyOnly) {
  process.stdout.write(`${lines.join('\n')}\n`)
  process.exit(0)
}

// --- cold sync and warm resume of the web app in Chromium ---
if (!values['skip-browser']) await syncSection()

// --- light verification vs replay ---
const rep = await benchReplay(art.vk, chain, backends)
out(`## Light verification vs full replay (${rep.blocks} blocks, ${rep.transfers} transfers, Node, one thread each)`)
out()
const lean = catchUpBytes(chain, true, 64, 0)
const full = catchUpBytes(chain, false, 64, 0)
out('| | time | bytes on the wire (answers of 64 blocks) |')
out('|---|---|---|')
for (const b of backends)
  out(
    `| light client (${LABEL[b]}): links + 1 certificate + batched proofs | ${ms(rep.lightMs.get(b) as number)} ms | ${lean} as header-proofs (${(lean / rep.blocks).toFixed(0)} B a block); ${full} as proofs-by-range (${(full / rep.blocks).toFixed(0)} B a block) |`,
  )
out(`| full node: verify and apply every transfer (EdDSA-Poseidon in plain BigInt, src/core/eddsa.ts) | ${ms(rep.replayMs)} ms | ${rep.replayBytes} (blocks and the last certificate) |`)
for (const b of backends) out(`| ratio, ${LABEL[b]} | replay is ${(rep.replayMs / (rep.lightMs.get(b) as number)).toFixed(1)}× slower | |`)
out()
out(
  `Replay per transfer: ${ms(rep.perTransferMs)} ms (verify: signature, nonce, balance; apply: two Merkle leaf updates), of which the EdDSA-Poseidon signature check (src/core verifyTransferSignature, plain BigInt) ${ms(rep.signatureMs)} ms; per block apart from transfers ${ms(rep.perBlockOverheadMs)} ms. The same signature check with circomlibjs's verifyPoseidon (the baseline of earlier reports) costs ${ms(rep.circomlibjsSignatureMs)} ms here (median of 20), ${(rep.circomlibjsSignatureMs / rep.signatureMs).toFixed(0)}× more: replay is not measured with it.`,
)
out()
out('By transfers per block B, calculated from the per-transfer replay cost and the measured light cost per block (a proof costs the same to verify whatever B is):')
out()
out(`| B | replay per block | ${backends.map((b) => `light per block (${LABEL[b]}) | replay ÷ light`).join(' | ')} |`)
out(`|---|---|${backends.map(() => '---|---').join('|')}|`)
const perB = backends.map((b) => replayRatioByBatch(rep, rep.lightMs.get(b) as number, [2, 4, 16]))
;[2, 4, 16].forEach((B, i) => {
  const first = perB[0]?.[i]
  if (!first) return
  out(
    `| ${B}${B === profile.batch ? ' (this chain)' : ''} | ${ms(first.replayPerBlockMs)} ms | ${perB.map((rows) => `${ms(rows[i]!.lightPerBlockMs)} ms | ${rows[i]!.ratio.toFixed(1)}×`).join(' | ')} |`,
  )
})
out()

// --- bundle ---
try {
  // The app as this run built it for the sync bench; dist/ (an earlier `npx vite build`) otherwise.
  const built = join(ROOT, '.cache', 'bench-app', 'assets')
  const fresh = !values['skip-browser'] && existsSync(built)
  const assets = fresh ? built : join(ROOT, 'dist', 'assets')
  const files = readdirSync(assets).map((f) => ({ f, size: statSync(join(assets, f)).size }))
  out(fresh ? '## Web bundle (the app page as this run built it: `vite build`, index.html)' : '## Web bundle (dist/, `npx vite build`)')
  out()
  for (const { f, size } of files) out(`- ${f}: ${(size / 1024).toFixed(0)} KiB`)
  out()
} catch {
  out('(no dist/ build to measure)')
}

await terminateCurve()
console.log(lines.join('\n'))
process.exit(0)
