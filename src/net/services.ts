// libp2p pieces shared by the Node and browser hosts: services (identify, ping,
// gossipsub), the default RTC configuration and the devnet connection gater.
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import type { ConnectionGater } from '@libp2p/interface'
import { ping, type Ping } from '@libp2p/ping'
import { HEADS_TOPIC } from './constants.ts'

/** No STUN/TURN unless configured: the defaults are public servers, and loopback/devnet needs none (docs/architecture.md#platform-facts). */
export const DEFAULT_RTC_CONFIGURATION: RTCConfiguration = { iceServers: [] }

/** One gossipsub RPC may batch several announcements and control messages; 1 MiB bounds it (libp2p's default is 4 MiB). */
export const MAX_GOSSIP_RPC_BYTES = 1024 * 1024

export type BaseServices = {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
}

export function baseServices() {
  return {
    identify: identify(),
    ping: ping(),
    pubsub: gossipsub({
      // A node announces heads whether or not anyone listens yet.
      allowPublishToZeroTopicPeers: true,
      allowedTopics: [HEADS_TOPIC],
      maxInboundDataLength: MAX_GOSSIP_RPC_BYTES,
    }),
  }
}

/**
 * WARNING: allows dialing any address, loopback and private ranges and plain
 * ws:// included. Node's default already does; a browser's default refuses
 * them, so devnets (everything on 127.0.0.1) must opt in to this.
 */
export const permissiveGater: ConnectionGater = {
  denyDialMultiaddr: () => false,
}
