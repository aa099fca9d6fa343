// Vector kinds of the ledger ring: "header-link" (hex headers), "transfer",
// "account-proof" and "known-answers" (Ed25519, Poseidon, Baby Jubjub keys, EdDSA-Poseidon). Their files
// were written by the ledger work; these checks moved here unchanged in substance.
import { expect, it } from 'vitest'
import { ed25519 } from '@noble/curves/ed25519.js'
import { bytesToHex, hexToBytes } from '../../src/core/bytes.ts'
import * as codec from '../../src/core/codec.ts'
import { verifyHeaderLink } from '../../src/core/header.ts'
import { createLedger, verifyTransfer } from '../../src/core/ledger.ts'
import { poseidon } from '../../src/core/poseidon.ts'
import { verifyAccountProof } from '../../src/core/smt.ts'
import { derivePublicKey } from '../../src/core/transfer.ts'
import { signPoseidon, verifyPoseidon } from '../../src/core/eddsa.ts'
import type { Decoded } from '../../src/core/types.ts'
import { rejection, type VectorKind } from './vector-kind.ts'

function must<T>(d: Decoded<T>): T {
  if (!d.ok) throw new Error(`vector does not decode: ${d.reason}`)
  return d.value
}
const verdict = (v: { ok: true } | { ok: false; reason: string }) => (v.ok ? 'ok' : v.reason)

export const headerLinkKind: VectorKind = {
  register(file: { cases: any[] }) {
    const seen: string[] = []
    for (const c of file.cases) {
      seen.push(...rejection('link', c.expect))
      it(`header link: ${c.name} → ${c.expect}`, () => {
        const parent = must(codec.decodeHeader(hexToBytes(c.parent)))
        const child = must(codec.decodeHeader(hexToBytes(c.child)))
        expect(verdict(verifyHeaderLink(parent, child, c.validatorCount ?? undefined))).toBe(c.expect)
      })
    }
    return seen
  },
}

export const transferKind: VectorKind = {
  register(file: { chainTag: string; depth: number; genesis: any[]; cases: any[] }) {
    const seen: string[] = []
    for (const c of file.cases) {
      seen.push(...rejection('transfer', c.expect))
      it(`transfer: ${c.name} → ${c.expect}`, () => {
        const genesis = file.genesis.map((a) => ({ index: a.index, account: { pubKey: [BigInt(a.ax), BigInt(a.ay)] as const, balance: BigInt(a.balance), nonce: a.nonce } }))
        const state = createLedger(BigInt(file.chainTag), file.depth, genesis)
        const root = state.tree.root
        expect(verdict(verifyTransfer(state, must(codec.decodeTransfer(hexToBytes(c.transfer)))))).toBe(c.expect)
        expect(state.tree.root).toBe(root) // verify changes nothing
      })
    }
    return seen
  },
}

export const accountProofKind: VectorKind = {
  register(file: { root: string; depth: number; cases: any[] }) {
    const seen: string[] = []
    for (const c of file.cases) {
      seen.push(...rejection('account-proof', c.expect))
      it(`account proof: ${c.name} → ${c.expect}`, () => {
        expect(verdict(verifyAccountProof(BigInt(file.root), must(codec.decodeAccountProof(hexToBytes(c.proof))), file.depth))).toBe(c.expect)
      })
    }
    return seen
  },
}

export const knownAnswersKind: VectorKind = {
  register(file: { ed25519: any[]; poseidon: any[]; babyjubPublicKey: any[]; eddsaPoseidon: any[] }) {
    for (const c of file.ed25519) {
      it(`RFC 8032 Ed25519 (message ${c.message || 'empty'})`, () => {
        expect(bytesToHex(ed25519.getPublicKey(hexToBytes(c.secret)))).toBe(c.public)
        expect(bytesToHex(ed25519.sign(hexToBytes(c.message), hexToBytes(c.secret)))).toBe(c.signature)
        expect(ed25519.verify(hexToBytes(c.signature), hexToBytes(c.message), hexToBytes(c.public))).toBe(true)
      })
    }
    for (const c of file.poseidon) {
      it(`Poseidon(${c.inputs.join(', ')})`, () => {
        expect(poseidon(c.inputs.map(BigInt)).toString()).toBe(c.output)
      })
    }
    for (const c of file.babyjubPublicKey) {
      it('Baby Jubjub public key of the circomlibjs test key', () => {
        expect(derivePublicKey(hexToBytes(c.secret)).map(String)).toEqual([c.ax, c.ay])
      })
    }
    for (const c of file.eddsaPoseidon) {
      it('EdDSA-Poseidon signature of the circomlibjs test key', () => {
        const secret = hexToBytes(c.secret)
        const sig = signPoseidon(secret, BigInt(c.msg))
        expect([...sig.R8, sig.S].map(String)).toEqual([c.r8x, c.r8y, c.s])
        expect(verifyPoseidon(BigInt(c.msg), sig, derivePublicKey(secret))).toEqual({ ok: true })
      })
    }
    return []
  },
}
