// Real libp2p hosts on 127.0.0.1 for wire tests: hosts stopped after each test, the
// address of one transport, and polling with a deadline (never a fixed sleep).
import type { Multiaddr } from '@multiformats/multiaddr'
import { afterEach } from 'vitest'
import { createNodeHost, type NodeHost, type NodeHostOptions } from '../../src/net/host.ts'

/** Registers an afterEach that stops every host the test made; returns the factory. */
export function useHosts(): (opts?: NodeHostOptions) => Promise<NodeHost> {
  let hosts: NodeHost[] = []
  afterEach(async () => {
    await Promise.all(hosts.map((h) => h.stop()))
    hosts = []
  })
  return async (opts = {}) => {
    const h = await createNodeHost(opts)
    hosts.push(h)
    return h
  }
}

/** A dialer that listens on nothing and relays nothing. */
export const DIALER: NodeHostOptions = { relayServer: false, tcpPort: null, wsPort: null, webrtcDirectPort: null }

export function addr(h: NodeHost, kind: 'tcp' | 'ws' | 'webrtc-direct' | 'webrtc'): Multiaddr {
  const found = h.getMultiaddrs().find((m) => {
    const s = m.toString()
    if (kind === 'tcp') return /\/tcp\/\d+\/p2p\//.test(s) && !s.includes('p2p-circuit')
    if (kind === 'ws') return s.includes('/ws/')
    if (kind === 'webrtc-direct') return s.includes('/webrtc-direct/')
    return s.includes('/p2p-circuit/webrtc/')
  })
  if (!found) throw new Error(`no ${kind} address in ${h.getMultiaddrs().join(' ')}`)
  return found
}

export async function until(ok: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what} not met in time`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
