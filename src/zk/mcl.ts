// One mcl-wasm instance per process or worker, set to BN254 (mcl's BN_SNARK1: the curve
// of snarkjs and circom), and typed access to the few raw wasm exports the verifier uses.
import mcl from 'mcl-wasm'
import { MCLBN_FP_SIZE, MCLBN_G1_SIZE, MCLBN_G2_SIZE, MCLBN_GT_SIZE } from 'mcl-wasm/dist/constants'

export type Mcl = typeof mcl

/**
 * Functions of mcl's C API on pointers into its wasm memory. The JS wrapper exposes no
 * multi-Miller loop, and going through it for every doubling of the G2 subgroup test
 * would copy each point in and out of wasm memory at every step.
 */
export interface MclRaw {
  readonly HEAP32: Int32Array
  _malloc(bytes: number): number
  _free(ptr: number): void
  _mclBn_millerLoopVec(gt: number, g1: number, g2: number, n: number): void
  _mclBn_finalExp(y: number, x: number): void
  _mclBnGT_isOne(x: number): number
  _mclBnG2_dbl(y: number, x: number): void
  _mclBnG2_add(z: number, x: number, y: number): void
  _mclBnG2_sub(z: number, x: number, y: number): void
  _mclBnG2_isEqual(x: number, y: number): number
  _mclBnFp_neg(y: number, x: number): void
  _mclBnFp2_mul(z: number, x: number, y: number): void
}

/** Byte sizes of mcl's in-memory values (Jacobian points, Montgomery-form field elements). */
export const MCL_SIZE = { fp: MCLBN_FP_SIZE, g1: MCLBN_G1_SIZE, g2: MCLBN_G2_SIZE, gt: MCLBN_GT_SIZE } as const

export class MclUnavailable extends Error {
  override name = 'MclUnavailable'
}

export interface MclInstance {
  mcl: Mcl
  raw: MclRaw
}

const RAW_FUNCTIONS = [
  '_malloc',
  '_free',
  '_mclBn_millerLoopVec',
  '_mclBn_finalExp',
  '_mclBnGT_isOne',
  '_mclBnG2_dbl',
  '_mclBnG2_add',
  '_mclBnG2_sub',
  '_mclBnG2_isEqual',
  '_mclBnFp_neg',
  '_mclBnFp2_mul',
] as const

let instance: Promise<MclInstance> | undefined

/** The shared instance, initialised on first use (wasm compile + curve set-up). */
export function getMcl(): Promise<MclInstance> {
  instance ??= (async () => {
    await mcl.init(mcl.BN_SNARK1)
    // The verifier runs its own, faster G2 subgroup test (g2-subgroup.ts); mcl's own would run
    // again inside every G2 parse. Not a weakened check: every G2 point goes through ours.
    mcl.verifyOrderG2(false)
    const raw = (mcl as unknown as { mod?: MclRaw }).mod
    const missing = RAW_FUNCTIONS.filter((f) => typeof raw?.[f] !== 'function')
    if (!raw || missing.length > 0) throw new MclUnavailable(`mcl-wasm lacks ${missing.join(', ') || 'its module'}`)
    return { mcl, raw }
  })()
  instance.catch(() => (instance = undefined))
  return instance
}
