// The browser libp2p host of the light client: dials nodes over WebRTC-Direct or
// WebSockets, and other tabs over WebRTC with SDP relayed by a node (listening on
// /p2p-circuit + /webrtc). Networking stays on the main thread: workers have no RTCPeerConnection (docs/architecture.md#platform-facts).
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import type { Libp2p } from '@libp2p/interface'
import { webRTC, webRTCDirect } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import type { HostKey } from './keys.ts'
import { baseServices, DEFAULT_RTC_CONFIGURATION, permissiveGater, type BaseServices } from './services.ts'

export interface BrowserHostOptions {
  /** Identity; a fresh key per tab otherwise. */
  privateKey?: HostKey
  /** Default: no ICE servers (loopback and LAN devnets need none). */
  rtcConfiguration?: RTCConfiguration
  /**
   * WARNING: lets the tab dial loopback/private addresses and plain ws://,
   * which the browser default refuses. Needed for a devnet on 127.0.0.1; off
   * for a public network.
   */
  allowPrivateAddresses?: boolean
  /** Be reachable by other tabs via a relay node's /p2p-circuit and WebRTC (default true). */
  listenViaRelay?: boolean
}

export type BrowserHost = Libp2p<BaseServices>

/** Creates and starts a browser host. */
export async function createBrowserHost(opts: BrowserHostOptions = {}): Promise<BrowserHost> {
  const rtcConfiguration = opts.rtcConfiguration ?? DEFAULT_RTC_CONFIGURATION
  return createLibp2p<BaseServices>({
    privateKey: opts.privateKey,
    addresses: { listen: opts.listenViaRelay === false ? [] : ['/p2p-circuit', '/webrtc'] },
    transports: [
      webRTCDirect({ rtcConfiguration }),
      webSockets(),
      webRTC({ rtcConfiguration }),
      // Relayed connections carry only the WebRTC signalling; they are limited and our protocols do not run on them.
      circuitRelayTransport(),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // undefined keeps libp2p's browser gater (no private addresses, no ws://).
    connectionGater: opts.allowPrivateAddresses ? permissiveGater : undefined,
    services: baseServices(),
  })
}
