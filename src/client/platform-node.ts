// What the light client builds differently in Node: the verifier (worker threads) and a
// dial-only libp2p host over TCP and WebSockets (no WebRTC, so no native WebRTC module).
// Picked by the `#platform` import's `node` condition (package.json `imports`).
import '../polyfill.ts'
import type { ProofVerifier } from '../zk/proof-verifier.ts'
import type { VerifierBackend } from '../zk/verifier-backend.ts'
import type { VerifierPoolOptions } from '../zk/verifier-pool.ts'
import type { PlatformHostOptions } from './platform-browser.ts'

export type { PlatformHostOptions }

export async function createPlatformVerifier(vk: unknown, backend?: VerifierBackend, options?: VerifierPoolOptions): Promise<ProofVerifier> {
  const { createNodeVerifierPool } = await import('../zk/node-verifier.ts')
  return createNodeVerifierPool(vk, undefined, backend, options)
}

export async function createPlatformHost(_opts: PlatformHostOptions): Promise<unknown> {
  const { createNodeClientHost } = await import('../net/node-client-host.ts')
  return createNodeClientHost()
}
