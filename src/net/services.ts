// libp2p pieces shared by the Node and browser hosts: services (identify, ping,
// gossipsub), the default RTC configuration and the devnet connection gater.
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { createTopicScoreParams } from '@libp2p/gossipsub/score'
import { identify, type Identify } from '@libp2p/identify'
import type { ConnectionGater } from '@libp2p/interface'
import { ping, type Ping } from '@libp2p/ping'
import { GOSSIP_THRESHOLDS, HEADS_TOPIC, INVALID_HEAD_DECAY, INVALID_HEAD_WEIGHT } from './constants.ts'

/** No STUN/TURN unless configured: the defaults are public servers, and loopback/devnet needs none (docs/architecture.md#platform-facts). */
export const DEFAULT_RTC_CONFIGURATION: RTCConfiguration = { iceServers: [] }

/** One gossipsub RPC may batch several announcements and control messages; 1 MiB bounds it (libp2p's default is 4 MiB). */
export const MAX_GOSSIP_RPC_BYTES = 1024 * 1024

/**
 * Scores the heads topic by rejected announcements only (docs/protocol.md#gossip). Heads
 * come about once a block, so delivery-rate terms would punish honest peers of an idle
 * chain; they stay off, and so does the reward for time in the mesh.
 */
const HEADS_TOPIC_SCORE = createTopicScoreParams({
  topicWeight: 1,
  timeInMeshWeight: 0,
  firstMessageDeliveriesWeight: 0,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: INVALID_HEAD_WEIGHT,
  invalidMessageDeliveriesDecay: INVALID_HEAD_DECAY,
})

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
      // Subscriptions to and messages on any other topic are dropped unread.
      allowedTopics: [HEADS_TOPIC],
      maxInboundDataLength: MAX_GOSSIP_RPC_BYTES,
      scoreParams: {
        topics: { [HEADS_TOPIC]: HEADS_TOPIC_SCORE },
        // WARNING: loopback peers are not scored for colocation: on a devnet every peer
        // shares 127.0.0.1, so the count says nothing there (remote addresses keep it).
        IPColocationFactorWhitelist: new Set(['127.0.0.1', '::1']),
      },
      scoreThresholds: GOSSIP_THRESHOLDS,
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
