// The CLI's answers before and around the network: --help and usage errors load none of
// the heavy modules (libp2p, the verifier, snarkjs), and every failure exits with the
// code its kind documents (docs/node.md#exit-codes): usage 2, trust 3, network 4, each
// named on stderr within seconds — a malformed multiaddr, a refused port, a server that
// is not libp2p, a libp2p peer without zklight, a verification key the genesis does not
// commit to, a trust anchor that does not decode.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/core/bytes.ts'
import { encodeTrustAnchor } from '../../src/core/codec.ts'
import { createNodeHost, type NodeHost } from '../../src/net/host.ts'
import { EXIT, exitCodeOf, NETWORK_FAILURES, TRUST_FAILURES } from '../../src/node/cli-exit.ts'
import { ROOT } from '../../src/zk/artifacts.ts'
import { buildTestChain } from '../client/helpers/test-chain.ts'
import { killAll, runCli } from './helpers/processes.ts'

const PEER_ID = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
/** What --help must not load. */
const HEAVY = /node_modules\/(libp2p|@libp2p|@chainsafe|snarkjs|ffjavascript|mcl-wasm|circomlibjs|classic-level|circom2)\/|src\/(client|net)\/|src\/node\/(devnet|ledger-node|cli-client-run)\.ts/

/** What a usage error must not load: a multiaddr parser (src/net/dial.ts and its small dependencies) is allowed, a libp2p host is not. */
const HOST_OR_VERIFIER =
  /node_modules\/(libp2p|@libp2p\/(tcp|websockets|webrtc|gossipsub|identify|circuit-relay-v2|ping)|@chainsafe\/libp2p-|snarkjs|ffjavascript|mcl-wasm|circomlibjs|classic-level|circom2)\/|src\/client\/|src\/node\/(devnet|ledger-node|cli-client-run)\.ts/

let dir: string
let cp: string[]
let closedPort: number
let notLibp2p: Server
let bare: NodeHost | undefined

/** Runs the CLI through tsx with the import recorder; returns what it printed, its exit code and every module it resolved. */
function runRecorded(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; modules: string[] }> {
  const log = join(dir, `imports-${Math.random().toString(36).slice(2)}.log`)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/node/helpers/record-imports.mjs', 'src/node/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ZKLIGHT_IMPORT_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('exit', (code) => {
      readFile(log, 'utf8')
        .catch(() => '')
        .then((text) => resolve({ code, stdout, stderr, modules: text.split('\n').filter(Boolean) }), reject)
    })
  })
}

const listen = (server: Server): Promise<number> => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)))

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zklight-cli-test-'))
  const chain = await buildTestChain([]) // genesis only: an anchor and the test profile's key
  await writeFile(join(dir, 'anchor.hex'), bytesToHex(encodeTrustAnchor(chain.anchor)))
  await writeFile(join(dir, 'vk.json'), JSON.stringify(chain.vk))
  cp = ['--checkpoint', join(dir, 'anchor.hex'), '--vk', join(dir, 'vk.json'), '--timeout-ms', '30000']
  const probe = createServer()
  closedPort = await listen(probe)
  await new Promise((r) => probe.close(r))
  // Answers anything with an HTTP error and hangs up, as a web server on the wrong port would.
  notLibp2p = createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n'))
  await listen(notLibp2p)
}, 600_000)

afterAll(async () => {
  await killAll()
  await bare?.stop()
  notLibp2p?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('help and usage', () => {
  it('answers --help without loading libp2p, the client, the verifier or snarkjs', async () => {
    for (const args of [['--help'], ['status', '--help'], ['transfer', '--help'], ['devnet', '--help'], ['node', '--help'], ['ceremony', 'new', '--help']]) {
      const r = await runRecorded(args)
      expect(r.code, args.join(' ')).toBe(EXIT.ok)
      expect(r.stdout).toContain('usage: zklight')
      expect(r.modules.length, 'the recorder saw the imports').toBeGreaterThan(5)
      expect(r.modules.filter((m) => HEAVY.test(m))).toEqual([])
    }
  })

  it('refuses a malformed command line with exit 2, naming the flag, before loading anything heavy', async () => {
    const cases: [string[], RegExp][] = [
      [['status', '--peer', 'not-a-multiaddr', ...cp], /--peer "not-a-multiaddr" is not a multiaddr/],
      [['status', '--peer', '/ip4/127.0.0.1/tcp/notaport', ...cp], /--peer .* is not a multiaddr/],
      [['balance', 'zkl1notanaddress', '--peer', `/ip4/127.0.0.1/tcp/1/p2p/${PEER_ID}`, ...cp], /ADDR "zkl1notanaddress" is not a zklight address/],
      [
        ['transfer', '--key', 'k.json', '--to', 'zkl1x', '--amount', '1234567890123456789012345678901', '--peer', `/ip4/127.0.0.1/tcp/1/p2p/${PEER_ID}`],
        /--amount must be a whole number from 1 to 2\^64-1/,
      ],
      [['transfer', '--key', 'k.json', '--to', 'zkl1x', '--amount', '0', '--peer', `/ip4/127.0.0.1/tcp/1/p2p/${PEER_ID}`], /--amount must be/],
      [['status', ...cp], /--peer MULTIADDR is required/],
      [['status', '--bogus'], /Unknown option '--bogus'/],
    ]
    for (const [args, message] of cases) {
      const r = await runRecorded(args)
      expect(r.code, args.join(' ')).toBe(EXIT.usage)
      expect(r.stderr).toMatch(message)
      expect(r.modules.filter((m) => HOST_OR_VERIFIER.test(m))).toEqual([])
    }
  })
})

describe('exit codes', () => {
  it('map failures by name: trust 3, network 4, usage 2, anything else 1', () => {
    const named = (name: string) => Object.assign(new Error('x'), { name })
    for (const n of ['VerificationKeyMismatch', 'BadTrustAnchor', 'NoTrustAnchor', 'ChainSpecError', 'ClientHalted', 'CeremonyInvalid']) expect(exitCodeOf(named(n)), n).toBe(EXIT.trust)
    for (const n of ['PeerUnreachable', 'NotZklightPeer', 'NoVerifiedView', 'NoVerifiedAnswer']) expect(exitCodeOf(named(n)), n).toBe(EXIT.network)
    for (const n of ['BadKeyFile', 'TransferRejected', 'Error']) expect(exitCodeOf(named(n)), n).toBe(EXIT.failure)
    expect(exitCodeOf(named('UsageError'))).toBe(EXIT.failure) // by class, not by name: only a real UsageError is a usage error
    expect([...TRUST_FAILURES].filter((n) => NETWORK_FAILURES.has(n))).toEqual([])
  })

  it('a refused port: exit 4 within seconds, naming the address and the dial error', async () => {
    const addr = `/ip4/127.0.0.1/tcp/${closedPort}/p2p/${PEER_ID}`
    const t0 = Date.now()
    const r = await runCli(['status', '--peer', addr, ...cp])
    const ms = Date.now() - t0
    expect(r.code, r.stderr).toBe(EXIT.network)
    expect(r.stderr).toContain('PeerUnreachable')
    expect(r.stderr).toContain(addr)
    expect(r.stderr).toMatch(/refused/)
    expect(ms).toBeLessThan(20_000) // the --timeout-ms is 30 s: it did not wait for it
  }, 60_000)

  it('a server that is not libp2p: exit 4, NotZklightPeer', async () => {
    const port = (notLibp2p.address() as { port: number }).port
    const r = await runCli(['status', '--peer', `/ip4/127.0.0.1/tcp/${port}/p2p/${PEER_ID}`, ...cp])
    expect(r.code, r.stderr).toBe(EXIT.network)
    expect(r.stderr).toContain('NotZklightPeer')
    expect(r.stderr).toMatch(/not as a libp2p peer/)
  }, 60_000)

  it('a libp2p peer that does not speak zklight: exit 4, NotZklightPeer, naming what it offers', async () => {
    bare = await createNodeHost({ tcpPort: 0, wsPort: null, webrtcDirectPort: null, relayServer: false })
    const addr = bare
      .getMultiaddrs()
      .map(String)
      .find((a) => a.includes('/tcp/'))
    const r = await runCli(['status', '--peer', addr as string, ...cp])
    expect(r.code, r.stderr).toBe(EXIT.network)
    expect(r.stderr).toContain('NotZklightPeer')
    expect(r.stderr).toMatch(/without the zklight protocols \(it offers .*\/ipfs\/id/)
  }, 60_000)

  it('a verification key the genesis does not commit to: exit 3; a trust anchor that does not decode: exit 3', async () => {
    const vk = JSON.parse(await readFile(join(dir, 'vk.json'), 'utf8')) as Record<string, unknown>
    await writeFile(join(dir, 'other-vk.json'), JSON.stringify({ ...vk, nPublic: 99 }))
    const peer = ['--peer', `/ip4/127.0.0.1/tcp/${closedPort}/p2p/${PEER_ID}`]
    const wrongKey = await runCli(['status', ...peer, '--checkpoint', join(dir, 'anchor.hex'), '--vk', join(dir, 'other-vk.json')])
    expect(wrongKey.code, wrongKey.stderr).toBe(EXIT.trust)
    expect(wrongKey.stderr).toContain('VerificationKeyMismatch')
    await writeFile(join(dir, 'bad.hex'), 'abcd')
    const badAnchor = await runCli(['status', ...peer, '--checkpoint', join(dir, 'bad.hex'), '--vk', join(dir, 'vk.json')])
    expect(badAnchor.code, badAnchor.stderr).toBe(EXIT.trust)
    expect(badAnchor.stderr).toContain('NoTrustAnchor')
  }, 60_000)
})
