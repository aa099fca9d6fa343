// The Send form's field checks (src/web/app/validate.ts): each bad input is caught before
// signing with a message that names the field and the fault, not a peer's refusal.
import { describe, expect, it } from 'vitest'
import { encodeAddress } from '../../src/core/address.ts'
import { bytesToHex } from '../../src/core/bytes.ts'
import { derivePublicKey } from '../../src/core/eddsa.ts'
import { checkAddress, checkAmount, checkKeyForAddress } from '../../src/web/app/validate.ts'

const key = new Uint8Array(32).fill(7)
const other = new Uint8Array(32).fill(9)
const address = encodeAddress(3, derivePublicKey(key))

/** The address with one data character changed: the checksum no longer matches. */
function typo(a: string): string {
  const i = 10
  return a.slice(0, i) + (a[i] === 'q' ? 'p' : 'q') + a.slice(i + 1)
}

describe('checkAmount', () => {
  it('takes whole numbers 1..2^64-1 and says what is wrong with anything else', () => {
    expect(checkAmount('7')).toEqual({ ok: true, value: 7n })
    expect(checkAmount('18446744073709551615')).toEqual({ ok: true, value: 2n ** 64n - 1n })
    expect(checkAmount('1234567890123456789012345678901')).toMatchObject({ ok: false, message: expect.stringMatching(/too large/) })
    expect(checkAmount('18446744073709551616')).toMatchObject({ ok: false, message: expect.stringMatching(/too large/) })
    expect(checkAmount('0')).toMatchObject({ ok: false, message: expect.stringMatching(/at least 1/) })
    for (const bad of ['1.5', '-3', '1e3', '12 3']) expect(checkAmount(bad)).toMatchObject({ ok: false, message: expect.stringMatching(/whole number/) })
    expect(checkAmount(' ')).toMatchObject({ ok: false, message: 'Enter an amount.' })
  })
})

describe('checkAddress', () => {
  it('accepts an address and names the field in each refusal', () => {
    expect(checkAddress(address, 'receiver address', 8)).toMatchObject({ ok: true, value: { index: 3 } })
    expect(checkAddress(typo(address), 'receiver address', 8)).toMatchObject({ ok: false, message: expect.stringMatching(/^Receiver address: the checksum does not match/) })
    expect(checkAddress('', 'sender address', 8)).toMatchObject({ ok: false, message: 'Enter the sender address.' })
    expect(checkAddress('bc1qxyz', 'receiver address', 8)).toMatchObject({ ok: false, message: expect.stringMatching(/must start with "zkl1"/) })
    expect(checkAddress(`${address} `.replace('zkl1', 'zkl1 '), 'receiver address', 8)).toMatchObject({ ok: false, message: expect.stringMatching(/never in an address/) })
    expect(checkAddress(encodeAddress(300, derivePublicKey(key)), 'receiver address', 8)).toMatchObject({ ok: false, message: expect.stringMatching(/slot 300 is outside/) })
  })
})

describe('checkKeyForAddress', () => {
  it("takes the sender's own key and refuses another's or a malformed one", () => {
    const parts = checkAddress(address, 'sender address', 8)
    if (!parts.ok) throw new Error('fixture address')
    expect(checkKeyForAddress(bytesToHex(key), parts.value)).toMatchObject({ ok: true })
    expect(checkKeyForAddress(bytesToHex(other), parts.value)).toMatchObject({ ok: false, message: expect.stringMatching(/does not belong to the sender address/) })
    expect(checkKeyForAddress('abc', parts.value)).toMatchObject({ ok: false, message: expect.stringMatching(/64 hexadecimal digits/) })
  })
})
