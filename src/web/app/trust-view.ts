// The setup-class banner and the Trust card: what this page trusts, from the trust
// anchor bootstrap.json handed it (genesis, the parameters the genesis commits to, the
// checkpoint it starts from), and what the class of the trusted setup means for proofs.
// First-chunk code: it needs only the decoded anchor.
import { bytesToHex } from '../../core/bytes.ts'
import { hashHeader } from '../../core/header.ts'
import type { TrustAnchor } from '../../core/types.ts'
import { $, h } from './dom.ts'
import { formatClock, shortHex } from './format.ts'

function setupWords(anchor: TrustAnchor): { title: string; text: string; level: 'danger' | 'warn' | 'ok' } {
  const p = anchor.params
  if (p.setupClass === 'insecure-dev')
    return {
      title: 'Insecure development setup',
      text: "This network's proving keys come from an insecure development setup: whoever made it can forge a proof of any state, so a verified balance here means nothing outside a devnet. Never use it for value.",
      level: 'danger',
    }
  if (p.setupClass === 'single-party')
    return {
      title: 'Single-party setup',
      text: "One party made this network's proving keys: whoever made that one contribution can forge proofs. Trust it only as far as you trust them.",
      level: 'warn',
    }
  return {
    title: `Ceremony of ${p.contributions} contributors`,
    text: `This network's proving keys come from a ceremony of ${p.contributions} verified contributions: proofs cannot be forged unless every contributor colluded (and the powers of tau were sound).`,
    level: 'ok',
  }
}

export function renderSetupBanner(anchor: TrustAnchor): void {
  const w = setupWords(anchor)
  const banner = $('setup-banner')
  banner.dataset.setup = anchor.params.setupClass
  banner.dataset.level = w.level
  banner.replaceChildren(h('strong', {}, `Trusted setup: ${w.title}. `), w.text)
}

export function renderTrustAnchor(anchor: TrustAnchor, startedFrom: string): void {
  const p = anchor.params
  const cp = anchor.checkpoint
  const row = (term: string, value: Node | string, full?: string) => [h('dt', {}, term), h('dd', full ? { class: 'mono', title: full } : {}, value)]
  const hex = (b: Uint8Array) => {
    const x = bytesToHex(b)
    return [shortHex(x), x] as const
  }
  const [genesis, genesisFull] = hex(hashHeader(anchor.genesis))
  const [network, networkFull] = hex(p.networkId)
  const [vk, vkFull] = hex(p.vkHash)
  const [transcript, transcriptFull] = hex(p.transcriptHash)
  const [cpHash, cpHashFull] = hex(cp.headerHash)
  $('trust-anchor').replaceChildren(
    ...row('Started from', startedFrom),
    ...row('Genesis hash', genesis, genesisFull),
    ...row('Chain id', String(cp.chainId)),
    ...row('Network id', network, networkFull),
    ...row('Circuit', `${p.batch} transfers a block, accounts tree of depth ${p.depth} (${2 ** p.depth} accounts)`),
    ...row('Verification key hash', vk, vkFull),
    ...row('Setup', `${p.setupClass}, ${p.contributions} contribution${p.contributions === 1 ? '' : 's'}`),
    ...row('Setup transcript hash', transcript, transcriptFull),
    ...row('Validators', `${cp.validatorSet.length} (a head needs signatures of more than ${Math.floor((2 * cp.validatorSet.length) / 3)})`),
    ...row('Pinned checkpoint', `height ${cp.height}`),
    ...row('Checkpoint header hash', cpHash, cpHashFull),
    ...row('Genesis time', `${new Date(anchor.genesis.timestamp).toISOString().slice(0, 10)} ${formatClock(anchor.genesis.timestamp)} UTC`),
  )
}
