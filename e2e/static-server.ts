// A static file server for the example apps, sending the Content-Security-Policy the
// README documents on every response (pages and the worker script alike), so a
// directive the client needs and the policy lacks fails the test.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, resolve, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
}

export interface StaticServer {
  url: string
  close(): Promise<void>
}

/**
 * Serves `mounts` (URL prefix → folder; the longest prefix wins) and `documents` (exact path →
 * body, computed per request). `csp(origin)` gives the policy for the server's own origin.
 */
export async function serveStatic(opts: { mounts: Record<string, string>; documents?: Record<string, () => Promise<string> | string>; csp?: (origin: string) => string }): Promise<StaticServer> {
  const mounts = Object.entries(opts.mounts).sort((a, b) => b[0].length - a[0].length)
  let origin = ''
  const server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
      const headers: Record<string, string> = { 'cache-control': 'no-store' }
      if (opts.csp) headers['content-security-policy'] = opts.csp(origin)
      const doc = opts.documents?.[path]
      if (doc) {
        res.writeHead(200, { ...headers, 'content-type': TYPES['.json'] as string })
        return void res.end(await doc())
      }
      const mount = mounts.find(([prefix]) => path.startsWith(prefix))
      if (!mount) return void res.writeHead(404).end()
      const root = resolve(mount[1])
      const rest = path.slice(mount[0].length)
      const file = resolve(join(root, rest === '' || rest.endsWith('/') ? `${rest}index.html` : rest))
      if (file !== root && !file.startsWith(root + sep)) return void res.writeHead(404).end()
      const info = await stat(file).catch(() => undefined)
      if (!info?.isFile()) return void res.writeHead(404, headers).end()
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': info.size })
      createReadStream(file).pipe(res)
    })().catch(() => res.writeHead(500).end())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: `${origin}/`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
