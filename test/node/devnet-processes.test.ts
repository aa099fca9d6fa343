// `zklight devnet` as `npm start` runs it: a process per validator and per prover, listed
// in the ready line. A transfer sent through one validator is proven by the prover
// process and verified by a light client talking to another validator; with one validator
// (not the one handing out proofs) SIGKILLed, the chain certifies and proves on; stopping
// the devnet stops every process it started.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killAll, runCli, startCli, tcpAddr, type CliProcess } from './helpers/processes.ts'

let dir: string
let devnet: CliProcess
type Proc = { role: string; pid: number; multiaddrs: string[] }

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zklight-devnet-procs-'))
  devnet = await startCli(['devnet', '--profile', 'test', '--http-port', '0', '--dir', join(dir, 'devnet'), '--block-time-ms', '500', '--tx-rate', '0'])
}, 900_000)

afterAll(async () => {
  await killAll()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function transfer(from: number, to: number, amount: number, peer: string): Promise<{ height: number }> {
  const accounts = devnet.ready.accounts as { address: string; keyFile: string }[]
  const r = await runCli(
    ['transfer', '--key', accounts[from]!.keyFile, '--to', accounts[to]!.address, '--amount', String(amount), '--peer', peer, '--checkpoint', join(dir, 'devnet', 'genesis.json'), '--json'],
    600_000,
  )
  if (r.code !== 0) throw new Error(`transfer exited ${r.code}: ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as { height: number }
}

describe('zklight devnet (a process per validator and prover)', () => {
  it('lists its validator and prover processes in the ready line, each a live process of its own', () => {
    const procs = devnet.ready.processes as Proc[]
    expect(procs.filter((p) => p.role === 'validator')).toHaveLength(4)
    expect(procs.filter((p) => p.role === 'prover').length).toBeGreaterThanOrEqual(1)
    const pids = new Set(procs.map((p) => p.pid))
    expect(pids.size).toBe(procs.length)
    expect(pids.has(devnet.child.pid as number)).toBe(false)
    for (const p of procs) expect(alive(p.pid)).toBe(true)
    for (const v of procs.filter((p) => p.role === 'validator')) expect(v.multiaddrs.some((a) => a.includes('/webrtc-direct/'))).toBe(true)
  })

  it('proves a transfer in the prover process and a light client verifies it through another validator', async () => {
    const validators = (devnet.ready.processes as Proc[]).filter((p) => p.role === 'validator')
    const { height } = await transfer(0, 1, 7, tcpAddr(validators[2]!.multiaddrs))
    expect(height).toBeGreaterThan(0)
    expect(devnet.log()).toMatch(/\[prover-0\].*proven in/)
  }, 900_000)

  it('goes on certifying and proving with one validator killed', async () => {
    const validators = (devnet.ready.processes as Proc[]).filter((p) => p.role === 'validator')
    process.kill(validators[3]!.pid, 'SIGKILL')
    const { height } = await transfer(1, 2, 3, tcpAddr(validators[1]!.multiaddrs))
    expect(height).toBeGreaterThan(0)
  }, 900_000)

  it('stops every process it started', async () => {
    const procs = devnet.ready.processes as Proc[]
    await devnet.stop()
    expect(devnet.child.exitCode).toBe(0)
    for (const p of procs) expect(alive(p.pid)).toBe(false)
  }, 120_000)
})
