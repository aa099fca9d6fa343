// EdDSA-Poseidon and Baby Jubjub from circomlibjs (a wasm curve build of about a second),
// loaded once by initCrypto() and then used synchronously with plain bigints (circomlibjs
// works in Montgomery form). Only signing and signature checks need it: hashing, Merkle
// proofs and addresses (poseidon.ts, babyjub.ts) do not.
import { buildBabyjub, buildEddsa } from 'circomlibjs'

/** Thrown when a hashing or signing function runs before `initCrypto()` resolved. */
export class CryptoNotInitialised extends Error {
  override name = 'CryptoNotInitialised'
  constructor() {
    super('call and await initCrypto() before hashing or signing')
  }
}

interface CryptoKit {
  poseidon: any
  eddsa: any
  babyJub: any
  F: any
}

let kit: CryptoKit | undefined
let loading: Promise<void> | undefined

/** Loads the circomlibjs primitives; idempotent and safe to call concurrently. */
export function initCrypto(): Promise<void> {
  loading ??= (async () => {
    const [eddsa, babyJub] = await Promise.all([buildEddsa(), buildBabyjub()])
    // `poseidon` is the wasm Poseidon buildEddsa already made; `poseidon()` below does not use it.
    kit = { poseidon: eddsa.poseidon, eddsa, babyJub, F: babyJub.F }
  })()
  return loading
}

export function cryptoKit(): CryptoKit {
  if (!kit) throw new CryptoNotInitialised()
  return kit
}

/** Converts a plain point to circomlibjs's internal form. */
export function toInternalPoint(p: readonly [bigint, bigint]): [unknown, unknown] {
  const { F } = cryptoKit()
  return [F.e(p[0]), F.e(p[1])]
}

export function fromInternalPoint(p: [unknown, unknown]): [bigint, bigint] {
  const { F } = cryptoKit()
  return [F.toObject(p[0]) as bigint, F.toObject(p[1]) as bigint]
}
