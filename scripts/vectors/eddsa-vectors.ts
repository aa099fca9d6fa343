// EdDSA-Poseidon vectors: keys and signatures of fixed-seed keys, and the verdict on each
// sample of test/fixtures/eddsa-samples.ts. Every value is checked against circomlibjs before
// it is written, so the runner can check src/core/eddsa.ts without circomlibjs.
import { bytesToHex } from '../../src/core/bytes.ts'
import { FIELD_MODULUS as P } from '../../src/core/constants.ts'
import { derivePublicKey, signPoseidon, verifyPoseidon } from '../../src/core/eddsa.ts'
import { loadCircomlibjsEddsa } from '../../test/fixtures/circomlibjs-eddsa.ts'
import { seedBytes, seedField } from '../../test/fixtures/core-samples.ts'
import { verifyCases } from '../../test/fixtures/eddsa-samples.ts'
import { toVectorJson, type Json } from '../../test/fixtures/vector-json.ts'
import { VectorMismatchError, expected, type VectorFile } from './vector-file.ts'

const same = (a: unknown, b: unknown) => JSON.stringify(toVectorJson(a)) === JSON.stringify(toVectorJson(b))

export async function makeEddsaVectors(): Promise<VectorFile> {
  const ref = await loadCircomlibjsEddsa()
  const messages = [0n, 1n, P - 1n, ...Array.from({ length: 5 }, (_, i) => seedField(`eddsa-sign-msg-${i}`))]
  const signCases: Json[] = messages.map((msg, i) => {
    const name = `key ${i}, message ${i < 3 ? msg : 'seeded'}`
    const secret = seedBytes(`eddsa-sign-key-${i}`)
    const pubKey = derivePublicKey(secret)
    const sig = signPoseidon(secret, msg)
    if (!same(pubKey, ref.prv2pub(secret)) || !same(sig, ref.signPoseidon(secret, msg))) throw new VectorMismatchError(`${name}: differs from circomlibjs`)
    return { op: 'sign', name, secret: bytesToHex(secret), msg: toVectorJson(msg), pubKey: toVectorJson(pubKey), sig: toVectorJson(sig) }
  })
  const verify: Json[] = verifyCases().map((c) => {
    const circomlibjs = ref.verifyPoseidon(c.msg, c.sig, c.pubKey)
    // circomlibjs accepts exactly the valid samples and the ones where the ledger says why it is stricter.
    if (circomlibjs !== (c.expect === 'ok' || c.why !== undefined)) throw new VectorMismatchError(`${c.name}: circomlibjs says ${circomlibjs}`)
    const expect = expected(c.name, verifyPoseidon(c.msg, c.sig, c.pubKey), c.expect)
    return { op: 'verify', name: c.name, msg: toVectorJson(c.msg), pubKey: toVectorJson(c.pubKey), sig: toVectorJson(c.sig), expect, circomlibjs, ...(c.why ? { why: c.why } : {}) }
  })
  return {
    kind: 'eddsa-poseidon',
    version: 1,
    description: 'EdDSA-Poseidon on Baby Jubjub: derivePublicKey/signPoseidon equal circomlibjs; verifyPoseidon verdicts, with circomlibjs verdict and why where they differ',
    cases: [...signCases, ...verify],
  }
}
