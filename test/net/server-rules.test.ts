// What a server does with streams it will not answer, over real libp2p hosts on
// loopback (docs/protocol.md#exchange, #penalties): silence costs the connection on the
// third silent request and not before, and the peer may come straight back; proven
// misbehaviour bans; a ninth concurrent stream per protocol is reset unanswered; and no
// zklight protocol runs on a limited (relayed) connection.
import { describe, expect, it } from 'vitest'
import { BanList, refuseBanned } from '../../src/net/ban-list.ts'
import type { NodeHost } from '../../src/net/host.ts'
import type { StatusResponse } from '../../src/net/messages.ts'
import { MAX_INBOUND_STREAMS } from '../../src/net/constants.ts'
import { HEADERS, STATUS } from '../../src/net/protocols.ts'
import { call, PeerPenalties, request, serve, type Misbehaviour } from '../../src/net/rpc.ts'
import { header, qc } from './fixtures.ts'
import { addr, DIALER, until, useHosts } from './loopback.ts'

const status: StatusResponse = { kind: 'status', chainId: 7, genesisHash: new Uint8Array(32).fill(9), headHeight: 3, headHeader: header(3), headQc: qc(4) }
const host = useHosts()

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let t = start
  return { now: () => t, advance: (ms: number) => void (t += ms) }
}

/**
 * A server with penalties and a ban list on a manual clock: status with its usual timeout,
 * and headers with a short one (where the silent requests go). The two share one count,
 * as a node's protocols do.
 */
async function guardedServer(opts: { banMs?: number } = {}) {
  const clock = manualClock()
  const bans = new BanList({ clock, banMs: opts.banMs ?? 60_000 })
  const seen: [Misbehaviour, boolean][] = []
  const penalties = new PeerPenalties({ bans, onMisbehaviour: (_p, kind, hangUp) => seen.push([kind, hangUp]) })
  const server = await host()
  refuseBanned(server, bans)
  await serve(server, STATUS, () => status, { penalties })
  await serve(server, HEADERS, () => ({ kind: 'error', code: 'not-found', message: 'none' }), { penalties, timeoutMs: 150 })
  return { server, clock, bans, seen }
}

/** Opens a headers stream and sends one byte of a five-byte frame, then nothing. */
async function silentStream(from: NodeHost, to: NodeHost): Promise<void> {
  const stream = await from.dialProtocol(to.peerId, HEADERS.id)
  stream.send(Uint8Array.of(0x05))
}

const connected = (a: NodeHost, b: NodeHost) => a.getConnections(b.peerId).some((c) => c.status === 'open')

describe('penalties', () => {
  it('hangs up after the third silent request, not before, and lets the peer reconnect', async () => {
    const { server, seen, bans } = await guardedServer()
    const client = await host(DIALER)
    await client.dial(addr(server, 'tcp'))
    for (let k = 1; k <= 2; k++) {
      await silentStream(client, server)
      await until(() => seen.length === k, 5000, `silent request ${k} to time out`)
      // Still connected, and still served on the same connection.
      expect(connected(client, server)).toBe(true)
      expect(await call(client, server.peerId, STATUS, {})).toEqual(status)
    }
    await silentStream(client, server)
    await until(() => !connected(client, server), 5000, 'the hang-up')
    expect(seen).toEqual([
      ['silent', false],
      ['silent', false],
      ['silent', true],
    ])
    // Silence is not proof: no ban, so the peer is served again at once.
    expect(bans.isBanned(client.peerId.toString())).toBe(false)
    expect(await call(client, addr(server, 'tcp'), STATUS, {})).toEqual(status)
  })

  it('refuses a peer that sent malformed bytes until its ban runs out', async () => {
    const banMs = 60_000
    const { server, clock, seen } = await guardedServer({ banMs })
    const client = await host(DIALER)
    await request(client, addr(server, 'tcp'), STATUS.id, Uint8Array.of(0x42, 1), { maxResponseBytes: 1024, timeoutMs: 3000 }).catch(() => undefined)
    await until(() => !connected(client, server), 5000, 'the hang-up')
    expect(seen).toEqual([['malformed', true]])
    // Back within the ban: hung up on at once, nothing answered.
    clock.advance(banMs - 1)
    await expect(call(client, addr(server, 'tcp'), STATUS, {}, { timeoutMs: 3000 })).rejects.toBeInstanceOf(Error)
    await until(() => !connected(client, server), 5000, 'the hang-up on reconnect')
    clock.advance(1)
    expect(await call(client, addr(server, 'tcp'), STATUS, {})).toEqual(status)
  })
})

describe('streams a server does not answer', () => {
  it(`serves ${MAX_INBOUND_STREAMS} concurrent streams per protocol and connection and resets the next, unanswered and unpenalised`, async () => {
    const server = await host()
    const client = await host(DIALER)
    const seen: Misbehaviour[] = []
    let inHandler = 0
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    await serve(
      server,
      STATUS,
      async () => {
        inHandler++
        await gate
        return status
      },
      { penalties: new PeerPenalties({ onMisbehaviour: (_p, k) => seen.push(k) }) },
    )
    await client.dial(addr(server, 'tcp'))
    const held = Array.from({ length: MAX_INBOUND_STREAMS }, () => call(client, server.peerId, STATUS, {}))
    await until(() => inHandler === MAX_INBOUND_STREAMS, 5000, 'eight streams in the handler')
    const ninth = await call(client, server.peerId, STATUS, {}, { timeoutMs: 3000 }).catch((e: Error) => e)
    expect(ninth).toMatchObject({ name: 'StreamClosed' })
    expect(inHandler).toBe(MAX_INBOUND_STREAMS)
    release()
    for (const answer of await Promise.all(held)) expect(answer).toEqual(status)
    // Not misbehaviour: the connection stays and the next request is served.
    expect(seen).toEqual([])
    expect(await call(client, server.peerId, STATUS, {})).toEqual(status)
  })

  it('answers an empty stream (closed before any byte) with nothing, and blames nobody', async () => {
    const { server, seen } = await guardedServer()
    const client = await host(DIALER)
    const stream = await client.dialProtocol(addr(server, 'tcp'), STATUS.id)
    let answered = false
    stream.addEventListener('message', () => (answered = true))
    await stream.close()
    await until(() => stream.status !== 'open', 5000, 'the server to end the stream')
    expect(answered).toBe(false)
    expect(seen).toEqual([])
    expect(await call(client, server.peerId, STATUS, {})).toEqual(status)
  })

  it('never runs a zklight protocol on a limited (relayed) connection', async () => {
    const relay = await host({ wsPort: null, webrtcDirectPort: null })
    // Reachable only through the relay: no direct address, no WebRTC.
    const listener = await host({ ...DIALER, extraListen: [`${addr(relay, 'tcp')}/p2p-circuit`] })
    const dialer = await host(DIALER)
    let served = 0
    await serve(listener, STATUS, () => {
      served++
      return status
    })
    await until(() => listener.getMultiaddrs().some((m) => m.toString().includes('/p2p-circuit')), 10_000, 'a relay reservation')
    const conn = await dialer.dial(addr(relay, 'tcp').encapsulate(`/p2p-circuit/p2p/${listener.peerId.toString()}`))
    expect(conn.limits).toBeDefined()
    // Our client side does not open the stream...
    await expect(call(dialer, listener.peerId, STATUS, {}, { timeoutMs: 3000 })).rejects.toMatchObject({ name: 'LimitedConnectionError' })
    // ...and a peer that insists is refused by the server.
    let answered = false
    try {
      const stream = await conn.newStream(STATUS.id, { runOnLimitedConnection: true })
      stream.addEventListener('message', () => (answered = true))
      stream.send(new Uint8Array([2, ...STATUS.encodeRequest({})]))
      await until(() => stream.status !== 'open', 5000, 'the server to reset the stream')
    } catch {
      // refused before or while sending
    }
    expect(answered).toBe(false)
    expect(served).toBe(0)
  })
})
