// A bare libp2p host that speaks the zklight wire protocol to a node under test:
// typed calls, raw byte requests (for malformed input), and a poll helper.
import { createNodeHost, type NodeHost } from '../../../src/net/host.ts'
import { parseMultiaddr } from '../../../src/net/dial.ts'
import type { ErrorResponse } from '../../../src/net/messages.ts'
import type { ProtocolSpec } from '../../../src/net/protocols.ts'
import { call } from '../../../src/net/rpc.ts'

export interface WireClient {
  host: NodeHost
  ask<Req, Res extends { kind: string }>(addr: string, spec: ProtocolSpec<Req, Res>, q: Req): Promise<Res>
  askRaw<Req, Res extends { kind: string }>(addr: string, spec: ProtocolSpec<Req, Res>, q: Req): Promise<Res | ErrorResponse>
  stop(): Promise<void>
}

export async function startWireClient(): Promise<WireClient> {
  const host = await createNodeHost({ tcpPort: null, wsPort: null, webrtcDirectPort: null, relayServer: false })
  const askRaw = <Req, Res extends { kind: string }>(addr: string, spec: ProtocolSpec<Req, Res>, q: Req) => call(host, parseMultiaddr(addr), spec, q)
  return {
    host,
    askRaw,
    async ask(addr, spec, q) {
      const r = await askRaw(addr, spec, q)
      if (r.kind === 'error') throw new Error(`${spec.id}: ${(r as ErrorResponse).code} ${(r as ErrorResponse).message}`)
      return r as never
    },
    stop: async () => host.stop(),
  }
}

/** Polls `f` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function until<T>(f: () => Promise<T | undefined>, timeoutMs: number, what: string, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await f()
      if (v !== undefined) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
