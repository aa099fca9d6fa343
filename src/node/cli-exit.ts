// Exit codes of the zklight CLI (docs/node.md#exit-codes), chosen by the failure's
// error `name`, so a script can tell a bad command line from a broken trust setup
// from a network that did not answer.
import { UsageError } from './errors.ts'

export const EXIT = { ok: 0, failure: 1, usage: 2, trust: 3, network: 4 } as const

/** What the user trusts did not hold: the anchor, the verification key, a ceremony, or the chain itself (equivocation). */
export const TRUST_FAILURES: ReadonlySet<string> = new Set([
  'VerificationKeyMismatch',
  'BadVerificationKey',
  'BadTrustAnchor',
  'NoTrustAnchor',
  'ChainSpecError',
  'ChainMismatch',
  'ClientHalted',
  'CeremonyInvalid',
])

/** Peers could not be reached or used: nothing is known to be wrong with what the user trusts. */
export const NETWORK_FAILURES: ReadonlySet<string> = new Set(['PeerUnreachable', 'NotZklightPeer', 'NoVerifiedView', 'NoVerifiedAnswer', 'StaleView', 'BootstrapFailed', 'DialFailed'])

export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage
  const name = err instanceof Error ? err.name : ''
  if (TRUST_FAILURES.has(name)) return EXIT.trust
  if (NETWORK_FAILURES.has(name)) return EXIT.network
  return EXIT.failure
}
