// The devnet's child processes: each validator is a `zklight node --validator-key`
// process and each prover a `zklight prover` process, started with the CLI a real
// deployment uses (docs/deploy.md). Their stderr goes to the devnet's, prefixed with the
// role; each one's ready line gives its pid and multiaddrs for the devnet's own ready line.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import type { Logger } from '../core/logger.ts'
import { ROOT } from '../zk/artifacts.ts'

export type ProcessRole = 'validator' | 'prover' | 'producer'

export interface ChildInfo {
  role: ProcessRole
  /** Validator index, or prover number. */
  index: number
  pid: number
  multiaddrs: string[]
}

export interface ManagedChild {
  info: ChildInfo
  child: ChildProcess
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>
}

const BIN = join(ROOT, 'bin', 'zklight.js')

/** Startup can include building or loading circuit keys on a busy machine. */
const READY_TIMEOUT_MS = 600_000

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
  })
}

/** Starts `zklight <args>` and resolves with its ready line; rejects if it exits first. */
export async function spawnZklight(role: ProcessRole, index: number, args: string[], logger: Logger, env: Record<string, string> = {}): Promise<ManagedChild> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  const label = `${role}-${index}`
  createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`[${label}] ${line}\n`))
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${label} printed no ready line within ${READY_TIMEOUT_MS / 1000} s`))
    }, READY_TIMEOUT_MS)
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer)
      reject(new Error(`${label} exited (${signal ?? code}) before it was ready; see its log lines above`))
    }
    child.once('exit', onExit)
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let msg: Record<string, unknown>
      try {
        msg = JSON.parse(line) as Record<string, unknown>
      } catch {
        return
      }
      if (msg.event !== 'ready') return
      clearTimeout(timer)
      child.off('exit', onExit)
      resolve(msg)
    })
  })
  let stopping = false
  child.once('exit', (code, signal) => {
    if (stopping) logger.info(`${label} stopped (${signal ?? code})`)
    else logger.warn(`${label} (pid ${child.pid}) exited (${signal ?? code})`)
  })
  const info: ChildInfo = { role, index, pid: child.pid as number, multiaddrs: Array.isArray(ready.multiaddrs) ? (ready.multiaddrs as string[]) : [] }
  return {
    info,
    child,
    async stop(graceMs = 10_000) {
      stopping = true
      if (child.exitCode !== null || child.signalCode !== null) return
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs)
      child.kill('SIGTERM')
      await exited(child)
      clearTimeout(t)
    },
  }
}

export interface ValidatorSetup {
  /** The validator's node folder (blocks, votes, host key). */
  dir: string
  keyFile: string
  /** Its TCP multiaddr, known before it starts (fixed port and peer id). */
  addr: string
  tcpPort: number
}

export interface NetworkProcessesOptions {
  genesisFile: string
  validators: ValidatorSetup[]
  blockTimeMs: number
  listenHost: string
  /** Validator 0 generates transfers from these traffic keys. */
  traffic?: { dir: string; rate: number }
  /** Prover processes, each with its key file and worker threads; they take jobs from validator 0. */
  provers: { keyFile: string; peerId: string; workers: number }[]
  /** Extra arguments for validator 0 (the one the provers work for). */
  proverNodeArgs: string[]
  /** Extra arguments for each prover (e.g. --ceremony DIR). */
  proverArgs: string[]
  logger: Logger
}

/** Starts every validator, then the provers; stops whatever started if one fails. */
export async function startNetworkProcesses(opts: NetworkProcessesOptions): Promise<ManagedChild[]> {
  const started: ManagedChild[] = []
  const stopAll = () => Promise.all(started.map((c) => c.stop()))
  try {
    const validators = await Promise.all(
      opts.validators.map((v, i) =>
        spawnZklight(
          'validator',
          i,
          [
            'node',
            '--dir',
            v.dir,
            '--genesis',
            opts.genesisFile,
            '--validator-key',
            v.keyFile,
            '--block-time-ms',
            String(opts.blockTimeMs),
            '--listen-host',
            opts.listenHost,
            '--tcp-port',
            String(v.tcpPort),
            ...opts.validators.filter((_, j) => j !== i).flatMap((o) => ['--peer', o.addr]),
            ...(i === 0 ? opts.proverNodeArgs : []),
            ...(i === 0 && opts.traffic ? ['--traffic', opts.traffic.dir, '--tx-rate', String(opts.traffic.rate)] : []),
          ],
          opts.logger,
          { ZKLIGHT_EXIT_WITH_PARENT: '1' },
        ).then((c) => {
          started.push(c)
          return c
        }),
      ),
    )
    const node0 = opts.validators[0] as ValidatorSetup
    for (const [k, p] of opts.provers.entries()) {
      const c = await spawnZklight('prover', k, ['prover', '--peer', node0.addr, '--key', p.keyFile, '--workers', String(p.workers), ...opts.proverArgs], opts.logger, {
        ZKLIGHT_EXIT_WITH_PARENT: '1',
      })
      started.push(c)
    }
    return [...validators, ...started.filter((c) => c.info.role === 'prover')]
  } catch (err) {
    await stopAll()
    throw err
  }
}
