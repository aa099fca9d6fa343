// Child-process helper for hosts.test.ts: starts a Node host from a saved key
// and certificate on a fixed WebRTC-Direct port, prints its addresses, stops.
import '../../src/polyfill.ts'
import { hexToBytes } from '../../src/core/bytes.ts'
import { createNodeHost } from '../../src/net/host.ts'
import { hostKeyFromBytes } from '../../src/net/keys.ts'

const [keyHex, certJson, port] = process.argv.slice(2)
if (!keyHex || !certJson || !port) throw new Error('usage: print-host-addrs <key hex> <certificate json> <udp port>')
const host = await createNodeHost({
  privateKey: hostKeyFromBytes(hexToBytes(keyHex)),
  webrtcDirectCertificate: JSON.parse(certJson),
  tcpPort: null,
  wsPort: null,
  webrtcDirectPort: Number(port),
  relayServer: false,
})
console.log(JSON.stringify(host.getMultiaddrs().map(String)))
await host.stop()
