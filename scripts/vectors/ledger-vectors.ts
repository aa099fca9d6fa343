// Ledger-ring vectors: transfer rules (one case per TransferReason), account proofs
// (inclusion, non-inclusion, each rejection) and published known answers.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '../../src/core/bytes.ts'
import * as codec from '../../src/core/codec.ts'
import { createLedger, getAccountProof, applyTransfer, verifyTransfer } from '../../src/core/ledger.ts'
import { derivePublicKey, signTransfer } from '../../src/core/transfer.ts'
import { verifyAccountProof } from '../../src/core/smt.ts'
import type { Transfer } from '../../src/core/types.ts'
import { expected, type VectorFile } from './vector-file.ts'

const seed = (label: string) => sha256(new TextEncoder().encode(`zklight-vector:${label}`))
const hex = bytesToHex
/** The signing tag of the vector network (any field element; a real one is derived from a genesis hash). */
const chainTag = 31337n
const depth = 8

function setup() {
  const keys = [0, 1, 2].map((i) => seed(`account-${i}`))
  const pubs = keys.map(derivePublicKey)
  const accounts = [
    { index: 0, pubKey: pubs[0]!, balance: 1000n, nonce: 0 },
    { index: 1, pubKey: pubs[1]!, balance: (1n << 64n) - 10n, nonce: 0 },
    { index: 3, pubKey: pubs[2]!, balance: 50n, nonce: 2 ** 32 - 1 },
  ]
  const sign = (from: number, k: number, to: number, toPub: readonly [bigint, bigint], amount: bigint, nonce: number, tag = chainTag): Transfer =>
    signTransfer(keys[k]!, tag, { from, to, toPubKey: toPub, amount, nonce })
  const ledger = () =>
    createLedger(
      chainTag,
      depth,
      accounts.map((a) => ({ index: a.index, account: { pubKey: a.pubKey, balance: a.balance, nonce: a.nonce } })),
    )
  return { pubs, accounts, sign, ledger }
}

export function makeTransferVectors(): VectorFile & Record<string, unknown> {
  const { pubs, accounts, sign, ledger } = setup()
  const cases: [string, string, Transfer][] = [
    ['to a new account', 'ok', sign(0, 0, 7, pubs[1]!, 10n, 0)],
    ['to an existing account', 'ok', sign(0, 0, 1, pubs[1]!, 5n, 0)],
    ['receiver outside the tree', 'index-out-of-range', sign(0, 0, 256, pubs[1]!, 10n, 0)],
    ['to itself', 'self-transfer', sign(0, 0, 0, pubs[0]!, 10n, 0)],
    ['from an empty slot', 'unknown-sender', sign(9, 0, 1, pubs[1]!, 10n, 0)],
    ['signed by another key', 'bad-signature', sign(0, 1, 1, pubs[1]!, 10n, 0)],
    ['signed for another network', 'bad-signature', sign(0, 0, 1, pubs[1]!, 10n, 0, 1n)],
    ['replayed nonce', 'bad-nonce', sign(0, 0, 1, pubs[1]!, 10n, 1)],
    ['zero amount', 'bad-amount', sign(0, 0, 1, pubs[1]!, 0n, 0)],
    ['overdraft', 'insufficient-balance', sign(0, 0, 1, pubs[1]!, 1001n, 0)],
    ['receiver key off the curve', 'bad-receiver-key', sign(0, 0, 7, [1n, 2n], 10n, 0)],
    ['receiver key of small order (the identity)', 'bad-receiver-key', sign(0, 0, 7, [0n, 1n], 10n, 0)],
    ['receiver key differs', 'receiver-mismatch', sign(0, 0, 1, pubs[2]!, 10n, 0)],
    ['receiver balance would overflow u64', 'balance-overflow', sign(0, 0, 1, pubs[1]!, 10n, 0)],
    ['sender nonce exhausted', 'nonce-exhausted', sign(3, 2, 0, pubs[0]!, 1n, 2 ** 32 - 1)],
  ]
  return {
    kind: 'transfer',
    version: 1,
    description: 'verifyTransfer on a fixed genesis: one case per TransferReason',
    chainTag: chainTag.toString(),
    depth,
    genesis: accounts.map((a) => ({ index: a.index, ax: a.pubKey[0].toString(), ay: a.pubKey[1].toString(), balance: a.balance.toString(), nonce: a.nonce })),
    cases: cases.map(([name, want, t]) => {
      expected(name, verifyTransfer(ledger(), t), want as 'ok')
      return { name, expect: want, transfer: hex(codec.encodeTransfer(t)) }
    }),
  }
}

export function makeAccountProofVectors(): VectorFile & Record<string, unknown> {
  const { pubs, sign, ledger: make } = setup()
  const ledger = make()
  applyTransfer(ledger, sign(0, 0, 7, pubs[1]!, 10n, 0))
  const root = ledger.tree.root
  const incl = getAccountProof(ledger, 0)
  const absent = getAccountProof(ledger, 42)
  const proofs: [string, string, ReturnType<typeof getAccountProof>][] = [
    ['present account', 'ok', incl],
    ['absent account (non-inclusion)', 'ok', absent],
    ['created account', 'ok', getAccountProof(ledger, 7)],
    ['inflated balance', 'root-mismatch', { ...incl, account: { ...incl.account!, balance: incl.account!.balance + 1n } }],
    ['claims an occupied slot is empty', 'root-mismatch', { ...incl, account: null }],
    ['short path', 'bad-proof-length', { ...incl, siblings: incl.siblings.slice(1) }],
    ['index outside the tree', 'index-out-of-range', { ...absent, index: 256 }],
  ]
  return {
    kind: 'account-proof',
    version: 1,
    description: 'verifyAccountProof against a fixed root: inclusion, non-inclusion and each rejection',
    depth,
    root: root.toString(),
    cases: proofs.map(([name, want, p]) => {
      expected(name, verifyAccountProof(root, p, depth), want as 'ok')
      return { name, expect: want, proof: hex(codec.encodeAccountProof(p)) }
    }),
  }
}

export function makeKnownAnswers(): VectorFile & Record<string, unknown> {
  return {
    kind: 'known-answers',
    version: 1,
    description: 'published known answers (sources on each list); checked by the runner, not generated',
    cases: [],
    // RFC 8032 section 7.1, TEST 1-3.
    ed25519: [
      {
        secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
        public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
        message: '',
        signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
      },
      {
        secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
        public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
        message: '72',
        signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
      },
      {
        secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
        public: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
        message: 'af82',
        signature: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
      },
    ],
    // The circomlib/circomlibjs Poseidon test value.
    poseidon: [{ inputs: ['1', '2'], output: '7853200120776062878684798364095072458815029376092732009249414926327459813530' }],
    // circomlibjs's eddsa test key (bytes 00..09 repeated) and its Baby Jubjub public key.
    babyjubPublicKey: [
      {
        secret: '0001020304050607080900010203040506070809000102030405060708090001',
        ax: '13277427435165878497778222415993513565335242147425444199013288855685581939618',
        ay: '13622229784656158136036771217484571176836296686641868549125388198837476602820',
      },
    ],
    // circomlibjs test/eddsa.js, "Sign (using Poseidon) a single 10 bytes from 0 to 9": the same key,
    // the message read little-endian from bytes 00 01 … 09 00 00.
    eddsaPoseidon: [
      {
        secret: '0001020304050607080900010203040506070809000102030405060708090001',
        msg: '42649378395939397566720',
        r8x: '11384336176656855268977457483345535180380036354188103142384839473266348197733',
        r8y: '15383486972088797283337779941324724402501462225528836549661220478783371668959',
        s: '1672775540645840396591609181675628451599263765380031905495115170613215233181',
      },
    ],
  }
}
