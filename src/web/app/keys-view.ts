// The Keys card: generate or import account keys into the page's devnet key store
// (IndexedDB, unencrypted, with a warning saying so), list them, and offer them as the
// Send form's senders. An imported key is checked against its address before it is kept.
import { encodeAddress } from '../../core/address.ts'
import { bytesToHex } from '../../core/bytes.ts'
import { derivePublicKey } from '../../core/eddsa.ts'
import type { KeyStore, StoredKey } from '../../store/idb-key-store.ts'
import { $, h } from './dom.ts'
import { describeError } from './messages.ts'
import { checkAddress, checkKeyForAddress } from './validate.ts'
import { showFieldError } from './field-errors.ts'

export class KeysView {
  private keys: StoredKey[] = []
  private readonly listeners: ((keys: StoredKey[]) => void)[] = []

  constructor(
    private readonly store: KeyStore,
    private readonly depth: number,
  ) {
    $('key-generate').addEventListener('click', () => void this.generate())
    $('key-import-form').addEventListener('submit', (e) => {
      e.preventDefault()
      void this.import()
    })
  }

  onChange(fn: (keys: StoredKey[]) => void): void {
    this.listeners.push(fn)
    fn(this.keys)
  }

  get all(): StoredKey[] {
    return this.keys
  }

  async load(): Promise<void> {
    try {
      this.keys = await this.store.list()
    } catch (err) {
      $('keys-status').textContent = `The key store cannot be read: ${describeError(err)}`
    }
    this.render()
  }

  private async generate(): Promise<void> {
    const secret = globalThis.crypto.getRandomValues(new Uint8Array(32))
    // A random slot, as `zklight keygen` picks one: a slot already taken refuses transfers to this key.
    const index = globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! % 2 ** this.depth
    const address = encodeAddress(index, derivePublicKey(secret))
    await this.save({ address, index, privateKey: bytesToHex(secret), label: `generated ${new Date().toISOString().slice(0, 19).replace('T', ' ')}`, createdAt: Date.now() }, 'Generated')
  }

  private async import(): Promise<void> {
    const addrInput = $<HTMLInputElement>('import-address')
    const keyInput = $<HTMLInputElement>('import-key')
    const addr = checkAddress(addrInput.value, 'address', this.depth)
    showFieldError(addrInput, addr.ok ? undefined : addr.message)
    if (!addr.ok) return
    const key = checkKeyForAddress(keyInput.value, addr.value)
    showFieldError(keyInput, key.ok ? undefined : key.message)
    if (!key.ok) return
    const label = $<HTMLInputElement>('import-label').value.trim() || `imported slot ${addr.value.index}`
    await this.save({ address: addrInput.value.trim().toLowerCase(), index: addr.value.index, privateKey: bytesToHex(key.value), label, createdAt: Date.now() }, 'Imported')
    keyInput.value = ''
    addrInput.value = ''
    $<HTMLInputElement>('import-label').value = ''
  }

  private async save(k: StoredKey, verb: string): Promise<void> {
    try {
      await this.store.put(k)
      this.keys = [...this.keys.filter((x) => x.address !== k.address), k]
      $('keys-status').textContent = `${verb} ${k.label}: ${k.address}`
      this.render()
    } catch (err) {
      $('keys-status').textContent = `Could not store the key: ${describeError(err)}`
    }
  }

  private async remove(address: string): Promise<void> {
    await this.store.remove(address)
    this.keys = this.keys.filter((k) => k.address !== address)
    $('keys-status').textContent = 'Key removed from this browser.'
    this.render()
  }

  private render(): void {
    $('keys-list').replaceChildren(
      ...(this.keys.length === 0
        ? [h('li', { class: 'muted' }, 'No keys in this browser yet.')]
        : this.keys.map((k) => {
            const remove = h('button', { type: 'button', class: 'small', 'aria-label': `Remove ${k.label}` }, 'Remove')
            remove.addEventListener('click', () => void this.remove(k.address))
            return h('li', { 'data-address': k.address }, h('strong', {}, k.label), ' · slot ', String(k.index), ' ', h('span', { class: 'mono' }, k.address), ' ', remove)
          })),
    )
    for (const fn of this.listeners) fn(this.keys)
  }
}
