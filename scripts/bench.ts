// npm run bench [-- --blocks N --skip-browser --devnet]
// Measures proving, single and batched Groth16 verification (Node and Chromium),
// light verification vs full replay of the same proven chain, and the web bundle;
// prints a markdown report (docs/performance.md quotes it).
import './../src/polyfill.ts'
import { parseArgs } from 'node:util'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { readdirSync, statSync } from 'node:fs'
import { bytesToHex } from '../src/core/bytes.ts'
import { ensureCircuitArtifacts, ROOT } from '../src/zk/artifacts.ts'
import { getProfile } from '../src/zk/profiles.ts'
import { Prover } from '../src/zk/prover.ts'
import { buildWitnessInput } from '../src/zk/witness.ts'
import { applyBlockTransfers, createLedger } from '../src/core/ledger.ts'
import { terminateCurve } from '../src/zk/curve.ts'
import { ensureBenchChain, loadBenchChain, setupGenesis } from './bench/chain.ts'
import { benchBrowserSync } from './bench/sync-bench.ts'
import { signTransfer } from '../src/core/transfer.ts'
import { benchReplay, benchVerify, median, type VerifyFigures } from './bench/node-bench.ts'
import { buildPage, runPage, serve } from './bench/browser.ts'

const { values } = parseArgs({
  options: {
    blocks: { type: 'string', default: '128' },
    'skip-browser': { type: 'boolean', default: false },
    devnet: { type: 'boolean', default: false },
    proves: { type: 'string', default: '3' },
    'sync-blocks': { type: 'string', default: '1000' },
  },
})
const log = (m: string) => console.error(`[bench] ${m}`)
const profile = getProfile('test')
const art = await ensureCircuitArtifacts(profile, { log })
const chain = await ensureBenchChain(profile, Number(values.blocks), log)
const lines: string[] = []
const out = (s = '') => lines.push(s)
const ms = (x: number) => x.toFixed(x < 10 ? 2 : 0)

out(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Command: \`npm run bench -- --blocks ${values.blocks}\`.`)
out()

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
out('## Proving (worker thread, snarkjs single-threaded inside it)')
out()
out('| profile | constraints | B | proofs | median per block | per transfer |')
out('|---|---|---|---|---|---|')
{
  const t = await proveTimes('test', Number(values.proves))
  out(`| test (B=${profile.batch}, D=${profile.depth}) | ~28k | ${profile.batch} | ${t.length} | ${ms(median(t))} ms | ${ms(median(t) / profile.batch)} ms |`)
  if (values.devnet) {
    const d = getProfile('devnet')
    const td = await proveTimes('devnet', Number(values.proves))
    out(`| devnet (B=${d.batch}, D=${d.depth}) | ~87k | ${d.batch} | ${td.length} | ${ms(median(td))} ms | ${ms(median(td) / d.batch)} ms |`)
  }
}
out()

// --- verification ---
const verifyRow = (where: string, f: VerifyFigures) => {
  out(`| ${where} | ${ms(f.firstCallMs)} ms | ${ms(f.singleMedianMs)} ms | ${f.batch.map((b) => `${ms(b.perProofMs)} ms`).join(' | ')} |`)
}
const ks = [1, 8, 32, 128]
out('## Groth16 verification (median; batch = one random linear combination + one multi-pairing)')
out()
out(`| where | first call | single (steady) | ${ks.map((k) => `batch k=${k}, per proof`).join(' | ')} |`)
out(`|---|---|---|${ks.map(() => '---').join('|')}|`)
const nodeFigures = await benchVerify(art.vk, chain, ks)
verifyRow('Node (main thread)', nodeFigures)
await terminateCurve()
if (!values['skip-browser']) {
  const dir = join(ROOT, '.cache', 'bench-web')
  await buildPage('bench', dir)
  const items = chain.blocks.map((b, i) => ({
    proof: bytesToHex(b.proof),
    signals: [i === 0 ? chain.genesisHeader.stateRoot : chain.blocks[i - 1]!.block.header.stateRoot, b.block.header.stateRoot, b.block.header.txRoot].map(String),
  }))
  const { server, url } = await serve(dir, { '/bench-data.json': () => JSON.stringify({ vk: art.vk, items, ks, rounds: 5 }) })
  try {
    const r = (await runPage(`${url}/bench.html`)) as VerifyFigures & { error?: string; userAgent?: string; pool?: { workers: number; batch: VerifyFigures['batch'] } }
    if (r.error) throw new Error(r.error)
    const chrome = /Chrome\/([\d.]+)/.exec(r.userAgent ?? '')?.[1] ?? '?'
    verifyRow(`Chromium (${chrome}, main thread)`, r)
    if (r.pool) out(`| Chromium (${chrome}), the client's pool of ${r.pool.workers} Web Workers | — | — | ${r.pool.batch.map((b) => `${ms(b.perProofMs)} ms`).join(' | ')} |`)
  } finally {
    server.close()
  }
}
out()

// --- cold sync and warm resume of the web app in Chromium ---
if (!values['skip-browser']) {
  const want = Number(values['sync-blocks'])
  const syncChain = await loadBenchChain(profile, want)
  if (syncChain.blocks.length < want) log(`only ${syncChain.blocks.length} of ${want} blocks are cached: run \`npx tsx scripts/bench/make-chain.ts --blocks ${want}\` first for the full figure`)
  const appDir = join(ROOT, '.cache', 'bench-app')
  await buildPage('index', appDir)
  const f = await benchBrowserSync(syncChain, art.vk, appDir, { coldRuns: 3, warmRuns: 5, log })
  out(`## Web app in Chromium over WebRTC-Direct (loopback): cold sync and warm resume`)
  out()
  out(`Chain: ${f.blocks} proven blocks (${f.blocks * profile.batch} transfers), served by a Node host; the app starts from the genesis checkpoint.`)
  out()
  out('| | median | runs |')
  out('|---|---|---|')
  out(`| cold sync to the verified head, from navigation start | ${ms(median(f.coldFromNavigationMs))} ms | ${f.coldFromNavigationMs.map((x) => x.toFixed(0)).join(', ')} |`)
  out(`| cold sync, from client start (after page load and crypto set-up) | ${ms(median(f.coldFromClientStartMs))} ms | ${f.coldFromClientStartMs.map((x) => x.toFixed(0)).join(', ')} |`)
  out(`| warm resume: reload → verified balance (checkpoint at the head) | ${ms(median(f.warmBalanceMs))} ms | ${f.warmBalanceMs.map((x) => x.toFixed(0)).join(', ')} |`)
  out()
  out(
    `Warm resume timeline of the last run (ms after navigation start): ${Object.entries(f.warmDetail)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  )
  out()
}

// --- light verification vs replay ---
const rep = await benchReplay(art.vk, chain)
out(`## Light verification vs full replay (${rep.blocks} blocks, ${rep.transfers} transfers, Node)`)
out()
out('| | time | bytes needed |')
out('|---|---|---|')
out(`| light client: links + 1 certificate + batched proofs | ${ms(rep.lightMs)} ms | ${rep.lightBytes} (headers + proofs), ${rep.lightBytesWithTransfers} with transfers |`)
out(`| full node: verify and apply every transfer | ${ms(rep.replayMs)} ms | ${rep.replayBytes} (blocks) |`)
out(`| ratio | replay is ${rep.ratio.toFixed(1)}× slower | |`)
out()

// --- bundle ---
try {
  const assets = join(ROOT, 'dist', 'assets')
  const files = readdirSync(assets).map((f) => ({ f, size: statSync(join(assets, f)).size }))
  out('## Web bundle (dist/, `npx vite build`)')
  out()
  for (const { f, size } of files) out(`- ${f}: ${(size / 1024).toFixed(0)} KiB`)
  out()
} catch {
  out('(no dist/ build to measure)')
}

await terminateCurve()
console.log(lines.join('\n'))
process.exit(0)
