// Bounded staleness on a producing node: how many blocks may wait for their proofs, a
// number that grows with the prover workers serving the node, and when the mempool
// refuses new transfers (`busy`). docs/node.md ("Bounded staleness") derives the bound
// on the verified head's age these give.
import { BACKLOG_BLOCKS_PER_WORKER, MAX_UNPROVEN_BLOCKS } from './constants.ts'

/** Blocks with transfers that may wait for proofs before the proposer cuts only empty blocks. */
export function backlogLimit(workers: number): number {
  return Math.max(MAX_UNPROVEN_BLOCKS, BACKLOG_BLOCKS_PER_WORKER * workers)
}

/**
 * The mempool size at which new transfers are refused `busy`: what the blocks of one full
 * backlog can carry, so a transfer accepted now is in a block within one backlog's time
 * once the current backlog clears, instead of behind a queue that only grows.
 */
export function mempoolBusyAt(workers: number, batch: number): number {
  return backlogLimit(workers) * batch
}
