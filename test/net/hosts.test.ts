// Real libp2p hosts on 127.0.0.1: the rpc layer over TCP, WebSockets,
// WebRTC-Direct and WebRTC via a relay; penalties, timeouts, gossip, and an
// identity and certhash that survive a restart.
import { execFile } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { fileURLToPath } from 'node:url'
import { bytesToHex } from '../../src/core/bytes.ts'
import { describe, expect, it } from 'vitest'
import { generateWebRTCDirectCertificate } from '../../src/net/certificate.ts'
import { dialWithRetry } from '../../src/net/dial.ts'
import { subscribeHeads, publishHead, type HeadEvent } from '../../src/net/gossip.ts'
import { generateHostKey, hostKeyFromBytes, hostKeyToBytes, peerIdOf } from '../../src/net/keys.ts'
import type { StatusResponse } from '../../src/net/messages.ts'
import { STATUS } from '../../src/net/protocols.ts'
import { call, PeerPenalties, request, serve, type Misbehaviour } from '../../src/net/rpc.ts'
import { header, qc } from './fixtures.ts'
import { addr, until, useHosts } from './loopback.ts'

const status: StatusResponse = {
  kind: 'status',
  chainId: 7,
  genesisHash: new Uint8Array(32).fill(9),
  headHeight: 3,
  headHeader: header(3),
  headQc: qc(4),
}

const host = useHosts()

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/** Runs print-host-addrs.ts in a fresh Node process (with the tsx loader) and returns the addresses it printed. */
function printHostAddrs(args: string[]): Promise<string[]> {
  const script = fileURLToPath(new URL('./print-host-addrs.ts', import.meta.url))
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { timeout: 30_000 }, (err, stdout) => {
      if (err) reject(err)
      else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as string[])
    })
  })
}

describe('request/response between Node hosts on loopback', () => {
  for (const kind of ['tcp', 'ws', 'webrtc-direct'] as const) {
    it(`serves status over ${kind}`, async () => {
      const a = await host()
      const b = await host({ relayServer: false })
      await serve(a, STATUS, () => status)
      const answer = await call(b, addr(a, kind), STATUS, {})
      expect(answer).toEqual(status)
      const conn = b.getConnections(a.peerId)[0]
      expect(conn?.remoteAddr.toString()).toContain(kind === 'tcp' ? '/tcp/' : `/${kind}`)
    })
  }

  it('serves status over WebRTC with signalling through a relay', async () => {
    const relay = await host({ wsPort: null, webrtcDirectPort: null })
    const none = { relayServer: false, tcpPort: null, wsPort: null, webrtcDirectPort: null }
    const listener = await host({ ...none, extraListen: [`${addr(relay, 'tcp')}/p2p-circuit`, '/webrtc'] })
    const dialer = await host(none)
    await serve(listener, STATUS, () => status)
    await until(() => listener.getMultiaddrs().some((m) => m.toString().includes('/webrtc/')))
    const conn = await dialWithRetry(dialer, addr(listener, 'webrtc'))
    expect(conn.remoteAddr.toString()).toContain('/webrtc')
    expect(conn.limits).toBeUndefined() // a direct WebRTC connection, not the limited relayed one
    expect(await call(dialer, listener.peerId, STATUS, {})).toEqual(status)
  })

  it('refuses an oversized request, hangs up on the sender and keeps serving others', async () => {
    const seen: Array<[string, Misbehaviour]> = []
    const penalties = new PeerPenalties({ onMisbehaviour: (p, k) => seen.push([p, k]) })
    const a = await host()
    const bad = await host({ relayServer: false })
    const good = await host({ relayServer: false })
    await serve(a, STATUS, () => status, { penalties })
    await bad.dial(addr(a, 'tcp'))
    const err = await request(bad, a.peerId, STATUS.id, new Uint8Array(STATUS.maxRequestBytes + 1), { maxResponseBytes: 1024, timeoutMs: 3000 }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).name).not.toBe('RequestTimeout')
    await until(() => bad.getConnections(a.peerId).length === 0)
    expect(seen).toEqual([[bad.peerId.toString(), 'oversized']])
    expect(penalties.count(bad.peerId.toString()).oversized).toBe(1)
    expect(await call(good, addr(a, 'tcp'), STATUS, {})).toEqual(status)
  })

  it('hangs up on a peer whose request does not decode', async () => {
    const a = await host()
    const bad = await host({ relayServer: false })
    const penalties = new PeerPenalties()
    await serve(a, STATUS, () => status, { penalties })
    await request(bad, addr(a, 'tcp'), STATUS.id, Uint8Array.of(0x42, 1), { maxResponseBytes: 1024, timeoutMs: 3000 }).catch(() => undefined)
    await until(() => bad.getConnections(a.peerId).length === 0)
    expect(penalties.count(bad.peerId.toString()).malformed).toBe(1)
  })

  it('times out on a slow handler without hurting either host', async () => {
    const a = await host()
    const b = await host({ relayServer: false })
    let calls = 0
    await serve(a, STATUS, async () => {
      if (calls++ === 0) await new Promise((r) => setTimeout(r, 800))
      return status
    })
    const started = Date.now()
    const err = await call(b, addr(a, 'tcp'), STATUS, {}, { timeoutMs: 200 }).catch((e: Error) => e)
    expect((err as Error).name).toBe('RequestTimeout')
    // How long it took (a fresh dial included) is a figure for the bench, not a test: it depends on the machine's load.
    console.log(`hosts: a 200 ms request timeout against an 800 ms handler fired after ${Date.now() - started} ms, dial included`)
    // The connection survives (a timeout is not misbehaviour) and the next request is answered.
    expect(await call(b, a.peerId, STATUS, {})).toEqual(status)
  })
})

describe('gossip', () => {
  it('passes a head announcement between two hosts', async () => {
    const a = await host()
    const b = await host({ relayServer: false })
    const got: HeadEvent[] = []
    subscribeHeads(b, (ev) => got.push(ev))
    a.services.pubsub.subscribe('zklight/heads/1')
    await b.dial(addr(a, 'tcp'))
    await until(() => a.services.pubsub.getSubscribers('zklight/heads/1').length > 0)
    const head = { header: header(8), qc: qc(3) }
    await publishHead(a, head)
    await until(() => got.length > 0)
    expect(got[0]).toEqual({ peer: a.peerId.toString(), head })
  })
})

describe('persistent identity', () => {
  it('keeps peer id and WebRTC-Direct address across a process restart', async () => {
    const key = hostKeyToBytes(await generateHostKey())
    const cert = await generateWebRTCDirectCertificate()
    const port = String(await freeUdpPort())
    // A restart is a new process: node-datachannel does not reliably free a
    // 127.0.0.1 UDP mux port for reuse inside one process (see host.ts).
    const run = () => printHostAddrs([bytesToHex(key), JSON.stringify(cert), port])
    const first = await run()
    const second = await run()
    expect(second).toEqual(first)
    expect(first).toHaveLength(1)
    expect(first[0]).toContain(`/udp/${port}/webrtc-direct/certhash/${cert.certhash}/p2p/${peerIdOf(hostKeyFromBytes(key))}`)
  })

  it('serves WebRTC-Direct with a given certificate, identity and a fresh port', async () => {
    const key = await generateHostKey()
    const cert = await generateWebRTCDirectCertificate()
    const a = await host({ privateKey: key, webrtcDirectCertificate: cert })
    expect(addr(a, 'webrtc-direct').toString()).toContain(`/certhash/${cert.certhash}/p2p/${peerIdOf(key)}`)
    const b = await host({ relayServer: false })
    await serve(a, STATUS, () => status)
    expect(await call(b, addr(a, 'webrtc-direct'), STATUS, {})).toEqual(status)
  })

  it('gives up dialing a dead address after the configured attempts', async () => {
    const a = await host()
    const deadAddr = addr(a, 'tcp')
    await a.stop()
    const b = await host({ relayServer: false })
    const err = await dialWithRetry(b, deadAddr, { attempts: 2, timeoutMs: 1000, backoffMs: 10 }).catch((e: Error & { errors?: unknown[] }) => e)
    expect(err).toMatchObject({ name: 'DialFailed' })
    expect((err as { errors: unknown[] }).errors).toHaveLength(2)
  })
})
