// Runs a bench page of the web app in Debian's Chromium (headless) and returns what
// the page reports in window.benchResult. Files are served from 127.0.0.1 only.
import { createServer, type Server } from 'node:http'
import { existsSync, readFileSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { build } from 'vite'
import { chromium } from '@playwright/test'
import { ROOT } from '../../src/zk/artifacts.ts'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
]

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' }

/** Builds one page of src/web into a bench output folder (`minify: false` keeps function names for profiles). */
export async function buildPage(page: string, outDir: string, opts: { minify?: boolean } = {}): Promise<void> {
  process.env.ZKLIGHT_PAGES = page
  try {
    await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, ...(opts.minify === false ? { minify: false } : {}) } })
  } finally {
    delete process.env.ZKLIGHT_PAGES
  }
}

export function serve(dir: string, extra: Record<string, () => string | Uint8Array>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const dyn = extra[path]
    if (dyn) {
      res.setHeader('content-type', 'application/json')
      res.end(dyn())
      return
    }
    const file = normalize(join(dir, path === '/' ? 'index.html' : path))
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.statusCode = 404
      res.end()
      return
    }
    res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream')
    res.end(readFileSync(file))
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address()
      resolve({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` })
    }),
  )
}

/** Debian's Chromium, or CHROMIUM_PATH. */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** What the page reports in window.benchResult, and the browser's own version (the user agent string reduces it). */
export async function runPage(url: string, timeoutMs = 600_000): Promise<{ result: unknown; browserVersion: string }> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS })
  try {
    const page = await browser.newPage()
    page.on('pageerror', (e) => console.error(`[page] ${e.message}`))
    await page.goto(url)
    await page.waitForFunction(() => (globalThis as Record<string, unknown>).benchResult !== undefined, null, { timeout: timeoutMs, polling: 250 })
    return { result: await page.evaluate(() => (globalThis as Record<string, unknown>).benchResult), browserVersion: browser.version() }
  } finally {
    await browser.close()
  }
}
