// A verified balance in a plain Vite app: the client from a bootstrap document, a figure
// shown only after requireFresh passed and the Merkle proof verified, and the elements.
// ?bootstrap=<url of bootstrap.json> (default ./bootstrap.json) &address=<zkl1…>
import { createLightClient, IdbCheckpointStore, loadBootstrap } from 'zklight'
import { defineZklightElements } from 'zklight/components'

const MAX_AGE_MS = 10_000
const params = new URLSearchParams(location.search)
const bootstrapUrl = new URL(params.get('bootstrap') ?? './bootstrap.json', location.href)
const out = document.getElementById('balance')

async function main() {
  const boot = await loadBootstrap(bootstrapUrl)
  const address = params.get('address') ?? boot.document.accounts?.[0]?.address
  document.getElementById('address').textContent = address
  const cp = boot.anchor.checkpoint
  const client = await createLightClient({
    ...boot,
    store: new IdbCheckpointStore({ chainId: cp.chainId, genesisHash: cp.genesisHash }),
    // WARNING: only for a network on this machine (a devnet): lets the page dial 127.0.0.1 and ws://.
    allowPrivateAddresses: ['127.0.0.1', 'localhost'].includes(bootstrapUrl.hostname),
  })
  defineZklightElements({ client })
  document.getElementById('balance-element').setAttribute('address', address)
  await client.start()
  globalThis.zklightExample = { client }

  let busy = false
  async function refresh() {
    if (busy) return
    busy = true
    try {
      // Nothing older than MAX_AGE_MS is shown as current: StaleView or ClientHalted otherwise.
      await client.requireFresh({ maxLagMs: MAX_AGE_MS })
      const b = await client.getBalance(address)
      out.dataset.state = 'verified'
      out.dataset.balance = String(b.balance)
      out.dataset.height = String(b.height)
      out.textContent = `${b.balance} (verified at height ${b.height})`
    } catch (err) {
      out.dataset.state = 'unverified'
      delete out.dataset.balance
      out.textContent = `not shown: ${err.name}`
    } finally {
      busy = false
    }
  }
  client.on('head', refresh)
  setInterval(refresh, 2_000)
  await refresh()
}

main().catch((err) => {
  out.dataset.state = 'failed'
  out.textContent = `failed to start: ${err.name}: ${err.message}`
})
