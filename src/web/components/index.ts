// The embeddable zklight elements: <zklight-balance> and <zklight-status>. Import and call
// defineZklightElements() (optionally with your client), or load elements.ts's build as a
// plain <script type="module"> and give each element a `bootstrap` attribute.
import type { LightClientLike } from '../../client/client-view.ts'
import { setZklightClient } from './client-registry.ts'
import { ZklightBalanceElement } from './zklight-balance.ts'
import { ZklightStatusElement } from './zklight-status.ts'

export { ZklightBalanceElement, ZklightStatusElement, setZklightClient }
export { parseMaxAge, DEFAULT_MAX_AGE_MS } from './element-base.ts'

/**
 * Registers the elements (once per page; a second call only sets the client). With `client`,
 * elements without a `bootstrap` attribute use it; all elements of one bootstrap URL share one.
 */
export function defineZklightElements(opts: { client?: LightClientLike } = {}): void {
  if (opts.client) setZklightClient(opts.client)
  if (typeof customElements === 'undefined') return // server-side rendering: nothing to define
  if (!customElements.get('zklight-balance')) customElements.define('zklight-balance', ZklightBalanceElement)
  if (!customElements.get('zklight-status')) customElements.define('zklight-status', ZklightStatusElement)
}
