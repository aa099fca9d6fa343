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
  stop(): Promise<void>
}

export async function startDevnet(dir: string, extra: string[] = []): Promise<Devnet> {
  const bin = join(ROOT, 'bin', 'zklight.js')
  const args = existsSync(bin) ? [bin] : [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'src', 'node', 'cli.ts')]
  const child = spawn(process.execPath, [...args, 'devnet', '--single-process', '--profile', 'test', '--http-port', '0', '--dir', dir, ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  const ready = await new Promise<{ url: string; multiaddrs: string[]; accounts: Devnet['accounts'] }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { event?: string }
        if (msg.event === 'ready') resolve(msg as never)
      } catch {
        // progress text, not JSON
      }
    })
    child.on('exit', (code) => reject(new Error(`devnet exited (${code}) before ready: ${stderr}`)))
  })
  const res = await fetch(new URL('bootstrap.json', ready.url.endsWith('/') ? ready.url : `${ready.url}/`))
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
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
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
