// Circuit profiles: batch size B, tree depth D and chain id are compiled into the
// circuit, so each profile is its own set of artifacts.

export interface CircuitProfile {
  name: 'test' | 'devnet'
  /** Transfers per block (circuit slots). */
  batch: number
  /** Accounts tree depth. */
  depth: number
  /** Chain id bound into every transfer signature. */
  chainId: number
  /** Powers of tau size: 2^ptauPower must exceed constraints + public inputs. */
  ptauPower: number
}

export const PROFILES: Record<CircuitProfile['name'], CircuitProfile> = {
  // ~28k constraints: cold build about 75 s on 2 cores; used by CI.
  test: { name: 'test', batch: 2, depth: 8, chainId: 31337, ptauPower: 15 },
  // ~87k constraints (docs/performance.md); needs 2^17.
  devnet: { name: 'devnet', batch: 4, depth: 16, chainId: 1337, ptauPower: 17 },
}

export function getProfile(name: string): CircuitProfile {
  const p = (PROFILES as Record<string, CircuitProfile>)[name]
  if (!p) throw new RangeError(`unknown circuit profile "${name}" (test | devnet)`)
  return p
}
