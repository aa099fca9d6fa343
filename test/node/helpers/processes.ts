// Runs the zklight CLI (bin/zklight.js) as child processes: long-running commands are
// awaited until their JSON ready line; every process started here is tracked so a
// test file's afterAll can stop whatever is still running.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { ROOT } from '../../../src/zk/artifacts.ts'

const BIN = join(ROOT, 'bin', 'zklight.js')
const running = new Set<ChildProcess>()

export interface CliProcess {
  child: ChildProcess
  ready: Record<string, any>
  /** Everything written to stderr so far. */
  log(): string
  /** SIGTERM, then SIGKILL after 10 s; resolves on exit. */
  stop(): Promise<void>
  /** SIGKILL; resolves on exit. */
  kill9(): Promise<void>
  /**
   * Resolves once the process has exited and its stdio has closed, so log() holds all it
   * wrote ('exit' can come before the last stderr data: a line logged just before dying
   * may not be in log() yet).
   */
  closed(): Promise<void>
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
  })
}

export async function startCli(args: string[], timeoutMs = 600_000, env: Record<string, string> = {}): Promise<CliProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  running.add(child)
  child.once('exit', () => running.delete(child))
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const ready = await new Promise<Record<string, any>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms: ${stderr.slice(-2000)}`)), timeoutMs)
    const onExit = (code: number | null) => {
      clearTimeout(timer)
      reject(new Error(`zklight ${args[0]} exited (${code}) before ready: ${stderr.slice(-2000)}`))
    }
    child.once('exit', onExit)
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let msg: Record<string, any>
      try {
        msg = JSON.parse(line) as Record<string, any>
      } catch {
        return
      }
      if (msg.event !== 'ready') return
      clearTimeout(timer)
      child.off('exit', onExit)
      resolve(msg)
    })
  })
  return {
    child,
    ready,
    log: () => stderr,
    closed: () => closed,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
      child.kill('SIGTERM')
      await exited(child)
      clearTimeout(t)
    },
    async kill9() {
      child.kill('SIGKILL')
      await exited(child)
    },
  }
}

/** Runs a one-shot command to completion. */
export function runCli(args: string[], timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(child)
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(t)
      running.delete(child)
      resolve({ code, stdout, stderr })
    })
  })
}

/** Stops every child still running (SIGKILL: the tests are over). */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map((c) => {
      c.kill('SIGKILL')
      return exited(c)
    }),
  )
}

export function tcpAddr(multiaddrs: string[]): string {
  const a = multiaddrs.find((m) => m.includes('/tcp/') && !m.includes('/ws'))
  if (!a) throw new Error(`no TCP address in ${multiaddrs.join(' ')}`)
  return a
}
