// docs/deploy.md, step by step, as separate processes on loopback: keys and peer ids
// made before any node starts, a chain spec from them, four validators (validator 0
// handing out proving jobs), a prover process, a follower joining by snapshot, a transfer
// and a balance verified by light clients through the follower, and a validator
// restarted with SIGTERM that catches up and votes again.
import { createServer } from 'node:net'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STATUS } from '../../src/net/protocols.ts'
import { EVIDENCE } from '../../src/net/consensus-protocols.ts'
import { killAll, runCli, startCli, tcpAddr, type CliProcess } from './helpers/processes.ts'
import { startWireClient, type WireClient } from './helpers/wire.ts'

let root: string
let wire: WireClient
const srv = (...p: string[]) => join(root, ...p)
const validators: { key: string; dir: string; addr: string; port: number; proc?: CliProcess }[] = []
let proverId: string
let prover: CliProcess
let follower: CliProcess
const accounts: { file: string; address: string }[] = []

async function cli(args: string[]): Promise<Record<string, any>> {
  const r = await runCli([...args, '--json'], 600_000)
  if (r.code !== 0) throw new Error(`zklight ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, any>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

async function startValidator(i: number): Promise<CliProcess> {
  const v = validators[i]!
  const others = validators.filter((_, j) => j !== i).flatMap((o) => ['--peer', o.addr])
  const proving = i === 0 ? ['--prover-peer', proverId] : []
  v.proc = await startCli(['node', '--dir', v.dir, '--genesis', srv('genesis.json'), '--validator-key', v.key, '--tcp-port', String(v.port), '--block-time-ms', '500', ...others, ...proving])
  return v.proc
}

async function heightOf(addr: string): Promise<number> {
  return (await wire.ask(addr, STATUS, {})).headHeight
}

async function waitFor(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms
  for (;;) {
    try {
      if (await cond()) return
    } catch {
      // still starting
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'zklight-deploy-'))
  wire = await startWireClient()
}, 60_000)

afterAll(async () => {
  await wire?.stop()
  await killAll()
  if (root) await rm(root, { recursive: true, force: true })
})

describe('docs/deploy.md on loopback', () => {
  it('2–3: validator keys and peer ids first, then the chain spec from them', async () => {
    for (let i = 0; i < 4; i++) {
      const key = srv(`validator-${i}.key`)
      const dir = srv(`node-${i}`)
      const { publicKey } = await cli(['validator-key', '--out', key])
      const { peerId } = await cli(['node-id', '--dir', dir])
      const port = await freePort()
      validators.push({ key, dir, port, addr: `/ip4/127.0.0.1/tcp/${port}/p2p/${peerId}`, ...{ publicKey } })
    }
    proverId = (JSON.parse((await runCli(['prover', '--print-id', '--key', srv('prover.key')])).stdout) as { peerId: string }).peerId
    for (let i = 0; i < 2; i++) {
      const file = srv(`account-${i}.json`)
      const { address } = await cli(['keygen', '--out', file, '--index', String(i + 1), '--profile', 'test'])
      accounts.push({ file, address })
    }
    const spec = await cli([
      'genesis',
      '--profile',
      'test',
      '--out',
      srv('genesis.json'),
      ...validators.flatMap((v) => ['--validator', (v as unknown as { publicKey: string }).publicKey]),
      ...accounts.map((a) => ['--account', `${a.address}=1000`]).flat(),
    ])
    expect(spec.setupClass).toBe('insecure-dev')
    const written = JSON.parse(await readFile(srv('genesis.json'), 'utf8')) as { validators: string[] }
    expect(written.validators).toEqual(validators.map((v) => (v as unknown as { publicKey: string }).publicKey))
  }, 900_000)

  it('5–6: four validators and a prover; blocks are certified and proven', async () => {
    await Promise.all([0, 1, 2, 3].map(startValidator))
    prover = await startCli(['prover', '--peer', validators[0]!.addr, '--key', srv('prover.key'), '--workers', '1'])
    expect(prover.ready.peerId).toBe(proverId)
    await waitFor('height 3', async () => (await heightOf(validators[1]!.addr)) >= 3, 120_000)
  }, 300_000)

  it('7: a follower joins by snapshot; a transfer and a balance are verified through it', async () => {
    follower = await startCli(['node', '--dir', srv('follower'), '--genesis', srv('genesis.json'), '--peer', validators[1]!.addr, '--peer', validators[2]!.addr])
    const via = tcpAddr(follower.ready.multiaddrs as string[])
    const r = await runCli(['transfer', '--key', accounts[0]!.file, '--to', accounts[1]!.address, '--amount', '25', '--peer', via, '--checkpoint', srv('genesis.json'), '--json'], 600_000)
    expect(r.code, r.stderr).toBe(0)
    const b = await runCli(['balance', accounts[1]!.address, '--peer', via, '--checkpoint', srv('genesis.json'), '--json'], 300_000)
    expect(b.code, b.stderr).toBe(0)
    expect(JSON.parse(b.stdout.trim().split('\n').pop() as string)).toMatchObject({ balance: '1025' })
    expect(prover.log()).toMatch(/proven in .*accepted/)
  }, 900_000)

  it('restarting a validator with SIGTERM: it catches up and the chain goes on, with no evidence anywhere', async () => {
    const v2 = validators[2]!
    await v2.proc!.stop()
    expect(v2.proc!.child.exitCode).toBe(0)
    const before = await heightOf(validators[1]!.addr)
    await startValidator(2)
    await waitFor('validator 2 caught up and the chain moved on', async () => (await heightOf(v2.addr)) >= before + 3, 180_000)
    for (const v of validators) expect((await wire.ask(v.addr, EVIDENCE, { from: 0 })).evidence).toEqual([])
  }, 300_000)
})
