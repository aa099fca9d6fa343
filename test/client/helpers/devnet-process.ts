// Runs `zklight devnet` as a child process for end-to-end client tests and reads
// its ready line, /bootstrap.json and the demo account keys.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { hexToBytes } from '../../../src/core/bytes.ts'
import { decodeTrustAnchor } from '../../../src/core/codec.ts'
import type { Checkpoint, TrustAnchor } from '../../../src/core/types.ts'
import { ROOT } from '../../../src/zk/artifacts.ts'

export interface Devnet {
  child: ChildProcess
  url: string
  multiaddrs: string[]
  accounts: { address: string; keyFile?: string }[]
  bootstrap: Record<string, unknown>
  anchor: TrustAnchor
  checkpoint: Checkpoint
  /** SIGTERM, then SIGKILL after 10 s; resolves once it exited. */
  stop(): Promise<void>
}

/** SIGTERM, then SIGKILL if the process is still there after this long. */
const STOP_GRACE_MS = 10_000

/** Stops `child`: SIGTERM, SIGKILL after the grace period; resolves once it exited. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/**
 * Starts `zklight devnet` (test profile) and resolves once it printed its ready line and
 * serves /bootstrap.json; rejects (and kills it) if it exits first or is not ready within
 * `readyTimeoutMs`.
 */
export async function startDevnet(dir: string, extra: string[] = [], readyTimeoutMs = 300_000): Promise<Devnet> {
  const bin = join(ROOT, 'bin', 'zklight.js')
  const args = existsSync(bin) ? [bin] : [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'src', 'node', 'cli.ts')]
  const child = spawn(process.execPath, [...args, 'devnet', '--single-process', '--profile', 'test', '--http-port', '0', '--dir', dir, ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  try {
    const ready = await new Promise<{ url: string; multiaddrs: string[]; accounts: Devnet['accounts'] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`devnet not ready within ${readyTimeoutMs} ms: ${stderr}`)), readyTimeoutMs)
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
      lines.on('line', (line) => {
        try {
          const msg = JSON.parse(line) as { event?: string }
          if (msg.event === 'ready') {
            clearTimeout(timer)
            resolve(msg as never)
          }
        } catch {
          // progress text, not JSON
        }
      })
      child.on('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`devnet exited (${code}) before ready: ${stderr}`))
      })
    })
    const res = await fetch(new URL('bootstrap.json', ready.url.endsWith('/') ? ready.url : `${ready.url}/`), { signal: AbortSignal.timeout(30_000) })
    const bootstrap = (await res.json()) as Record<string, unknown>
    const anchor = decodeTrustAnchor(hexToBytes(bootstrap.anchor as string))
    if (!anchor.ok) throw new Error(`bootstrap trust anchor does not decode: ${anchor.reason}`)
    return {
      child,
      url: ready.url,
      multiaddrs: ready.multiaddrs,
      accounts: ready.accounts,
      bootstrap,
      anchor: anchor.value,
      checkpoint: anchor.value.checkpoint,
      stop: () => stopChild(child),
    }
  } catch (err) {
    await stopChild(child)
    throw err
  }
}

/** A demo account's EdDSA private key: raw 32 bytes, hex text, or JSON with a hex key field. */
export function readAccountKey(path: string): Uint8Array {
  const raw = readFileSync(path)
  if (raw.length === 32) return new Uint8Array(raw)
  const text = raw.toString('utf8').trim()
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(text)) return hexToBytes(text)
  const json = JSON.parse(text) as Record<string, unknown>
  for (const k of ['privateKey', 'key', 'secretKey', 'secret', 'prv']) {
    const v = json[k]
    if (typeof v === 'string' && /^(0x)?[0-9a-fA-F]{64}$/.test(v)) return hexToBytes(v)
  }
  throw new Error(`no 32-byte key in ${path}`)
}
