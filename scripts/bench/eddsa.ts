// npx tsx scripts/bench/eddsa.ts [-- --samples N]
// EdDSA-Poseidon cost per call, src/core/eddsa.ts (plain BigInt) against circomlibjs, in one
// run with the calls interleaved so both see the same machine load; prints medians, the
// ratio and the load average (the machine is shared), as markdown.
import { loadavg, cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { FIELD_MODULUS as P } from '../../src/core/constants.ts'
import { derivePublicKey, signPoseidon, verifyPoseidon } from '../../src/core/eddsa.ts'
import { loadCircomlibjsEddsa } from '../../test/fixtures/circomlibjs-eddsa.ts'
import { seedBytes, seedField } from '../../test/fixtures/core-samples.ts'
import { median } from './node-bench.ts'

const { values } = parseArgs({ options: { samples: { type: 'string', default: '200' } } })
const samples = Number(values.samples)

const time = (f: () => unknown): number => {
  const t = performance.now()
  f()
  return performance.now() - t
}
const ms = (x: number) => x.toFixed(x < 10 ? 2 : 1)
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ')

const loadBefore = load()
let t = performance.now()
const ref = await loadCircomlibjsEddsa()
const referenceSetupMs = performance.now() - t

const keys = Array.from({ length: samples }, (_, i) => seedBytes(`eddsa-bench-key-${i}`))
const messages = keys.map((_, i) => seedField(`eddsa-bench-msg-${i}`) % P)
// The first call builds the fixed-base table for Base8: reported apart from the steady state.
t = performance.now()
const firstPub = derivePublicKey(keys[0]!)
const firstCallMs = performance.now() - t
const pubs = keys.map((k) => derivePublicKey(k))
if (pubs[0]![0] !== firstPub[0]) throw new Error('unstable public key')

const sign = { ours: [] as number[], circomlibjs: [] as number[] }
const verify = { ours: [] as number[], circomlibjs: [] as number[] }
const sigs = keys.map((k, i) => signPoseidon(k, messages[i]!))
// Warm-up, so JIT compilation is not in the figures.
for (let i = 0; i < 10; i++) {
  verifyPoseidon(messages[i]!, sigs[i]!, pubs[i]!)
  ref.verifyPoseidon(messages[i]!, sigs[i]!, pubs[i]!)
}
for (let i = 0; i < samples; i++) {
  const k = keys[i]!
  const msg = messages[i]!
  const sig = sigs[i]!
  const pub = pubs[i]!
  sign.ours.push(time(() => signPoseidon(k, msg)))
  sign.circomlibjs.push(time(() => ref.signPoseidon(k, msg)))
  let ok = true
  verify.ours.push(time(() => (ok &&= verifyPoseidon(msg, sig, pub).ok)))
  verify.circomlibjs.push(time(() => (ok &&= ref.verifyPoseidon(msg, sig, pub))))
  if (!ok) throw new Error(`sample ${i} does not verify`)
}

const row = (name: string, f: { ours: number[]; circomlibjs: number[] }) => {
  const ours = median(f.ours)
  const theirs = median(f.circomlibjs)
  return `| ${name} | ${ms(ours)} ms | ${ms(theirs)} ms | ${(theirs / ours).toFixed(1)}× |`
}
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}. Command: \`npx tsx scripts/bench/eddsa.ts --samples ${samples}\`.`)
console.log(`Load average (1/5/15 min) before: ${loadBefore}; after: ${load()}.`)
console.log()
console.log(`| median of ${samples} calls | src/core/eddsa.ts (BigInt) | circomlibjs | circomlibjs / BigInt |`)
console.log('|---|---|---|---|')
console.log(row('verify', verify))
console.log(row('sign', sign))
console.log()
console.log(`Set-up: circomlibjs buildEddsa ${ms(referenceSetupMs)} ms; BigInt first call (builds the Base8 table) ${ms(firstCallMs)} ms.`)
