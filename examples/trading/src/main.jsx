// Boots one zklight client for every tab of this origin, then renders the order ticket.
// ?bootstrap=<url of bootstrap.json> (default ./bootstrap.json) &address=<zkl1…> &maxAge=<ms>
import { createRoot } from 'react-dom/client'
import { createSharedLightClient, IdbCheckpointStore, loadBootstrap, watchBalance, watchHealth } from 'zklight'
import { OrderTicket } from './order-ticket.jsx'

const params = new URLSearchParams(location.search)
const bootstrapUrl = new URL(params.get('bootstrap') ?? './bootstrap.json', location.href)
const maxAgeMs = Number(params.get('maxAge') ?? 5_000)
const root = createRoot(document.getElementById('root'))

async function main() {
  const boot = await loadBootstrap(bootstrapUrl)
  const address = params.get('address') ?? boot.document.accounts?.[0]?.address
  const cp = boot.anchor.checkpoint
  const client = await createSharedLightClient({
    ...boot,
    store: new IdbCheckpointStore({ chainId: cp.chainId, genesisHash: cp.genesisHash }),
    // WARNING: only for a network on this machine (a devnet): lets the page dial 127.0.0.1 and ws://.
    allowPrivateAddresses: ['127.0.0.1', 'localhost'].includes(bootstrapUrl.hostname),
  })
  await client.start()
  globalThis.zklightExample = { client }
  // One store per view, made once: React subscribes with useSyncExternalStore.
  const health = watchHealth(client, { maxAgeMs })
  const balance = watchBalance(client, address, { maxAgeMs })
  root.render(<OrderTicket address={address} health={health} balance={balance} maxAgeMs={maxAgeMs} />)
}

main().catch((err) => root.render(<p id="failed">failed to start: {`${err.name}: ${err.message}`}</p>))
