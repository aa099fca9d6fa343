// The devnet's HTTP server on 127.0.0.1: the built web app (dist/) when there is one,
// else a plain page saying how to build it, plus the JSON documents a browser needs to
// start (bootstrap.json, vk.json, genesis.json). Static files only; GET and HEAD only.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'
import { MAX_HTTP_PATH } from './constants.ts'
import { PortInUse } from './errors.ts'

export interface HttpServerOptions {
  port: number
  /** Folder of the built web app; missing → a placeholder page. */
  staticDir: string
  /** Documents served at exact paths (e.g. '/bootstrap.json'), computed on each request. */
  documents: Record<string, () => string>
}

export interface HttpServer {
  url: string
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
}

const PLACEHOLDER = `<!doctype html><meta charset="utf-8"><title>zklight devnet</title>
<h1>zklight devnet</h1>
<p>The web app is not built yet: run <code>npm run build</code> (it writes <code>dist/</code>) and reload.</p>
<p>The devnet is running: <a href="bootstrap.json">bootstrap.json</a> lists its addresses and genesis checkpoint.</p>
`

export function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const root = resolve(opts.staticDir)
  const server = createServer((req, res) => {
    handle(req, res, root, opts.documents).catch(() => send(res, 500, 'text/plain', 'internal error'))
  })
  return new Promise((resolvePromise, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUse(`HTTP port ${opts.port} is in use (pass --http-port 0 for a free port)`) : err)
    })
    server.listen(opts.port, '127.0.0.1', () => {
      const addr = server.address()
      const port = typeof addr === 'object' && addr ? addr.port : opts.port
      resolvePromise({
        url: `http://127.0.0.1:${port}/`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections()
            server.close(() => r())
          }),
      })
    })
  })
}

async function handle(req: IncomingMessage, res: ServerResponse, root: string, documents: Record<string, () => string>): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed')
  const raw = req.url ?? '/'
  if (raw.length > MAX_HTTP_PATH) return send(res, 414, 'text/plain', 'path too long')
  let path: string
  try {
    path = decodeURIComponent(new URL(raw, 'http://localhost').pathname)
  } catch {
    return send(res, 400, 'text/plain', 'bad path')
  }
  const doc = documents[path]
  if (doc) return send(res, 200, 'application/json', doc(), { 'access-control-allow-origin': '*', 'cache-control': 'no-store' })
  const file = resolve(join(root, path === '/' ? 'index.html' : path))
  if (file !== root && !file.startsWith(root + sep)) return send(res, 404, 'text/plain', 'not found')
  const info = await stat(file).catch(() => undefined)
  if (!info?.isFile()) {
    if (path === '/' || path === '/index.html') return send(res, 200, TYPES['.html'] as string, PLACEHOLDER)
    return send(res, 404, 'text/plain', 'not found')
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': info.size })
  if (req.method === 'HEAD') return void res.end()
  createReadStream(file).pipe(res)
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end()
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers })
  res.end(res.req.method === 'HEAD' ? undefined : body)
}
