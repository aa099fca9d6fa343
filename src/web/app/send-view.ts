// The Send form: the sender is picked from the page's key store; every field is checked
// before anything is signed (amount, addresses with their checksums, the key against the
// sender address, the amount against the sender's verified balance); then the transfer's
// progress: signed → accepted by a node → in a certified block → proven and verified.
import type { LightClientView, TransferProgress } from '../../client/index.ts'
import { chainTagOf } from '../../core/chain.ts'
import { hexToBytes } from '../../core/bytes.ts'
import { signTransfer } from '../../core/transfer.ts'
import type { StoredKey } from '../../store/idb-key-store.ts'
import { $, h } from './dom.ts'
import { showFieldError } from './field-errors.ts'
import { describeError } from './messages.ts'
import { checkAddress, checkAmount, checkKeyForAddress } from './validate.ts'

type Client = Pick<LightClientView, 'on' | 'getBalance' | 'submitTransfer'>
type Stage = 'signed' | 'accepted' | 'certified' | 'verified'

const STAGES: { stage: Stage; text: string }[] = [
  { stage: 'signed', text: 'Signed in this page' },
  { stage: 'accepted', text: 'Accepted by a node' },
  { stage: 'certified', text: 'In a certified block' },
  { stage: 'verified', text: 'Proven and verified' },
]

export class SendView {
  private keys: StoredKey[] = []
  private busy = false
  /** Certified heads seen since the node accepted the transfer: the wait for a proof, made visible. */
  private certifiedSince = 0
  private sending = false

  constructor(
    private readonly client: Client,
    private readonly opts: { genesisHash: Uint8Array; depth: number },
  ) {
    $('send-form').addEventListener('submit', (e) => {
      e.preventDefault()
      void this.send()
    })
    client.on('pending', () => {
      if (!this.sending) return
      this.certifiedSince++
      const li = document.querySelector<HTMLElement>('#send-progress li[data-stage="certified"][data-state="active"] .note')
      if (li) li.textContent = ` — ${this.certifiedSince} certified block(s) since acceptance; the client can look inside a block only once its proof is served`
    })
  }

  setKeys(keys: StoredKey[]): void {
    this.keys = keys
    const select = $<HTMLSelectElement>('send-from')
    const chosen = select.value
    select.replaceChildren(
      h('option', { value: '' }, keys.length === 0 ? 'no key yet: generate or import one above' : 'choose a sender'),
      ...keys.map((k) => h('option', { value: k.address, selected: k.address === chosen }, `${k.label} — ${k.address.slice(0, 14)}…${k.address.slice(-6)}`)),
    )
  }

  private async send(): Promise<void> {
    if (this.busy) return
    const out = $('send-result')
    out.className = ''
    delete out.dataset.height
    out.textContent = ''
    const fromSel = $<HTMLSelectElement>('send-from')
    const toInput = $<HTMLInputElement>('send-to')
    const amountInput = $<HTMLInputElement>('send-amount')
    const key = this.keys.find((k) => k.address === fromSel.value)
    const fromErr = key ? undefined : 'Choose a sender from the keys kept in this browser.'
    const from = key ? checkAddress(key.address, 'sender address', this.opts.depth) : undefined
    const to = checkAddress(toInput.value, 'receiver address', this.opts.depth)
    const amount = checkAmount(amountInput.value)
    let toErr = to.ok ? undefined : to.message
    if (to.ok && from?.ok && to.value.index === from.value.index) toErr = 'The receiver is the sender: a transfer must go to another account.'
    const own = key && from?.ok ? checkKeyForAddress(key.privateKey, from.value, 'stored key') : undefined
    showFieldError(fromSel, fromErr ?? (from && !from.ok ? from.message : own && !own.ok ? own.message : undefined))
    showFieldError(toInput, toErr)
    showFieldError(amountInput, amount.ok ? undefined : amount.message)
    if (!key || !from?.ok || !own?.ok || !to.ok || toErr || !amount.ok) {
      out.className = 'error'
      out.textContent = 'Nothing was signed: fix the fields marked above.'
      return
    }
    this.busy = true
    const button = $<HTMLButtonElement>('send-submit')
    button.disabled = true
    try {
      out.textContent = "Checking the sender's verified balance…"
      const sender = await this.client.getBalance(key.address)
      if (sender.balance < amount.value) {
        showFieldError(amountInput, `The amount is more than the sender's verified balance (${sender.balance} at height ${sender.height}).`)
        out.className = 'error'
        out.textContent = 'Nothing was signed: fix the fields marked above.'
        return
      }
      const signed = signTransfer(hexToBytes(key.privateKey), chainTagOf(this.opts.genesisHash), {
        from: from.value.index,
        to: to.value.index,
        toPubKey: to.value.pubKey,
        amount: amount.value,
        nonce: sender.nonce,
      })
      this.showStages('signed', `nonce ${sender.nonce}`)
      out.textContent = 'Submitting…'
      this.sending = true
      this.certifiedSince = 0
      const inclusion = await this.client.submitTransfer(signed, { onProgress: (p) => this.onProgress(p) })
      out.className = 'verified'
      out.dataset.height = String(inclusion.height)
      out.textContent = `Sent ${amount.value}: included in verified block ${inclusion.height} (position ${inclusion.index}).`
    } catch (err) {
      out.className = 'error'
      out.textContent = `Failed: ${describeError(err)}`
      const active = document.querySelector<HTMLElement>('#send-progress li[data-state="active"]')
      if (active) active.dataset.state = 'failed'
    } finally {
      this.sending = false
      this.busy = false
      button.disabled = false
    }
  }

  private onProgress(p: TransferProgress): void {
    const note = p.stage === 'accepted' ? `by ${p.peer.slice(0, 8)}…` : `block ${p.height}`
    this.showStages(p.stage, note)
  }

  /** Marks `stage` done (with `note`) and the next one active. */
  private showStages(stage: Stage, note: string): void {
    const list = $('send-progress')
    if (stage === 'signed') list.replaceChildren(...STAGES.map((s) => h('li', { 'data-stage': s.stage, 'data-state': 'todo' }, s.text, h('span', { class: 'note' }))))
    const at = STAGES.findIndex((s) => s.stage === stage)
    STAGES.forEach((s, i) => {
      const li = list.querySelector<HTMLElement>(`li[data-stage="${s.stage}"]`)
      if (!li) return
      if (i <= at && li.dataset.state !== 'done') {
        li.dataset.state = 'done'
        const n = li.querySelector('.note')
        if (n && i === at) n.textContent = ` — ${note}`
      } else if (i === at + 1) li.dataset.state = 'active'
    })
  }
}
