// The client the zklight elements of a page share: one the application hands over
// (setZklightClient), or one per bootstrap URL an element names, created on first use and
// shared with the page's other tabs (createSharedLightClient).
import { loadBootstrap } from '../../client/bootstrap.ts'
import type { LightClientLike } from '../../client/client-view.ts'
import { createSharedLightClient } from '../../client/shared-client.ts'
import { IdbCheckpointStore } from '../../store/idb-checkpoint-store.ts'

let pageClient: LightClientLike | undefined
const waiting: ((c: LightClientLike) => void)[] = []
const byBootstrap = new Map<string, Promise<LightClientLike>>()

/** Hands the page's client to every zklight element without a `bootstrap` attribute (those waiting included). */
export function setZklightClient(client: LightClientLike): void {
  pageClient = client
  for (const resolve of waiting.splice(0)) resolve(client)
}

/** The client an element uses: the one its `bootstrap` attribute names, else the page's. */
export function clientFor(el: Element): Promise<LightClientLike> {
  const bootstrap = el.getAttribute('bootstrap')
  if (bootstrap) return clientForBootstrap(new URL(bootstrap, el.ownerDocument.baseURI).href, el.hasAttribute('allow-private-addresses'))
  if (pageClient) return Promise.resolve(pageClient)
  return new Promise((resolve) => waiting.push(resolve))
}

/**
 * One started client per bootstrap URL, whichever element asked first. WARNING: the
 * document at that URL is trusted for the network's anchor (src/client/bootstrap.ts);
 * `allow-private-addresses` (devnets on 127.0.0.1) lets the page dial loopback and ws://.
 */
function clientForBootstrap(url: string, allowPrivateAddresses: boolean): Promise<LightClientLike> {
  const key = `${url} ${allowPrivateAddresses}`
  let client = byBootstrap.get(key)
  if (!client) {
    client = (async () => {
      const boot = await loadBootstrap(url)
      const store = new IdbCheckpointStore({ chainId: boot.anchor.checkpoint.chainId, genesisHash: boot.anchor.checkpoint.genesisHash })
      const c = await createSharedLightClient({ ...boot, store, ...(allowPrivateAddresses ? { allowPrivateAddresses: true } : {}) })
      await c.start()
      return c
    })()
    // A failed start is not cached: the next element (or a reload of this one) tries again.
    client.catch(() => byBootstrap.delete(key))
    byBootstrap.set(key, client)
  }
  return client
}
