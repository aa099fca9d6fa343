// Poseidon, EdDSA-Poseidon and Baby Jubjub from circomlibjs, loaded once and then
// used synchronously with plain bigints (circomlibjs works in Montgomery form).
import { buildBabyjub, buildEddsa, buildPoseidon } from 'circomlibjs'

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
    const [poseidonFn, eddsa, babyJub] = await Promise.all([buildPoseidon(), buildEddsa(), buildBabyjub()])
    kit = { poseidon: poseidonFn, eddsa, babyJub, F: babyJub.F }
  })()
  return loading
}

export function cryptoKit(): CryptoKit {
  if (!kit) throw new CryptoNotInitialised()
  return kit
}

/** Poseidon over BN254 of 1..16 field elements, as circomlib's `Poseidon(n)`. */
export function poseidon(inputs: readonly bigint[]): bigint {
  const k = cryptoKit()
  return k.poseidon.F.toObject(k.poseidon(inputs as bigint[])) as bigint
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
