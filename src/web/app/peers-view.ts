// The Peers card: each connected zklight peer with the transport it is reached over,
// its score and height; peers banned for an offence or dropped for faults, with the
// reason in words; and bootstrap addresses that could not be reached or speak no zklight.
import type { BannedEvent, LightClientView, UnreachableEvent } from '../../client/index.ts'
import { $, h } from './dom.ts'
import { formatClock, shortId, TRANSPORT_NAMES } from './format.ts'

const REFRESH_MS = 1_000
const KEEP = 20

/** What each offence or fault means for the person reading the page. */
const WHY: Record<string, string> = {
  'proof-invalid': 'served a block whose Groth16 proof does not verify',
  'broken-link': 'served a header that does not link to the verified chain (or of another network)',
  'bad-block': 'served a block that breaks the block rule',
  'bad-certificate': 'sent a certificate that does not verify against the validator set',
  malformed: 'sent bytes that do not decode, or over the size limit',
  'bad-account-proof': 'served an account proof that does not verify against the verified state root',
  'foreign-chain': 'is on another network',
  timeout: 'stopped answering in time',
  unavailable: 'could not serve what was asked',
  error: 'failed requests',
  stale: 'answered from an older state than asked for',
}

type Client = Pick<LightClientView, 'on' | 'peers'>

export class PeersView {
  private readonly bans: (BannedEvent & { at: number })[] = []
  private readonly unreachable = new Map<string, UnreachableEvent & { at: number }>()

  constructor(private readonly client: Client) {
    client.on('banned', (b) => {
      this.bans.unshift({ ...b, at: Date.now() })
      this.bans.length = Math.min(this.bans.length, KEEP)
      this.render()
    })
    client.on('unreachable', (u) => {
      this.unreachable.set(u.peer, { ...u, at: Date.now() })
      this.render()
    })
    setInterval(() => this.render(), REFRESH_MS)
    this.render()
  }

  render(): void {
    const peers = this.client.peers()
    const connected = new Set(peers.map((p) => p.id))
    $('peers-list').replaceChildren(
      ...(peers.length === 0
        ? [h('li', { class: 'muted' }, 'no zklight peer connected yet')]
        : peers.map((p) =>
            h(
              'li',
              { 'data-peer': p.id, 'data-transport': p.transport },
              h('strong', {}, TRANSPORT_NAMES[p.transport]),
              ' ',
              h('code', {}, p.transport),
              ' · ',
              h('span', { class: 'mono', title: p.id }, shortId(p.id)),
              ` · height ${p.height < 0 ? 'not yet known' : p.height} · score ${p.score}`,
              p.bannedUntil ? ` · banned until ${formatClock(p.bannedUntil)}` : '',
            ),
          )),
    )
    $('bans-list').replaceChildren(
      ...(this.bans.length === 0
        ? [h('li', { class: 'muted' }, 'none')]
        : this.bans.map((b) =>
            h(
              'li',
              { 'data-peer': b.peer, 'data-why': b.why },
              h('span', { class: 'mono', title: b.peer }, shortId(b.peer)),
              ` ${b.kind === 'offence' ? 'banned' : 'dropped for a while'} at ${formatClock(b.at)}: ${WHY[b.why] ?? b.why}`,
              b.detail && b.detail !== 'score too low' ? ` (${b.detail})` : '',
              ' ',
              h('code', {}, b.why),
            ),
          )),
    )
    const failing = [...this.unreachable.values()].filter((u) => !connected.has(u.peer))
    $('unreachable-list').replaceChildren(
      ...(failing.length === 0
        ? [h('li', { class: 'muted' }, 'none')]
        : failing.map((u) =>
            h(
              'li',
              { 'data-peer': u.peer, 'data-reason': u.reason },
              h('span', { class: 'mono', title: u.peer }, shortId(u.peer)),
              u.reason === 'not-zklight' ? ' answered but does not speak zklight' : ` could not be reached (${u.error instanceof Error ? u.error.message : 'dial failed'})`,
              ` · last tried ${formatClock(u.at)}`,
            ),
          )),
    )
  }
}
