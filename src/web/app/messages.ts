// Failures and rejections in words for the page: what happened and what to do, instead of
// an error class name. Tests and scripts keep using `name`/`reason`; this is only for people.
import { formatDuration } from './format.ts'

/** Why a node refuses a transfer (the ledger rules of src/core/ledger.ts, and the mempool's own). */
const TRANSFER_REASONS: Record<string, string> = {
  'bad-nonce': "the transfer's nonce is not the sender's next one (another transfer from this account may still be on its way); wait for it and send again",
  'insufficient-balance': "the sender's balance is lower than the amount",
  'bad-signature': "the signature does not match the sender's key",
  'bad-amount': 'the amount is zero or too large',
  'self-transfer': 'the sender and the receiver are the same account',
  'unknown-sender': 'the sender account does not exist on this network',
  'index-out-of-range': "an address names an account slot outside this network's tree",
  'bad-receiver-key': "the receiver's key cannot receive funds (it is not a valid key)",
  'receiver-mismatch': "the receiver's account slot belongs to a different key than the address names",
  'balance-overflow': "the receiver's balance would overflow",
  'nonce-exhausted': 'the sender has used every nonce',
  duplicate: 'the node already has this exact transfer',
  'mempool-full': 'the node is busy (its queue of transfers is full); try again shortly',
  'no-upstream': 'the node could not pass it on to a block producer',
}

export function describeTransferReason(reason: string): string {
  return TRANSFER_REASONS[reason] ?? `the node refused it (${reason})`
}

/** A sentence for any failure the page shows; unknown errors keep their message. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const e = err as Error & { reason?: string; lagMs?: number; lagBlocks?: number }
  switch (e.name) {
    case 'TransferRejected':
      return `The node refused the transfer: ${describeTransferReason(e.reason ?? '')}.`
    case 'TransferNotIncluded':
      return e.reason === 'nonce-taken'
        ? 'Another transfer from this sender with the same nonce was included instead, so this one can never be.'
        : 'The transfer did not appear in a verified block in time. It may still land: check the balance before sending again.'
    case 'NoVerifiedAnswer':
      return 'No node gave an answer that verified: none was reachable, or what they sent failed verification (those peers are banned).'
    case 'StaleView':
      return `The verified view is too old to use (${formatDuration(e.lagMs ?? Infinity)} old, ${e.lagBlocks ?? 0} certified blocks not yet proven); waiting for newer proven blocks.`
    case 'ClientHalted':
      return 'The light client stopped following the chain for safety: validators signed two different blocks at one height. The last safe checkpoint is kept.'
    case 'ClientStopped':
      return 'The light client is not running.'
    case 'BadAddress':
      return e.reason === 'key-mismatch' ? 'That account slot belongs to a different key than the address names.' : 'That is not a zklight address.'
    case 'VerificationKeyMismatch':
      return "The verification key served with the page is not the one this network's genesis commits to: refusing it."
    case 'BadTrustAnchor':
    case 'BadBootstrap':
      return `The trust anchor this page was given is unusable: ${e.message}`
    default:
      return e.message || e.name
  }
}
