// npx tsx scripts/bench/prover-bench.ts [--provers 1,2] [--rate 2] [--warmup-s 30] [--window-s 180] [--block-time-ms 500]
// Proving throughput with remote provers: a test-profile devnet with no in-process prover
// under a fixed offered load of transfers (submitted over the wire), proven by 1, then 2
// `zklight prover` processes (one worker each). Measures proven transfers per second and
// the proven head's age over a fixed window; prints a markdown report (docs/performance.md).
import '../../src/polyfill.ts'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { signTransfer } from '../../src/core/transfer.ts'
import { chainIdentity, parseChainSpec } from '../../src/node/chain-spec.ts'
import { loadAccountKey, type AccountKey } from '../../src/node/account-key.ts'
import { parseMultiaddr } from '../../src/net/dial.ts'
import { createNodeHost } from '../../src/net/host.ts'
import { generateHostKey, hostKeyToBytes, peerIdOf } from '../../src/net/keys.ts'
import { PROOFS, STATUS, SUBMIT } from '../../src/net/protocols.ts'
import { call } from '../../src/net/rpc.ts'
import { saveKeyFile } from '../../src/store/key-file.ts'
import { ROOT } from '../../src/zk/artifacts.ts'
import { getProfile } from '../../src/zk/profiles.ts'
import { readFile } from 'node:fs/promises'
import { median } from './node-bench.ts'

const { values } = parseArgs({
  options: {
    provers: { type: 'string', default: '1,2' },
    rate: { type: 'string', default: '2' },
    'warmup-s': { type: 'string', default: '30' },
    'window-s': { type: 'string', default: '180' },
    'block-time-ms': { type: 'string', default: '500' },
  },
})
const log = (m: string) => console.error(`[prover-bench] ${m}`)
const BIN = join(ROOT, 'bin', 'zklight.js')
const profile = getProfile('test')
const rate = Number(values.rate)
const warmupMs = Number(values['warmup-s']) * 1000
const windowMs = Number(values['window-s']) * 1000
const blockTimeMs = Number(values['block-time-ms'])
const children = new Set<ChildProcess>()

/** Starts a zklight command and waits for its JSON ready line. */
function startCli(args: string[], name: string): Promise<{ child: ChildProcess; ready: Record<string, any>; log: () => string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before ready: ${stderr.slice(-1500)}`)))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Record<string, any>
        if (msg.event === 'ready') resolve({ child, ready: msg, log: () => stderr })
      } catch {
        // not JSON: ignore
      }
    })
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(t)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN

interface RunResult {
  provers: number
  offered: number
  accepted: number
  busy: number
  refusedOther: number
  provenTransfers: number
  provenBlocks: number
  windowS: number
  ages: number[]
  /** Lease-to-proof times (s) of the blocks proven in the window, from the node's log. */
  proofTimes: number[]
  /** Proofs the node refused (late, duplicate or wrong), from the provers' logs. */
  refusedProofs: number
  load: [number, number]
}

async function run(provers: number): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), `zklight-prover-bench-${provers}-`))
  const host = await createNodeHost({ tcpPort: null, wsPort: null, webrtcDirectPort: null, relayServer: false })
  const started: ChildProcess[] = []
  const proverLogs: (() => string)[] = []
  try {
    const ids: string[] = []
    const keyFiles: string[] = []
    for (let i = 0; i < provers; i++) {
      const key = await generateHostKey()
      const file = join(dir, `prover-${i}.key`)
      await saveKeyFile(file, hostKeyToBytes(key))
      keyFiles.push(file)
      ids.push(peerIdOf(key))
    }
    log(`${provers} prover(s): starting the devnet`)
    const devnet = await startCli(
      [
        'devnet',
        '--single-process',
        '--profile',
        profile.name,
        '--http-port',
        '0',
        '--dir',
        join(dir, 'devnet'),
        '--accounts',
        '16',
        '--block-time-ms',
        String(blockTimeMs),
        '--tx-rate',
        '0',
        '--prove-workers',
        '0',
        ...ids.flatMap((id) => ['--prover-peer', id]),
      ],
      'devnet',
    )
    started.push(devnet.child)
    const addr = (devnet.ready.multiaddrs as string[]).find((m) => m.includes('/tcp/') && !m.includes('/ws')) as string
    const node = parseMultiaddr(addr)
    const spec = parseChainSpec(await readFile(join(dir, 'devnet', 'genesis.json'), 'utf8'))
    const tag = chainIdentity(spec).chainTag
    const senders: AccountKey[] = await Promise.all((devnet.ready.accounts as { keyFile: string }[]).map((a) => loadAccountKey(a.keyFile)))
    const nonces = new Map(senders.map((s) => [s.index, 0]))
    for (const [i, file] of keyFiles.entries()) {
      const p = await startCli(['prover', '--peer', addr, '--key', file, '--workers', '1'], `prover ${i}`)
      started.push(p.child)
      proverLogs.push(p.log)
    }
    log(`${provers} prover(s) ready; offering ${rate} transfers/s`)

    const counts = { offered: 0, accepted: 0, busy: 0, other: 0 }
    let next = 0
    let running = true
    // Fixed offered load: one transfer every 1/rate s, round robin over the senders; a refused one keeps its nonce.
    const generator = (async () => {
      const t0 = Date.now()
      while (running) {
        const from = senders[next++ % senders.length]!
        const to = senders[next % senders.length]!
        const t = signTransfer(from.privateKey, tag, { from: from.index, to: to.index, toPubKey: to.pubKey, amount: 1n, nonce: nonces.get(from.index)! })
        counts.offered++
        const r = await call(host, node, SUBMIT, { transfer: t }).catch(() => undefined)
        if (r?.kind === 'submit' && r.accepted) {
          counts.accepted++
          nonces.set(from.index, nonces.get(from.index)! + 1)
        } else if (r?.kind === 'submit' && r.reason === 'busy') counts.busy++
        else counts.other++
        const due = t0 + (counts.offered * 1000) / rate
        await new Promise((res) => setTimeout(res, Math.max(0, due - Date.now())))
      }
    })()

    await new Promise((r) => setTimeout(r, warmupMs))
    const status = () => call(host, node, STATUS, {})
    const s0 = await status()
    if (s0.kind !== 'status') throw new Error('no status')
    const before = { ...counts }
    const load0 = loadavg()[0] as number
    const tStart = Date.now()
    const ages: number[] = []
    while (Date.now() - tStart < windowMs) {
      const s = await status()
      if (s.kind === 'status') ages.push(Date.now() - s.headHeader.timestamp)
      await new Promise((r) => setTimeout(r, 500))
    }
    const s1 = await status()
    const windowS = (Date.now() - tStart) / 1000
    const load1 = loadavg()[0] as number
    running = false
    await generator
    if (s1.kind !== 'status') throw new Error('no status')
    let provenTransfers = 0
    for (let from = s0.headHeight + 1; from <= s1.headHeight;) {
      const r = await call(host, node, PROOFS, { from, count: Math.min(64, s1.headHeight - from + 1) })
      if (r.kind !== 'proofs' || r.entries.length === 0) throw new Error('proofs request failed')
      for (const e of r.entries) provenTransfers += e.block.transfers.length
      from += r.entries.length
    }
    const proofTimes = [...devnet.log().matchAll(/block (\d+) proven in ([\d.]+) s by/g)].filter((m) => Number(m[1]) > s0.headHeight && Number(m[1]) <= s1.headHeight).map((m) => Number(m[2]))
    const refusedProofs = proverLogs.reduce((n, l) => n + (l().match(/, refused \(/g) ?? []).length, 0)
    const result: RunResult = {
      provers,
      offered: counts.offered - before.offered,
      accepted: counts.accepted - before.accepted,
      busy: counts.busy - before.busy,
      refusedOther: counts.other - before.other,
      provenTransfers,
      provenBlocks: s1.headHeight - s0.headHeight,
      windowS,
      ages,
      proofTimes,
      refusedProofs,
      load: [load0, load1],
    }
    log(`${provers} prover(s): ${JSON.stringify({ ...result, ages: undefined, ageMedian: median(ages), proofTimes: undefined, proofMedianS: median(proofTimes) })}`)
    return result
  } finally {
    for (const c of started.reverse()) await stop(c)
    await host.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL')
})

const counts = values.provers.split(',').map(Number)
const results: RunResult[] = []
for (const p of counts) results.push(await run(p))

const perS = (x: number, s: number) => (x / s).toFixed(3)
const lines: string[] = []
lines.push(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}. Command: \`npx tsx scripts/bench/prover-bench.ts --provers ${values.provers} --rate ${rate} --warmup-s ${values['warmup-s']} --window-s ${values['window-s']} --block-time-ms ${blockTimeMs}\`.`,
)
lines.push('')
lines.push(
  '| provers (1 worker each) | offered tx/s | accepted tx/s | refused busy /s | proven tx/s | blocks with transfers proven | proof time median (lease → proof) | head age median | p90 | max | proofs refused | load avg (start → end) |',
)
lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|')
for (const r of results) {
  lines.push(
    `| ${r.provers} | ${perS(r.offered, r.windowS)} | ${perS(r.accepted, r.windowS)} | ${perS(r.busy, r.windowS)} | ${perS(r.provenTransfers, r.windowS)} | ${r.proofTimes.length} | ${median(r.proofTimes).toFixed(1)} s | ${(median(r.ages) / 1000).toFixed(1)} s | ${(pct(r.ages, 90) / 1000).toFixed(1)} s | ${(Math.max(...r.ages) / 1000).toFixed(1)} s | ${r.refusedProofs} | ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)} |`,
  )
}
const one = results.find((r) => r.provers === 1)
const two = results.find((r) => r.provers === 2)
if (one && two) lines.push('', `Scaling 1 → 2 provers: ${(two.provenTransfers / two.windowS / (one.provenTransfers / one.windowS)).toFixed(2)}× the proven transfers per second.`)
if (one) {
  const r1 = one.provenTransfers / one.windowS
  const ceiling = (profile.batch * 1000) / blockTimeMs
  lines.push(`Ceiling of the proposer: B / block time = ${profile.batch} / ${blockTimeMs / 1000} s = ${ceiling} tx/s, reached at about ${Math.ceil(ceiling / r1)} provers of this speed.`)
}
console.log(lines.join('\n'))
process.exit(0)
