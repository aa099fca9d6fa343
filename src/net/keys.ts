// Host identity: an Ed25519 libp2p key whose bytes the store persists, so a
// node keeps its peer id (and the addresses others know it by) across restarts.
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'

export type HostKey = PrivateKey

export function generateHostKey(): Promise<HostKey> {
  return generateKeyPair('Ed25519')
}

/** The libp2p protobuf form (key type ‖ key bytes): what to save. Treat it as a secret. */
export function hostKeyToBytes(key: HostKey): Uint8Array {
  return privateKeyToProtobuf(key)
}

/** Throws on bytes that are not a libp2p private key (a corrupt file is a failure, not peer input). */
export function hostKeyFromBytes(bytes: Uint8Array): HostKey {
  return privateKeyFromProtobuf(bytes)
}

export function peerIdOf(key: HostKey): string {
  return peerIdFromPrivateKey(key).toString()
}
