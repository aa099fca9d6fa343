// Starts a real devnet (test circuit profile) as a child process for the browser
// tests and waits for its one-line JSON "ready" event.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

export interface Ready {
  event: 'ready'
  url: string
  multiaddrs: string[]
  accounts: { address: string; keyFile: string }[]
}

export interface Devnet {
  ready: Ready
  dir: string
  /** The devnet process (a test may pause it with SIGSTOP to make every client's view age). */
  pid: number
  stop(): Promise<void>
}

/** Where global-setup.ts leaves the devnet all specs share. */
const SHARED_ENV = 'ZKLIGHT_E2E_DEVNET'

/** Starts the devnet the specs share (global-setup.ts) and publishes it to the test workers. */
export async function startSharedDevnet(): Promise<Devnet> {
  const devnet = await startDevnet()
  process.env[SHARED_ENV] = JSON.stringify({ ready: devnet.ready, dir: devnet.dir, pid: devnet.pid })
  return devnet
}

/** The devnet global-setup.ts started; stopped by its teardown, not by a spec. */
export function sharedDevnet(): Devnet {
  const raw = process.env[SHARED_ENV]
  if (!raw) throw new Error(`no shared devnet (${SHARED_ENV} unset): run the specs through playwright.config.ts, whose global setup starts it`)
  const d = JSON.parse(raw) as { ready: Ready; dir: string; pid: number }
  return { ...d, stop: async () => {} }
}

const ROOT = new URL('..', import.meta.url).pathname

export async function startDevnet(args: string[] = [], timeoutMs = 600_000): Promise<Devnet> {
  const dir = mkdtempSync(join(tmpdir(), 'zklight-e2e-'))
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/node/cli.ts', 'devnet', '--single-process', '--profile', 'test', '--http-port', '0', '--dir', dir, '--block-time-ms', '1000', '--tx-rate', '1', ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[devnet] ${d}`))
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('devnet did not become ready in time')), timeoutMs)
    child.once('exit', (code) => reject(new Error(`devnet exited early (${code})`)))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Ready
        if (msg.event === 'ready') {
          clearTimeout(timer)
          resolve(msg)
        }
      } catch {
        // not a JSON line
      }
    })
  })
  return {
    ready,
    dir,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL')
            r(undefined)
          }, 10_000)
          child.once('exit', () => {
            clearTimeout(t)
            r(undefined)
          })
        })
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
