// Groth16 verification on mcl-wasm, the default backend: the same checks, in the same
// order and with the same reasons as the reference (verifier.ts), then one shared
// multi-Miller loop and one final exponentiation for a whole batch.
import type { G1, G2, GT } from 'mcl-wasm'
import { FIELD_MODULUS } from '../core/constants.ts'
import type { Verdict } from '../core/types.ts'
import { drawWeights, verifyInGroups } from './batch.ts'
import type { BatchItem, BatchResult } from './proof-verifier.ts'
import type { RandomBytes } from '../core/platform.ts'
import { createG2Subgroup, type G2Subgroup } from './g2-subgroup.ts'
import { getMcl, MCL_SIZE, type MclInstance } from './mcl.ts'
import { decodeProofInput, type ProofReason } from './proof-input.ts'
import { BadVerificationKey, parseVerificationKey, type G1Affine, type G2Affine, type VerificationKeyPoints } from './verification-key.ts'
import type { Groth16Verifier } from './verifier-backend.ts'

interface MclProof {
  a: G1
  b: G2
  c: G1
  signals: readonly bigint[]
}

interface MclKey {
  /** −α, so that every pair of the product goes into one Miller loop and the product must be 1. */
  alphaNeg: G1
  /** e(α, β), for a lone proof: three pairs in its Miller loop instead of four. */
  alphaBeta: GT
  beta2: G2
  gamma2: G2
  delta2: G2
  ic: G1[]
}

/** One subgroup tester (and its scratch memory) per mcl instance, however many keys are loaded. */
const subgroups = new WeakMap<MclInstance, G2Subgroup>()

/** Loads mcl (once per process or worker) and prepares a verification key with the reference's checks. */
export async function loadMclVerifier(json: unknown): Promise<Groth16Verifier> {
  const vk = parseVerificationKey(json)
  const inst = await getMcl()
  const g2 = subgroups.get(inst) ?? createG2Subgroup(inst)
  subgroups.set(inst, g2)
  return new MclVerifier(inst, g2, vk)
}

class MclVerifier implements Groth16Verifier {
  readonly backend = 'mcl' as const
  readonly nPublic: number
  readonly setup: string
  private readonly key: MclKey

  constructor(
    private readonly inst: MclInstance,
    private readonly g2: G2Subgroup,
    vk: VerificationKeyPoints,
  ) {
    this.nPublic = vk.nPublic
    this.setup = vk.setup
    const g1 = (p: G1Affine, what: string) => this.parseG1(p) ?? bad(`${what}: not on the curve`)
    const g2p = (p: G2Affine, what: string) => {
      const pt = this.parseG2(p)
      if (!pt || !this.g2.contains(pt)) bad(`${what}: not in G2`)
      return pt
    }
    const alpha = g1(vk.alpha1, 'vk_alpha_1')
    const beta = g2p(vk.beta2, 'vk_beta_2')
    this.key = {
      alphaNeg: inst.mcl.neg(alpha),
      alphaBeta: inst.mcl.pairing(alpha, beta),
      beta2: beta,
      gamma2: g2p(vk.gamma2, 'vk_gamma_2'),
      delta2: g2p(vk.delta2, 'vk_delta_2'),
      ic: vk.ic.map((p, i) => g1(p, `IC[${i}]`)),
    }
    // delta = gamma means no phase-2 contribution: anyone could forge (A=alpha, B=beta, C=-vk_x).
    if (this.key.delta2.isEqual(this.key.gamma2)) bad('delta equals gamma: the setup has no phase-2 contribution')
  }

  async verifyProof(proof: Uint8Array, signals: readonly bigint[]): Promise<Verdict<ProofReason>> {
    const c = this.check(proof, signals)
    if (!c.ok) return c
    return this.combinedCheck([c.value], [1n]) ? { ok: true } : { ok: false, reason: 'proof-invalid' }
  }

  async verifyBatch(items: readonly BatchItem[], random: RandomBytes): Promise<BatchResult> {
    return verifyInGroups(
      items,
      (item) => this.check(item.proof, item.signals),
      async (group) => this.combinedCheck(group, drawWeights(group.length, random)),
    )
  }

  warmUp(): void {
    const { key } = this
    const alpha = this.inst.mcl.neg(key.alphaNeg)
    const alphaAffine = affine1(alpha)
    const signals = new Array<bigint>(this.nPublic).fill(1n)
    // Key points stand in for proofs (A = α, B = β, C = IC[0]): every step of a batch of 16,
    // parsing and the subgroup test included; the product is not 1, and nothing reads it.
    const fake = (): MclProof => {
      this.g2.contains(key.beta2)
      return { a: this.parseG1(alphaAffine) ?? alpha, b: key.beta2, c: key.ic[0] as G1, signals }
    }
    for (let round = 0; round < WARM_UP_ROUNDS; round++) {
      const proofs = Array.from({ length: 16 }, fake)
      this.combinedCheck(
        proofs,
        proofs.map((_, i) => BigInt(i + 2) ** 30n),
      )
    }
  }

  private check(proof: Uint8Array, signals: readonly bigint[]): { ok: true; value: MclProof } | { ok: false; reason: ProofReason } {
    const d = decodeProofInput(this.nPublic, proof, signals)
    if (!d.ok) return d
    const a = this.parseG1(d.value.a)
    const b = this.parseG2(d.value.b)
    const c = this.parseG1(d.value.c)
    if (!a || !b || !c) return { ok: false, reason: 'not-on-curve' }
    if (!this.g2.contains(b)) return { ok: false, reason: 'not-in-subgroup' }
    return { ok: true, value: { a, b, c, signals: [...signals] } }
  }

  /** A point of E(Fp), or undefined: mcl's parser refuses points off the curve, (0, 0) among them. */
  private parseG1(p: G1Affine): G1 | undefined {
    const pt = new this.inst.mcl.G1()
    try {
      pt.setStr(`1 ${p[0].toString(16)} ${p[1].toString(16)}`, 16)
    } catch {
      return undefined
    }
    return !pt.isZero() && pt.isValid() ? pt : undefined
  }

  /** A point of the twist E'(Fp2) (subgroup not checked here); snarkjs's [c0, c1] order is mcl's. */
  private parseG2(p: G2Affine): G2 | undefined {
    const pt = new this.inst.mcl.G2()
    try {
      pt.setStr(`1 ${p[0][0].toString(16)} ${p[0][1].toString(16)} ${p[1][0].toString(16)} ${p[1][1].toString(16)}`, 16)
    } catch {
      return undefined
    }
    return !pt.isZero() && pt.isValid() ? pt : undefined
  }

  /**
   * Π e(r_i·A_i, B_i) · e(−Σr_i·α, β) · e(−Σr_i·vk_x_i, γ) · e(−Σr_i·C_i, δ) = 1, as one
   * multi-Miller loop over k + 3 pairs and one final exponentiation; a lone proof of weight 1
   * is checked as e(A, B) · e(−vk_x, γ) · e(−C, δ) = e(α, β) with e(α, β) from the key.
   */
  private combinedCheck(proofs: MclProof[], weights: bigint[]): boolean {
    const { key } = this
    const { mcl, raw } = this.inst
    const fr = (v: bigint) => {
      const x = new mcl.Fr()
      x.setStr(v.toString(16), 16)
      return x
    }
    let sumR = 0n
    const signalWeights: bigint[] = new Array(this.nPublic).fill(0n)
    const rs = weights.map(fr)
    const g1s: G1[] = []
    const g2s: G2[] = []
    proofs.forEach((p, i) => {
      const r = weights[i] as bigint
      sumR = (sumR + r) % FIELD_MODULUS
      p.signals.forEach((s, j) => (signalWeights[j] = ((signalWeights[j] as bigint) + r * s) % FIELD_MODULUS))
      g1s.push(r === 1n ? p.a : mcl.mul(p.a, rs[i] as ReturnType<typeof fr>))
      g2s.push(p.b)
    })
    const lone = proofs.length === 1 && weights[0] === 1n
    const sumRFr = fr(sumR)
    if (!lone) {
      g1s.push(mcl.mul(key.alphaNeg, sumRFr))
      g2s.push(key.beta2)
    }
    g1s.push(
      mcl.neg(mcl.mulVec(key.ic, [sumRFr, ...signalWeights.map(fr)])),
      mcl.neg(
        mcl.mulVec(
          proofs.map((p) => p.c),
          rs,
        ),
      ),
    )
    g2s.push(key.gamma2, key.delta2)
    const n = g1s.length
    const g1 = raw._malloc(n * MCL_SIZE.g1)
    const g2 = raw._malloc(n * MCL_SIZE.g2)
    const gt = raw._malloc(2 * MCL_SIZE.gt) // Miller loop value, then its final exponentiation
    try {
      g1s.forEach((p, i) => p.copyToMem(g1 + i * MCL_SIZE.g1))
      g2s.forEach((q, i) => q.copyToMem(g2 + i * MCL_SIZE.g2))
      raw._mclBn_millerLoopVec(gt, g1, g2, n)
      raw._mclBn_finalExp(gt + MCL_SIZE.gt, gt)
      if (!lone) return raw._mclBnGT_isOne(gt + MCL_SIZE.gt) === 1
      const e = new mcl.GT()
      e.copyFromMem(gt + MCL_SIZE.gt)
      return e.isEqual(key.alphaBeta)
    } finally {
      raw._free(gt)
      raw._free(g2)
      raw._free(g1)
    }
  }
}

/** Rounds of the warm-up: about what one batch of 48 proofs costs, enough for V8 to optimise the hot wasm functions. */
const WARM_UP_ROUNDS = 3

/** A G1 point's affine coordinates, as the parser takes them. */
function affine1(p: G1): G1Affine {
  p.normalize()
  return [BigInt(`0x${p.getX().getStr(16)}`), BigInt(`0x${p.getY().getStr(16)}`)]
}

function bad(msg: string): never {
  throw new BadVerificationKey(msg)
}
