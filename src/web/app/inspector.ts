// The proof inspector: opens under a verified balance to show what was checked, in
// words and with the data: the account leaf and its Merkle path up to the state root,
// the header at that height, the certificate that covers it (and who signed it), and
// the block's Groth16 proof with the public inputs it was checked against.
import type { InspectedBlock, VerifiedBalance } from '../../client/index.ts'
import { bytesToHex } from '../../core/bytes.ts'
import { h } from './dom.ts'
import { fieldHex, formatClock, shortHex } from './format.ts'

export interface InspectInput {
  address: string
  balance: VerifiedBalance
  /** What the client holds about the block at the balance's height (undefined once it left the cache). */
  block: InspectedBlock | undefined
  depth: number
}

/** The words: what the client checked for this balance, one step per line. */
function checks(i: InspectInput): string[] {
  const b = i.balance
  const blk = i.block
  const steps = [
    b.exists
      ? `The account leaf (key, balance ${b.balance}, nonce ${b.nonce}) hashed with its ${b.proof.siblings.length} sibling hashes gives the state root of block ${b.height}: the balance is in that state.`
      : `The empty leaf at slot ${b.proof.index} hashed with its ${b.proof.siblings.length} sibling hashes gives the state root of block ${b.height}: no account exists there yet, so the balance is 0.`,
  ]
  if (!blk) {
    steps.push(`That state root is the one of block ${b.height}, which this page verified (its header, proof and certificate are no longer kept in memory to show).`)
    return steps
  }
  if (blk.source === 'checkpoint')
    steps.push(`Block ${b.height} is the checkpoint this page started from: its header was checked against the trust anchor (and, for a stored checkpoint, against its certificate).`)
  else if (blk.proof)
    steps.push(
      `Block ${b.height}'s state transition is proven: its Groth16 proof verified with public inputs [parent's state root, this state root, transactions root], so its ${blk.transfers} transfer(s) follow the ledger rules.`,
    )
  else steps.push(`Block ${b.height} has no transfers, so it carries no proof: its state root must equal its parent's, and it does (the parent is proven or the checkpoint).`)
  if (blk.certificate) {
    const c = blk.certificate
    const via =
      c.height === blk.height
        ? 'its own header'
        : `the header of block ${c.height}, which hash-links back to block ${blk.height} (${c.height - blk.height} block${c.height - blk.height === 1 ? '' : 's'} later)`
    steps.push(`Validators ${c.signers.join(', ')} (${c.signers.length} of ${c.validators}, more than two thirds) signed ${via}: the block is on the chain the validator set certified.`)
  }
  if (blk.source === 'synced') steps.push('Every header from the checkpoint to this block hash-links to its parent and every block with transfers carries a proof that verified.')
  return steps
}

/** The Merkle path: one line per level, from the leaf up (the index's bits say on which side each sibling sits). */
function merklePath(i: InspectInput): HTMLElement {
  const { index, siblings } = i.balance.proof
  return h(
    'ol',
    // Scrollable, so it takes keyboard focus (and a name) like any scroll region.
    { class: 'merkle-path mono', start: 0, tabindex: 0, 'aria-label': 'Merkle path, leaf to root' },
    ...siblings.map((s, level) =>
      h('li', { title: fieldHex(s) }, `level ${level}: sibling on the ${(BigInt(index) >> BigInt(level)) & 1n ? 'left' : 'right'} `, h('span', {}, shortHex(s.toString(16).padStart(64, '0'), 8))),
    ),
  )
}

function proofHex(proof: Uint8Array): HTMLElement {
  const hex = bytesToHex(proof)
  const lines = hex.match(/.{1,64}/g) ?? []
  return h('pre', { class: 'proof-hex', 'aria-label': 'Groth16 proof, 256 bytes in hex' }, lines.join('\n'))
}

export function renderInspector(i: InspectInput): HTMLDetailsElement {
  const b = i.balance
  const blk = i.block
  const dl = h('dl', {})
  const row = (term: string, value: Node | string, full?: string) => dl.append(h('dt', {}, term), h('dd', full ? { class: 'mono', title: full } : {}, value))
  row('Account slot', `${b.proof.index} of ${2 ** i.depth}`)
  row('State root', shortHex(b.stateRoot.toString(16).padStart(64, '0')), fieldHex(b.stateRoot))
  row('Height', String(b.height))
  if (blk) {
    row('Header hash', shortHex(blk.hash), `0x${blk.hash}`)
    row('Parent hash', shortHex(bytesToHex(blk.header.parentHash)), `0x${bytesToHex(blk.header.parentHash)}`)
    row('Transactions root', shortHex(blk.header.txRoot.toString(16).padStart(64, '0')), fieldHex(blk.header.txRoot))
    row('Block time', `${formatClock(blk.header.timestamp)} UTC`)
    row(
      'Certificate',
      blk.certificate
        ? `on block ${blk.certificate.height} (${shortHex(blk.certificate.headerHash)}): validators ${blk.certificate.signers.join(', ')} of ${blk.certificate.validators}`
        : 'none kept for this block',
    )
  }
  const details = h(
    'details',
    { class: 'inspector', 'data-height': b.height },
    h('summary', {}, 'Inspect the proof of this balance'),
    h('h4', {}, 'What was checked'),
    h('ol', { class: 'checks' }, ...checks(i).map((s) => h('li', {}, s))),
    dl,
    h('h4', {}, `Merkle path (${b.proof.siblings.length} levels, leaf to root)`),
    merklePath(i),
    h('h4', {}, "The block's proof"),
    blk?.proof ? proofHex(blk.proof) : h('p', {}, blk ? (blk.source === 'checkpoint' ? 'The checkpoint: trusted from the anchor, no proof needed.' : 'An empty block: no proof.') : 'No longer kept.'),
  )
  return details
}
