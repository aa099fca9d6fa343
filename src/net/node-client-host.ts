// The libp2p host of a light client running in Node: dials nodes over TCP or WebSockets,
// listens on nothing and relays nothing. No WebRTC transport, so a Node light client
// needs no native WebRTC module (node-datachannel); nodes always listen on TCP too.
import './node-websocket.ts'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import type { HostKey } from './keys.ts'
import { baseServices, permissiveGater, type BaseServices } from './services.ts'

export interface NodeClientHostOptions {
  /** Identity; a fresh key otherwise. */
  privateKey?: HostKey
}

export type NodeClientHost = Libp2p<BaseServices>

/** Creates and starts a dial-only host. Import src/polyfill.ts first on Node 20. */
export async function createNodeClientHost(opts: NodeClientHostOptions = {}): Promise<NodeClientHost> {
  return createLibp2p<BaseServices>({
    privateKey: opts.privateKey,
    addresses: { listen: [] },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Node's default gater already allows private addresses; explicit, as in host.ts.
    connectionGater: permissiveGater,
    services: baseServices(),
  })
}
