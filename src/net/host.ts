// The Node libp2p host of a ledger node or devnet peer: TCP, WebSockets and
// WebRTC-Direct listeners, WebRTC via relay, a circuit-relay server (browsers
// signal to each other through it), identify, ping, gossipsub.
import './node-websocket.ts'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, circuitRelayTransport, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { webRTC, webRTCDirect } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p, type ServiceFactoryMap } from 'libp2p'
import type { WebRTCDirectCertificate } from './certificate.ts'
import type { HostKey } from './keys.ts'
import { baseServices, DEFAULT_RTC_CONFIGURATION, permissiveGater, type BaseServices } from './services.ts'

export interface NodeHostOptions {
  /** Persistent identity (the store loads and saves it); a fresh key otherwise. */
  privateKey?: HostKey
  /** Interface to listen on. Default 127.0.0.1 (devnet); '0.0.0.0' to serve a network. */
  listenHost?: string
  /** Ports; 0 = any free port, null = do not listen on that transport. Defaults: 0. */
  tcpPort?: number | null
  wsPort?: number | null
  webrtcDirectPort?: number | null
  /** Persistent WebRTC-Direct certificate, so the /certhash/ address survives restarts. Fresh (ephemeral) otherwise. */
  webrtcDirectCertificate?: WebRTCDirectCertificate
  /** More listen addresses, e.g. `/ip4/…/p2p/<relay>/p2p-circuit` and `/webrtc` to be reachable through a relay. */
  extraListen?: string[]
  /** Addresses to announce instead of the listen addresses (e.g. behind NAT). */
  announce?: string[]
  /** Default: no ICE servers. */
  rtcConfiguration?: RTCConfiguration
  /** Run a circuit-relay v2 server (default true): browsers use it only to exchange WebRTC SDP. */
  relayServer?: boolean
  /** Reservations the relay server holds at once (default 128: one per connected browser tab). */
  maxRelayReservations?: number
}

/** Loopback networks, exempt from libp2p's per-address inbound limits. */
const LOOPBACK = ['/ip4/127.0.0.0/ipcidr/8', '/ip6/::1/ipcidr/128']

export type NodeServices = BaseServices & { relay?: CircuitRelayService }

export type NodeHost = Libp2p<NodeServices>

/**
 * Creates and starts a Node host. Import src/polyfill.ts first on Node 20.
 *
 * WARNING: a WebRTC-Direct listener on a fixed 127.0.0.1 port cannot be
 * reliably restarted inside the same process: node-datachannel 0.33 does not
 * always free the port's ICE UDP mux registration on stop() ("Failed to
 * register ICE UDP mux listener", about half the time, whatever the delay),
 * and @libp2p/webrtc 6.0.33 then keeps the failed listener in a module-level
 * list, so that port stays blocked until the process exits. Restart the
 * process (the devnet's nodes are processes), or use port 0 in-process.
 */
export async function createNodeHost(opts: NodeHostOptions = {}): Promise<NodeHost> {
  const ip = opts.listenHost ?? '127.0.0.1'
  const family = ip.includes(':') ? 'ip6' : 'ip4'
  const listen: string[] = []
  const port = (p: number | null | undefined) => (p === null ? null : (p ?? 0))
  const tcpPort = port(opts.tcpPort)
  const wsPort = port(opts.wsPort)
  const rtcPort = port(opts.webrtcDirectPort)
  if (tcpPort !== null) listen.push(`/${family}/${ip}/tcp/${tcpPort}`)
  if (wsPort !== null) listen.push(`/${family}/${ip}/tcp/${wsPort}/ws`)
  if (rtcPort !== null) listen.push(`/${family}/${ip}/udp/${rtcPort}/webrtc-direct`)
  listen.push(...(opts.extraListen ?? []))

  const rtcConfiguration = opts.rtcConfiguration ?? DEFAULT_RTC_CONFIGURATION
  const services: ServiceFactoryMap<NodeServices> = { ...baseServices() }
  if (opts.relayServer !== false) {
    services.relay = circuitRelayServer({ reservations: { maxReservations: opts.maxRelayReservations ?? 128 } })
  }

  return createLibp2p<NodeServices>({
    privateKey: opts.privateKey,
    addresses: { listen, announce: opts.announce },
    transports: [
      tcp(),
      webSockets(),
      webRTCDirect({ rtcConfiguration, certificate: opts.webrtcDirectCertificate }),
      webRTC({ rtcConfiguration }),
      // Needed to dial (and, with extraListen, to be dialled at) /p2p-circuit addresses.
      circuitRelayTransport(),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: permissiveGater,
    // WARNING: loopback is exempt from libp2p's inbound limits (a 6th connection a second
    // from one IP address is refused; the connection cap). On a devnet that one address is
    // every tab, CLI command and node at once, so the limit cannot tell a flood from a busy
    // machine. Only local processes can use the exemption; remote addresses keep the limits.
    connectionManager: { allow: LOOPBACK },
    services,
  })
}
