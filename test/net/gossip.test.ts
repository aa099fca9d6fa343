// What a receiver does with gossip (docs/protocol.md#gossip), over real hosts on
// loopback: an undecodable or oversized announcement is rejected (never delivered) and
// scores its sender down until it is graylisted; other topics are dropped unread. The
// sender is a plain gossipsub host that checks nothing, as a hostile peer would be.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { GOSSIP_THRESHOLDS, HEADS_TOPIC, MAX_HEAD_ANNOUNCEMENT_BYTES } from '../../src/net/constants.ts'
import { subscribeHeads, type HeadEvent } from '../../src/net/gossip.ts'
import type { NodeHost } from '../../src/net/host.ts'
import { encodeHeadAnnouncement } from '../../src/net/messages.ts'
import { header, qc } from './fixtures.ts'
import { addr, until, useHosts } from './loopback.ts'

const host = useHosts()
let loose: Libp2p<{ pubsub: GossipSub }>[] = []
afterEach(async () => {
  await Promise.all(loose.map((h) => h.stop()))
  loose = []
})

/** A gossipsub host with no topic list, no validator and default scoring. */
async function looseSender(): Promise<Libp2p<{ pubsub: GossipSub }>> {
  const h = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }) },
  })
  loose.push(h)
  return h
}

/** A zklight receiver subscribed to heads, and a loose sender connected to it that knows it listens on `topics`. */
async function pair(topics: string[] = [HEADS_TOPIC]) {
  const receiver: NodeHost = await host()
  const events: HeadEvent[] = []
  subscribeHeads(receiver, (ev) => events.push(ev))
  for (const t of topics) if (t !== HEADS_TOPIC) receiver.services.pubsub.subscribe(t)
  const sender = await looseSender()
  await sender.dial(addr(receiver, 'tcp'))
  await until(() => topics.every((t) => sender.services.pubsub.getSubscribers(t).some((p) => p.equals(receiver.peerId))), 5000, 'the receiver subscriptions')
  // The implementation has getScore; the published GossipSub interface does not declare it.
  const scored = receiver.services.pubsub as unknown as { getScore(peer: string): number }
  return { receiver, sender, events, score: () => scored.getScore(sender.peerId.toString()) }
}

const head = { header: header(8), qc: qc(3) }

describe('gossip', () => {
  it('rejects undecodable and oversized announcements, and graylists a sender of three', async () => {
    const { sender, events, score } = await pair()
    await sender.services.pubsub.publish(HEADS_TOPIC, Uint8Array.of(0x42, 1, 2))
    await until(() => events.length === 1, 5000, 'the first rejection')
    const tooLarge = new Uint8Array(MAX_HEAD_ANNOUNCEMENT_BYTES + 1)
    tooLarge.set(encodeHeadAnnouncement(head))
    await sender.services.pubsub.publish(HEADS_TOPIC, tooLarge)
    await until(() => events.length === 2, 5000, 'the second rejection')
    expect(events.map((e) => ('reason' in e ? e.reason : 'delivered'))).toEqual(['bad-tag', 'too-large'])
    await sender.services.pubsub.publish(HEADS_TOPIC, encodeHeadAnnouncement(head).subarray(0, 100))
    await until(() => events.length === 3, 5000, 'the third rejection')
    // Three in a row (the count decays 10% a second): below the graylist threshold.
    await until(() => score() < GOSSIP_THRESHOLDS.graylistThreshold, 5000, 'the sender to be graylisted')
    expect(events.every((e) => 'reason' in e)).toBe(true)
  })

  it('delivers a valid announcement and scores nothing against its sender', async () => {
    const { sender, events, score } = await pair()
    await sender.services.pubsub.publish(HEADS_TOPIC, encodeHeadAnnouncement(head))
    await until(() => events.length === 1, 5000, 'the announcement')
    expect(events[0]).toEqual({ peer: sender.peerId.toString(), head })
    expect(score()).toBe(0)
  })

  it('drops messages on any other topic unread', async () => {
    const other = 'zklight/other/1'
    const { receiver, sender, events } = await pair([HEADS_TOPIC, other])
    const topicsSeen: string[] = []
    receiver.services.pubsub.addEventListener('message', (evt) => topicsSeen.push(evt.detail.topic))
    await sender.services.pubsub.publish(other, Uint8Array.of(1, 2, 3))
    // Sent after it on the same stream: once this arrives, the other has been handled.
    await sender.services.pubsub.publish(HEADS_TOPIC, encodeHeadAnnouncement(head))
    await until(() => events.length === 1, 5000, 'the announcement')
    expect(topicsSeen).toEqual([HEADS_TOPIC])
  })
})
