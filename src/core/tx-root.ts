// The transaction commitment a header carries: a Poseidon fold over transfer hashes.
import { poseidon } from './poseidon.ts'
import { hashTransfer, type UnsignedTransfer } from './transfer.ts'

/** acc_0 = 0, acc_i = H(acc_{i-1}, txHash(t_i)); an empty block commits to 0. */
export function computeTxRoot(chainTag: bigint, transfers: readonly UnsignedTransfer[]): bigint {
  let acc = 0n
  for (const t of transfers) acc = poseidon([acc, hashTransfer(chainTag, t)])
  return acc
}
