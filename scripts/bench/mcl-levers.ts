// npx tsx scripts/bench/mcl-levers.ts [-- --samples N]
// What the mcl-wasm verifier's remaining levers would save, per proof, measured on one
// thread with the calls interleaved (so each sees the same machine load); prints medians
// as markdown. The verifier's per-proof work is one pair of the shared Miller loop, the ψ
// subgroup test of B and the weight multiplication of A; its per-batch work is three fixed
// pairs and one final exponentiation. Each row is a way to do one of those parts and what
// it costs instead.
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import type { G1, G2 } from 'mcl-wasm'
import { BASE_FIELD_MODULUS, FIELD_MODULUS } from '../../src/core/constants.ts'
import { createG2Subgroup } from '../../src/zk/g2-subgroup.ts'
import { getMcl, MCL_SIZE } from '../../src/zk/mcl.ts'
import { median } from './node-bench.ts'

const { values } = parseArgs({ options: { samples: { type: 'string', default: '300' } } })
const samples = Number(values.samples)
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ')
const loadBefore = load()

const inst = await getMcl()
const { mcl, raw } = inst
const g2sub = createG2Subgroup(inst)

const pow = (b: bigint, e: bigint, m: bigint) => {
  let a = 1n
  for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) a = (a * b) % m
  return a
}
/** A nontrivial cube root of unity mod m (m ≡ 1 mod 3). */
const cubeRoot = (m: bigint) => {
  for (let g = 2n; ; g++) {
    const w = pow(g, (m - 1n) / 3n, m)
    if (w !== 1n) return w
  }
}
const fr = (v: bigint) => {
  const x = new mcl.Fr()
  x.setStr(v.toString(16), 16)
  return x
}
const fp = (v: bigint) => {
  const x = new mcl.Fp()
  x.setStr(v.toString(16), 16)
  return x
}
const random = (bytes: number) => BigInt(`0x${Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex')}`)

// The GLV endomorphism of G1: φ(x, y) = (βx, y) acts as [λ] for the matching pair of cube roots.
const beta = cubeRoot(BASE_FIELD_MODULUS)
const g = mcl.hashAndMapToG1('mcl-levers')
const phiOf = (p: G1): G1 => {
  const n = mcl.normalize(p)
  const q = new mcl.G1()
  q.setX(mcl.mul(n.getX(), fp(beta)))
  q.setY(n.getY())
  q.setZ(n.getZ())
  return q
}
const lambda = [cubeRoot(FIELD_MODULUS), pow(cubeRoot(FIELD_MODULUS), 2n, FIELD_MODULUS)].find((l) => phiOf(g).isEqual(mcl.mul(g, fr(l))))
if (lambda === undefined) throw new Error('no λ matches φ')

const K = 32
const as: G1[] = Array.from({ length: K + 3 }, (_, i) => mcl.hashAndMapToG1(`a${i}`))
const bs: G2[] = Array.from({ length: K + 3 }, (_, i) => mcl.hashAndMapToG2(`b${i}`))
const pre = [new mcl.PrecomputedG2(bs[0] as G2), new mcl.PrecomputedG2(bs[1] as G2)] as const
const gt = mcl.pairing(as[0] as G1, bs[0] as G2)

/** The shared multi-Miller loop over the first n pairs, through the raw export the verifier uses. */
function millerLoopVec(n: number): void {
  const p1 = raw._malloc(n * MCL_SIZE.g1)
  const p2 = raw._malloc(n * MCL_SIZE.g2)
  const out = raw._malloc(MCL_SIZE.gt)
  for (let i = 0; i < n; i++) {
    ;(as[i] as G1).copyToMem(p1 + i * MCL_SIZE.g1)
    ;(bs[i] as G2).copyToMem(p2 + i * MCL_SIZE.g2)
  }
  raw._mclBn_millerLoopVec(out, p1, p2, n)
  raw._free(out)
  raw._free(p2)
  raw._free(p1)
}

const cases: Record<string, () => void> = {
  [`Miller loop over ${K + 3} pairs`]: () => millerLoopVec(K + 3),
  'Miller loop over 3 pairs': () => millerLoopVec(3),
  'two pairs with precomputed G2 lines (precomputedMillerLoop2)': () => mcl.precomputedMillerLoop2(as[0] as G1, pre[0], as[1] as G1, pre[1]),
  'final exponentiation': () => mcl.finalExp(gt),
  'GT to a 128-bit power (e(α, β)^Σr instead of a pair)': () => mcl.pow(gt, fr(random(16))),
  'G1 times a 254-bit scalar (−Σr·α for the α pair)': () => mcl.mul(as[0] as G1, fr(random(32) % FIELD_MODULUS)),
  'ψ subgroup test of one B': () => g2sub.contains(bs[2] as G2),
  'weight: A times a 128-bit scalar (now)': () => mcl.mul(as[1] as G1, fr(random(16))),
  'weight: a·A + b·φ(A), 64-bit a and b (GLV-shaped weight a + bλ)': () => mcl.mulVec([as[1] as G1, phiOf(as[1] as G1)], [fr(random(8)), fr(random(8))]),
}
const times = new Map<string, number[]>(Object.keys(cases).map((k) => [k, []]))
for (let i = 0; i < 20; i++) for (const f of Object.values(cases)) f() // warm-up
for (let s = 0; s < samples; s++) {
  for (const [name, f] of Object.entries(cases)) {
    const t = performance.now()
    f()
    ;(times.get(name) as number[]).push(performance.now() - t)
  }
}
const m = (name: string) => median(times.get(name) as number[])
const ms = (x: number) => `${x.toFixed(3)} ms`

console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}. Command: \`npx tsx scripts/bench/mcl-levers.ts --samples ${samples}\`.`)
console.log(`Load average (1/5/15 min) before: ${loadBefore}; after: ${load()}.`)
console.log()
console.log(`| median of ${samples} calls, one thread | ms |`)
console.log('|---|---|')
for (const name of times.keys()) console.log(`| ${name} | ${ms(m(name))} |`)
const perPair = (m(`Miller loop over ${K + 3} pairs`) - m('Miller loop over 3 pairs')) / K
console.log()
console.log(
  `One more pair in the shared Miller loop: ${ms(perPair)}; with precomputed lines, in a loop of its own: ${ms(m('two pairs with precomputed G2 lines (precomputedMillerLoop2)') / 2)} a pair.`,
)
console.log(
  `The α pair as a GT power instead: ${ms(m('GT to a 128-bit power (e(α, β)^Σr instead of a pair)'))} against ${ms(perPair + m('G1 times a 254-bit scalar (−Σr·α for the α pair)'))} a batch.`,
)
console.log(`GLV-shaped weights: ${ms(m('weight: a·A + b·φ(A), 64-bit a and b (GLV-shaped weight a + bλ)'))} against ${ms(m('weight: A times a 128-bit scalar (now)'))} a proof (φ included).`)
console.log(`Per proof at k = ${K}, the parts no lever removes: a pair ${ms(perPair)} + the ψ test ${ms(m('ψ subgroup test of one B'))} = ${ms(perPair + m('ψ subgroup test of one B'))}.`)
