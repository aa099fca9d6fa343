// Builds the state-transition circuit's input from the ledger's applied steps,
// padding unused slots with explicit no-ops (enabled = 0, amount = 0).
import type { TransferStep } from '../core/ledger.ts'
import { computeTxRoot } from '../core/tx-root.ts'
import type { CircuitProfile } from './profiles.ts'

export type CircuitInput = Record<string, string | string[] | string[][]>

export class WitnessInputError extends Error {
  override name = 'WitnessInputError'
}

const dec = (x: bigint | number): string => x.toString()

/**
 * `oldRoot` is the parent's state root; `steps` are the block's transfers as
 * applied in order by `applyBlockTransfers` (at most `profile.batch`); `chainTag` is
 * the network's signing tag (src/core/chain.ts chainTagOf).
 */
export function buildWitnessInput(steps: readonly TransferStep[], profile: CircuitProfile, oldRoot: bigint, chainTag: bigint): CircuitInput {
  const B = profile.batch
  const D = profile.depth
  if (steps.length > B) throw new WitnessInputError(`a block of ${steps.length} transfers exceeds the circuit batch ${B}`)
  if (steps.length > 0 && (steps[0] as TransferStep).oldRoot !== oldRoot) throw new WitnessInputError('first step does not start at oldRoot')
  for (let i = 1; i < steps.length; i++) {
    if ((steps[i] as TransferStep).oldRoot !== (steps[i - 1] as TransferStep).newRoot) throw new WitnessInputError(`step ${i} does not continue step ${i - 1}`)
  }
  const zeros = (): string[] => Array.from({ length: D }, () => '0')
  const col = (f: (s: TransferStep) => string, pad: string): string[] => Array.from({ length: B }, (_, i) => (i < steps.length ? f(steps[i] as TransferStep) : pad))
  const siblings = (f: (s: TransferStep) => bigint[]): string[][] =>
    Array.from({ length: B }, (_, i) => {
      if (i >= steps.length) return zeros()
      const s = f(steps[i] as TransferStep)
      if (s.length !== D) throw new WitnessInputError(`expected ${D} siblings, got ${s.length}`)
      return s.map(dec)
    })
  const newRoot = steps.length > 0 ? (steps[steps.length - 1] as TransferStep).newRoot : oldRoot
  return {
    oldRoot: dec(oldRoot),
    newRoot: dec(newRoot),
    txRoot: dec(
      computeTxRoot(
        chainTag,
        steps.map((s) => s.transfer),
      ),
    ),
    chainTag: dec(chainTag),
    enabled: col(() => '1', '0'),
    from: col((s) => dec(s.transfer.from), '0'),
    to: col((s) => dec(s.transfer.to), '0'),
    toAx: col((s) => dec(s.transfer.toPubKey[0]), '0'),
    toAy: col((s) => dec(s.transfer.toPubKey[1]), '0'),
    amount: col((s) => dec(s.transfer.amount), '0'),
    nonce: col((s) => dec(s.transfer.nonce), '0'),
    sigR8x: col((s) => dec(s.transfer.sig.R8[0]), '0'),
    sigR8y: col((s) => dec(s.transfer.sig.R8[1]), '0'),
    sigS: col((s) => dec(s.transfer.sig.S), '0'),
    senderAx: col((s) => dec(s.sender.before.pubKey[0]), '0'),
    senderAy: col((s) => dec(s.sender.before.pubKey[1]), '0'),
    senderBalance: col((s) => dec(s.sender.before.balance), '0'),
    senderSiblings: siblings((s) => s.sender.siblings),
    receiverIsNew: col((s) => (s.receiver.before === null ? '1' : '0'), '1'),
    receiverBalance: col((s) => dec(s.receiver.before?.balance ?? 0n), '0'),
    receiverNonce: col((s) => dec(s.receiver.before?.nonce ?? 0), '0'),
    receiverSiblings: siblings((s) => s.receiver.siblings),
  }
}
