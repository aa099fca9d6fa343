// Prints one verified balance as a JSON line, with plain `node` (Node >= 20):
//   node balance.mjs <bootstrap.json URL> [address]
// The address defaults to the network's first demo account. Exit code 1 on failure.
import { createLightClient, loadBootstrap } from 'zklight'

const [url = 'http://127.0.0.1:8080/bootstrap.json', wanted] = process.argv.slice(2)

// The trust anchor and verification key come from the bootstrap document: trust its source
// (or pin `anchor` in your code and take only peers from it).
const boot = await loadBootstrap(url)
const address = wanted ?? boot.document.accounts?.[0]?.address
if (!address) throw new Error('no address given and the bootstrap lists no accounts')

const client = await createLightClient(boot) // Node: TCP/WebSockets, verification in worker threads
try {
  await client.start()
  await client.whenSynced(AbortSignal.timeout(120_000))
  await client.requireFresh({ maxLagMs: 30_000 }) // throws StaleView / ClientHalted
  const b = await client.getBalance(address)
  console.log(JSON.stringify({ address, balance: b.balance.toString(), nonce: b.nonce, height: b.height, verified: b.verified }))
} finally {
  await client.stop()
}
