// Circuit profiles: batch size B and tree depth D are compiled into the circuit, so
// each profile is its own set of artifacts. The network a proof is for is a public
// input (chainTag), so one set of keys serves any number of networks.

export interface CircuitProfile {
  name: 'test' | 'devnet'
  /** Transfers per block (circuit slots). */
  batch: number
  /** Accounts tree depth. */
  depth: number
  /** Powers of tau size: 2^ptauPower must exceed constraints + public inputs. */
  ptauPower: number
}

export const PROFILES: Record<CircuitProfile['name'], CircuitProfile> = {
  // ~28k constraints: cold build about 75 s on 2 cores; used by CI.
  test: { name: 'test', batch: 2, depth: 8, ptauPower: 15 },
  // ~87k constraints (docs/performance.md); needs 2^17.
  devnet: { name: 'devnet', batch: 4, depth: 16, ptauPower: 17 },
}

export function getProfile(name: string): CircuitProfile {
  const p = (PROFILES as Record<string, CircuitProfile>)[name]
  if (!p) throw new RangeError(`unknown circuit profile "${name}" (test | devnet)`)
  return p
}
