// One data-driven runner for every committed vector file (test/vectors/*.json, made by
// scripts/make-vectors.ts), dispatching on `kind`. A file of an unknown kind fails,
// and every rejection reason of the core must appear in some file.
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import type { AccountProofReason } from '../src/core/smt.ts'
import type { DecodeReason, LinkReason, QuorumReason, TransferReason } from '../src/core/types.ts'
import { codecKind } from './vector-kinds/codec-kind.ts'
import { eddsaKind } from './vector-kinds/eddsa-kind.ts'
import { headerKind } from './vector-kinds/header-kind.ts'
import { accountProofKind, headerLinkKind, knownAnswersKind, transferKind } from './vector-kinds/ledger-kinds.ts'
import { quorumKind } from './vector-kinds/quorum-kind.ts'
import type { VectorKind } from './vector-kinds/vector-kind.ts'

const KINDS: Record<string, VectorKind> = {
  codec: codecKind,
  header: headerKind,
  quorum: quorumKind,
  'header-link': headerLinkKind,
  transfer: transferKind,
  'account-proof': accountProofKind,
  'known-answers': knownAnswersKind,
  'eddsa-poseidon': eddsaKind,
}

/** Every member of a string union, checked both ways by the compiler. */
function allOf<U extends string>() {
  return <const L extends readonly U[]>(list: L & ([Exclude<U, L[number]>] extends [never] ? unknown : { missing: Exclude<U, L[number]> })) => list
}
const REQUIRED: Record<string, readonly string[]> = {
  decode: allOf<DecodeReason>()(['truncated', 'trailing-bytes', 'bad-tag', 'bad-version', 'out-of-range', 'too-long', 'not-canonical']),
  link: allOf<LinkReason>()(['wrong-chain', 'height-gap', 'not-linked', 'wrong-validator-set', 'bad-timestamp', 'bad-proposer']),
  quorum: allOf<QuorumReason>()(['wrong-validator-set', 'unknown-signer', 'duplicate-signer', 'bad-signature', 'wrong-header', 'quorum-missing']),
  transfer: allOf<TransferReason>()([
    'index-out-of-range',
    'self-transfer',
    'unknown-sender',
    'bad-signature',
    'bad-nonce',
    'bad-amount',
    'insufficient-balance',
    'bad-receiver-key',
    'receiver-mismatch',
    'balance-overflow',
    'nonce-exhausted',
  ]),
  'account-proof': allOf<AccountProofReason>()(['bad-proof-length', 'index-out-of-range', 'root-mismatch']),
  checkpoint: ['wrong-chain', 'not-linked', 'wrong-validator-set'],
  equivocation: ['detected'],
}

const dir = new URL('./vectors/', import.meta.url)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
const seen = new Set<string>()

for (const f of files) {
  const file = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { kind?: string; cases?: unknown[] }
  describe(`vectors/${f}`, () => {
    const kind = KINDS[String(file.kind)]
    if (!kind) {
      it(`has a runner for kind "${String(file.kind)}"`, () => {
        expect.fail(`no runner for vector kind ${String(file.kind)}`)
      })
      return
    }
    for (const r of kind.register(file)) seen.add(r)
  })
}

describe('vector coverage', () => {
  it('finds the core vector files', () => {
    const kinds = files.map((f) => (JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { kind: string }).kind)
    for (const k of ['codec', 'header', 'quorum']) expect(kinds).toContain(k)
  })

  it('has an expected rejection for every reason', () => {
    const required = Object.entries(REQUIRED).flatMap(([category, reasons]) => reasons.map((r) => `${category}:${r}`))
    expect(required.filter((r) => !seen.has(r))).toEqual([])
  })
})
