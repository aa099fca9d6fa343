// What the light client builds differently in a browser: the verifier (Web Workers) and
// the libp2p host (WebRTC-Direct, WebSockets, WebRTC). Chosen by the `#platform` import
// (package.json `imports`: the `node` condition picks platform-node.ts), so a bundle for
// one platform never contains the other's code.
import type { ProofVerifier } from '../zk/proof-verifier.ts'
import type { VerifierBackend } from '../zk/verifier-backend.ts'
import type { VerifierPoolOptions } from '../zk/verifier-pool.ts'
import { mark } from './deps.ts'

export interface PlatformHostOptions {
  rtcConfiguration: RTCConfiguration
  /** WARNING: lets a browser dial loopback/private addresses and ws:// (devnets). */
  allowPrivateAddresses: boolean
}

export async function createPlatformVerifier(vk: unknown, backend?: VerifierBackend, options?: VerifierPoolOptions): Promise<ProofVerifier> {
  const { createBrowserVerifier } = await import('./browser-verifier.ts')
  return createBrowserVerifier(vk, undefined, backend, options)
}

export async function createPlatformHost(opts: PlatformHostOptions): Promise<unknown> {
  const { createBrowserHost } = await import('../net/browser-host.ts')
  mark('zklight:host-module-loaded')
  return createBrowserHost({ rtcConfiguration: opts.rtcConfiguration, allowPrivateAddresses: opts.allowPrivateAddresses })
}
