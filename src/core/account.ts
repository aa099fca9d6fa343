// Account leaves of the state tree (docs/spec.md#accounts-and-the-state-tree).
import { poseidon } from './poseidon.ts'
import type { Account } from './types.ts'

/** Leaf of a present account: H(Ax, Ay, balance, nonce). The empty leaf is 0. */
export function hashAccount(a: Account): bigint {
  return poseidon([a.pubKey[0], a.pubKey[1], a.balance, BigInt(a.nonce)])
}
