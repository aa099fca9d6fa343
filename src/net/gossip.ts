// Certified heads over gossipsub (topic zklight/heads/1): publish, and receive
// with a topic validator so undecodable or oversized announcements are not
// forwarded and count against their sender's gossipsub score.
import { TopicValidatorResult, type GossipSub, type GossipsubMessage } from '@libp2p/gossipsub'
import { HEADS_TOPIC, MAX_HEAD_ANNOUNCEMENT_BYTES } from './constants.ts'
import { decodeHeadAnnouncement, encodeHeadAnnouncement, type HeadAnnouncement } from './messages.ts'

export type GossipHost = { services: { pubsub: GossipSub } }

/** What a receiver learns: a decoded head, or why the bytes were refused. */
export type HeadEvent = { peer: string; head: HeadAnnouncement } | { peer: string; reason: string }

/**
 * Judges a decoded announcement before it is forwarded (e.g. checks its
 * certificate): 'accept' forwards, 'ignore' drops quietly, 'reject' drops and
 * penalises the sender.
 */
export type HeadCheck = (head: HeadAnnouncement) => 'accept' | 'ignore' | 'reject'

export async function publishHead(host: GossipHost, head: HeadAnnouncement): Promise<void> {
  await host.services.pubsub.publish(HEADS_TOPIC, encodeHeadAnnouncement(head))
}

/**
 * Subscribes to heads; `onHead` sees every announcement that passed the
 * validator (and, with its reason, each one refused). Returns an unsubscribe.
 */
export function subscribeHeads(host: GossipHost, onHead: (ev: HeadEvent) => void, check: HeadCheck = () => 'accept'): () => void {
  const pubsub = host.services.pubsub
  const verdict = { accept: TopicValidatorResult.Accept, ignore: TopicValidatorResult.Ignore, reject: TopicValidatorResult.Reject }
  pubsub.topicValidators.set(HEADS_TOPIC, (peer, msg) => {
    if (msg.data.length > MAX_HEAD_ANNOUNCEMENT_BYTES) {
      onHead({ peer: peer.toString(), reason: 'too-large' })
      return TopicValidatorResult.Reject
    }
    const d = decodeHeadAnnouncement(plain(msg.data))
    if (!d.ok) {
      onHead({ peer: peer.toString(), reason: d.reason })
      return TopicValidatorResult.Reject
    }
    return verdict[check(d.value)]
  })
  // 'gossipsub:message' names the peer that handed us the message (whom to
  // penalise or reward), where 'message' only has the signed origin.
  const onMessage = (evt: CustomEvent<GossipsubMessage>) => {
    const { msg, propagationSource } = evt.detail
    if (msg.topic !== HEADS_TOPIC) return
    const d = decodeHeadAnnouncement(plain(msg.data))
    if (d.ok) onHead({ peer: propagationSource.toString(), head: d.value })
  }
  pubsub.addEventListener('gossipsub:message', onMessage)
  pubsub.subscribe(HEADS_TOPIC)
  return () => {
    pubsub.removeEventListener('gossipsub:message', onMessage)
    pubsub.topicValidators.delete(HEADS_TOPIC)
    pubsub.unsubscribe(HEADS_TOPIC)
  }
}

/**
 * Gossipsub hands over Node Buffers, whose slice() is a view: decoded fields
 * would alias (and pin) the whole RPC buffer. A plain Uint8Array view makes the
 * codec's slice() copy.
 */
function plain(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}
