// loadBootstrap (src/client/bootstrap.ts) over HTTP: the anchor and key a deployment's
// bootstrap.json names, in the shape createLightClient takes (a key the anchor does not commit
// to is refused there), and BootstrapFailed for a document that cannot be used.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadBootstrap } from '../../src/client/bootstrap.ts'
import { checkClientOptions } from '../../src/client/create.ts'
import { BootstrapFailed, VerificationKeyMismatch } from '../../src/client/errors.ts'
import { bytesToHex } from '../../src/core/bytes.ts'
import { encodeTrustAnchor } from '../../src/core/codec.ts'
import { buildTestChain, type TestChain } from './helpers/test-chain.ts'

let chain: TestChain
let server: Server
let base: string
const docs = new Map<string, string>()

beforeAll(async () => {
  chain = await buildTestChain([])
  server = createServer((req, res) => {
    const body = docs.get(req.url ?? '')
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(body ?? 'not found')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((r) => server.close(() => r())))

const doc = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ chainId: chain.chainId, anchor: bytesToHex(encodeTrustAnchor(chain.anchor)), multiaddrs: ['/ip4/127.0.0.1/tcp/1/p2p/x'], ...extra })

describe('loadBootstrap', () => {
  it('reads the anchor, the peers and the key beside the document (or at vkUrl)', async () => {
    docs.set('/net/bootstrap.json', doc())
    docs.set('/net/vk.json', JSON.stringify(chain.vk))
    const b = await loadBootstrap(`${base}/net/bootstrap.json`)
    expect(b.bootstrap).toEqual(['/ip4/127.0.0.1/tcp/1/p2p/x'])
    expect(encodeTrustAnchor(b.anchor)).toEqual(encodeTrustAnchor(chain.anchor))
    expect(b.verificationKey).toEqual(chain.vk)
    expect(() => checkClientOptions(b)).not.toThrow()
    docs.set('/other/bootstrap.json', doc({ vkUrl: '../keys/k.json' }))
    docs.set('/keys/k.json', JSON.stringify(chain.vk))
    expect((await loadBootstrap(new URL(`${base}/other/bootstrap.json`))).verificationKey).toEqual(chain.vk)
  })

  it('fails with BootstrapFailed on a missing document, anchor or peer list, or an anchor that does not decode', async () => {
    docs.set('/vk.json', JSON.stringify(chain.vk))
    const fails = async (body: string | undefined) => {
      if (body === undefined) docs.delete('/bootstrap.json')
      else docs.set('/bootstrap.json', body)
      return loadBootstrap(`${base}/bootstrap.json`).catch((e: unknown) => e)
    }
    expect(await fails(undefined)).toBeInstanceOf(BootstrapFailed)
    expect(await fails(JSON.stringify({ multiaddrs: [] }))).toBeInstanceOf(BootstrapFailed)
    expect(await fails(doc({ multiaddrs: 'x' }))).toBeInstanceOf(BootstrapFailed)
    expect(await fails(doc({ anchor: 'zz' }))).toBeInstanceOf(BootstrapFailed)
    expect(await fails(doc({ anchor: bytesToHex(encodeTrustAnchor(chain.anchor)).slice(0, -2) }))).toBeInstanceOf(BootstrapFailed)
    expect(await fails('not json')).toBeInstanceOf(BootstrapFailed)
    docs.delete('/vk.json')
    expect(await fails(doc())).toBeInstanceOf(BootstrapFailed)
  })

  it('hands over a key the anchor does not commit to, which createLightClient then refuses', async () => {
    const other = { ...(chain.vk as Record<string, unknown>), vk_alpha_1: ['1', '2', '1'] }
    docs.set('/x/bootstrap.json', doc())
    docs.set('/x/vk.json', JSON.stringify(other))
    const b = await loadBootstrap(`${base}/x/bootstrap.json`)
    expect(() => checkClientOptions(b)).toThrow(VerificationKeyMismatch)
  })
})
