// INSECURE development powers of tau: writes a *prepared* .ptau file (the format
// snarkjs `zkey new` reads) straight from a throw-away secret tau/alpha/beta.
// WARNING: whoever runs this could keep tau and forge proofs; a real deployment
// passes a public ceremony file instead (`npm run circuits -- --ptau FILE`). The file
// carries a marker section (ptau-facts.ts) so that any copy, renamed or not, is known
// for what it is and every setup built on it is classed insecure-dev.
//
// snarkjs's `powersoftau prepare phase2` computes the Lagrange sections with group
// FFTs (about 23 minutes for 2^16 here). Knowing tau, the same points are the
// generator times scalars we can compute with a scalar FFT; a fixed-base comb
// table then makes each point about 25 µs (G1) / 90 µs (G2) instead of ~190/680 µs.
import { randomBytes } from 'node:crypto'
import { openSync, writeSync, closeSync, renameSync } from 'node:fs'
import { buildBn128 } from 'ffjavascript'
import { DEV_PTAU_MARKER, DEV_PTAU_MARKER_SECTION } from './ptau-facts.ts'

type Log = (msg: string) => void
/** Fraction of the file written (0..1); called from the synchronous point loops. */
type Progress = (fraction: number) => void

const CHUNK = 8192
const WINDOWS = 32 // 8-bit digits of a 256-bit little-endian scalar

interface Curve {
  Fr: any
  G1: any
  G2: any
  tm: any
  q: bigint
  terminate(): Promise<void>
}

/** Writes a prepared, INSECURE, marked powers-of-tau file of size 2^power to `path`. */
export async function writeDevPtau(path: string, power: number, log: Log = () => {}, progress: Progress = () => {}): Promise<void> {
  if (!Number.isInteger(power) || power < 1 || power > 22) throw new RangeError(`ptau power ${power} outside 1..22`)
  log(`WARNING: generating an INSECURE development powers-of-tau (2^${power}) from a throw-away secret; never use it outside a devnet`)
  const curve: Curve = await buildBn128(true)
  try {
    const Fr = curve.Fr
    const secret = (): unknown => Fr.e(BigInt('0x' + randomBytes(48).toString('hex')))
    let tau = secret()
    let alpha = secret()
    let beta = secret()
    const tmp = `${path}.tmp-${process.pid}`
    const fd = openSync(tmp, 'w')
    try {
      const n = 2 ** power
      // Work in G1-point units (a G2 point costs about 3.6 of them): 12n G1 and 3n G2 points in all.
      const total = 12 * n + 3 * n * G2_COST
      let done = 0
      const g1 = countingWork(makeFixedBase(curve, 'g1m', 32, curve.G1.g), 1, (k) => progress((done += k) / total))
      const g2 = countingWork(makeFixedBase(curve, 'g2m', 64, curve.G2.g), G2_COST, (k) => progress((done += k) / total))
      const powers = geometric(Fr, Fr.one, tau, 2 * n - 1)
      const writer = new SectionWriter(fd)
      writer.header(curve, power, 12)

      const t0 = Date.now()
      writer.section(2, (2 * n - 1) * 64, () => writeMults(fd, Fr, g1, powers))
      writer.section(3, n * 128, () => writeMults(fd, Fr, g2, powers.slice(0, n)))
      writer.section(4, n * 64, () => writeMults(fd, Fr, g1, scale(Fr, powers.slice(0, n), alpha)))
      writer.section(5, n * 64, () => writeMults(fd, Fr, g1, scale(Fr, powers.slice(0, n), beta)))
      writer.section(6, 128, () => writeMults(fd, Fr, g2, [beta]))
      writer.section(7, 4, () => writeSync(fd, new Uint8Array(4))) // no recorded contributions
      log(`  tau powers written in ${((Date.now() - t0) / 1000).toFixed(1)} s`)

      // Lagrange sections: level p holds IFFT_p(tau^0..tau^(2^p - 1)) — exactly what
      // snarkjs's prepare computes in the group (level power+1 of section 12 drops
      // the missing top power, as snarkjs does).
      const levels: Uint8Array[] = []
      for (let p = 0; p <= power + 1; p++) {
        const coeffs = p === power + 1 ? [...powers, Fr.zero] : powers.slice(0, 2 ** p)
        levels.push(await ifftScalars(Fr, coeffs))
      }
      const sizeG1 = (2 ** (power + 1) - 1) * 64
      writer.section(12, (2 ** (power + 2) - 1) * 64, () => levels.forEach((l) => writeMultsPacked(fd, Fr, g1, l)))
      log(`  Lagrange tauG1 written in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
      writer.section(13, (2 ** (power + 1) - 1) * 128, () => levels.slice(0, power + 1).forEach((l) => writeMultsPacked(fd, Fr, g2, l)))
      writer.section(14, sizeG1, () => levels.slice(0, power + 1).forEach((l) => writeMultsPacked(fd, Fr, g1, scalePacked(Fr, l, alpha))))
      writer.section(15, sizeG1, () => levels.slice(0, power + 1).forEach((l) => writeMultsPacked(fd, Fr, g1, scalePacked(Fr, l, beta))))
      writer.section(DEV_PTAU_MARKER_SECTION, DEV_PTAU_MARKER.length, () => writeSync(fd, DEV_PTAU_MARKER))
      log(`  all sections written in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    } finally {
      closeSync(fd)
      // Drop the secrets as far as JavaScript allows.
      tau = alpha = beta = undefined
    }
    renameSync(tmp, path)
  } finally {
    await curve.terminate()
  }
}

/** first, first·r, first·r², … (count elements). */
function geometric(Fr: any, first: unknown, ratio: unknown, count: number): unknown[] {
  const out: unknown[] = new Array(count)
  let x = first
  for (let i = 0; i < count; i++) {
    out[i] = x
    x = Fr.mul(x, ratio)
  }
  return out
}

function scale(Fr: any, xs: unknown[], k: unknown): unknown[] {
  return xs.map((x) => Fr.mul(x, k))
}

/** Scalar IFFT in the scalar field; returns Montgomery-form elements packed 32 bytes each. */
async function ifftScalars(Fr: any, coeffs: unknown[]): Promise<Uint8Array> {
  const buf = new Uint8Array(coeffs.length * 32)
  coeffs.forEach((c, i) => buf.set(c as Uint8Array, i * 32))
  if (coeffs.length === 1) return buf
  return new Uint8Array(await Fr.ifft(buf))
}

function scalePacked(Fr: any, packed: Uint8Array, k: unknown): Uint8Array {
  const out = new Uint8Array(packed.length)
  for (let i = 0; i < packed.length; i += 32) out.set(Fr.mul(packed.subarray(i, i + 32), k), i)
  return out
}

function writeMults(fd: number, Fr: any, fb: FixedBase, scalars: unknown[]): void {
  const packed = new Uint8Array(scalars.length * 32)
  scalars.forEach((s, i) => packed.set(s as Uint8Array, i * 32))
  writeMultsPacked(fd, Fr, fb, packed)
}

/** Multiplies the fixed base by each packed Montgomery scalar and appends the affine points. */
function writeMultsPacked(fd: number, Fr: any, fb: FixedBase, packed: Uint8Array): void {
  const count = packed.length / 32
  for (let start = 0; start < count; start += CHUNK) {
    const n = Math.min(CHUNK, count - start)
    const plain = new Uint8Array(n * 32)
    for (let i = 0; i < n; i++) Fr.toRprLE(plain, i * 32, packed.subarray((start + i) * 32, (start + i + 1) * 32))
    writeSync(fd, fb(plain, n))
  }
}

type FixedBase = (scalarsLE: Uint8Array, count: number) => Uint8Array

const G2_COST = 3.6

/** The same multiplier, reporting `count × cost` work units after each chunk. */
function countingWork(fb: FixedBase, cost: number, report: (units: number) => void): FixedBase {
  return (scalars, count) => {
    const out = fb(scalars, count)
    report(count * cost)
    return out
  }
}

/**
 * A comb over 8-bit windows: table[w][d] = d·256^w·G in affine form, so a scalar
 * multiplication is at most 32 mixed additions inside the curve's wasm instance.
 */
function makeFixedBase(curve: Curve, prefix: 'g1m' | 'g2m', n8: number, generator: Uint8Array): FixedBase {
  const tm = curve.tm
  const ex = tm.instance.exports
  const sJ = n8 * 3
  const sA = n8 * 2
  const need = WINDOWS * 256 * (sJ + sA) + sJ + CHUNK * (32 + sJ + sA) + (1 << 20)
  const freeBytes = tm.memory.buffer.byteLength - tm.u32[0]
  if (freeBytes < need) {
    tm.memory.grow(Math.ceil((need - freeBytes) / 65536) + 16)
    tm.u8 = new Uint8Array(tm.memory.buffer)
    tm.u32 = new Uint32Array(tm.memory.buffer)
  }
  const pTabJ = tm.alloc(WINDOWS * 256 * sJ)
  const pTab = tm.alloc(WINDOWS * 256 * sA)
  const pBase = tm.alloc(sJ)
  tm.setBuff(pBase, generator)
  for (let w = 0; w < WINDOWS; w++) {
    ex[`${prefix}_zero`](pTabJ + w * 256 * sJ)
    for (let d = 1; d < 256; d++) ex[`${prefix}_add`](pTabJ + (w * 256 + d - 1) * sJ, pBase, pTabJ + (w * 256 + d) * sJ)
    for (let k = 0; k < 8; k++) ex[`${prefix}_double`](pBase, pBase)
  }
  ex[`${prefix}_batchToAffine`](pTabJ, WINDOWS * 256, pTab)
  const pScalars = tm.alloc(CHUNK * 32)
  const pOutJ = tm.alloc(CHUNK * sJ)
  const pOut = tm.alloc(CHUNK * sA)
  return (scalarsLE, count) => {
    tm.setBuff(pScalars, scalarsLE)
    const u8: Uint8Array = tm.u8
    for (let i = 0; i < count; i++) {
      const acc = pOutJ + i * sJ
      ex[`${prefix}_zero`](acc)
      for (let w = 0; w < WINDOWS; w++) {
        const d = u8[pScalars + i * 32 + w] as number
        if (d !== 0) ex[`${prefix}_addMixed`](acc, pTab + (w * 256 + d) * sA, acc)
      }
    }
    ex[`${prefix}_batchToAffine`](pOutJ, count, pOut)
    return tm.getBuff(pOut, count * sA)
  }
}

/** Sequential writer of the snarkjs binary container ("ptau", version, sections). */
class SectionWriter {
  constructor(private readonly fd: number) {}

  header(curve: Curve, power: number, nSections: number): void {
    const head = new Uint8Array(12)
    head.set([...'ptau'].map((c) => c.charCodeAt(0)))
    const dv = new DataView(head.buffer)
    dv.setUint32(4, 1, true)
    dv.setUint32(8, nSections, true)
    writeSync(this.fd, head)
    const body = new Uint8Array(4 + 32 + 8)
    const bv = new DataView(body.buffer)
    bv.setUint32(0, 32, true)
    let q = BigInt(curve.q)
    for (let i = 0; i < 32; i++) {
      body[4 + i] = Number(q & 0xffn)
      q >>= 8n
    }
    bv.setUint32(36, power, true)
    bv.setUint32(40, power, true)
    this.section(1, body.length, () => writeSync(this.fd, body))
  }

  section(id: number, size: number, write: () => void): void {
    const h = new Uint8Array(12)
    const dv = new DataView(h.buffer)
    dv.setUint32(0, id, true)
    dv.setBigUint64(4, BigInt(size), true)
    writeSync(this.fd, h)
    write()
  }
}
