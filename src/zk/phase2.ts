// Groth16 phase 2 on snarkjs's primitives: a new zkey from an r1cs and a prepared powers
// of tau, contributions, beacons, verification of a zkey against the initial one, and
// the contribution list a zkey carries (read from the file, never from a side file).
import { open } from 'node:fs/promises'
import { blake2b } from '@noble/hashes/blake2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import * as snarkjs from 'snarkjs'
import { getCurve } from './curve.ts'
import { CONTRIBUTE_PHASES, runStage, VERIFY_PHASES, ZKEY_NEW_PHASES, type Log, type Stage } from './progress.ts'
import type { PtauFacts } from './ptau-facts.ts'
import { setupRecordOf, transcriptText, type Phase2Contribution, type SetupRecord, type SetupTranscript } from './setup-record.ts'

/** snarkjs refused an operation (it logs a reason and returns a code instead of throwing). */
export class Phase2Error extends Error {
  override name = 'Phase2Error'
}

/** A zkey whose contribution section cannot be read. */
export class BadZkeyFile extends Error {
  override name = 'BadZkeyFile'
}

/** snarkjs's `zkey new`: the initial zkey (no contribution). Returns its csHash (hex). */
export async function newZkey(r1cs: string, ptau: string, out: string, log: Log, label = 'groth16 setup (zkey new)'): Promise<string> {
  return runStage(log, label, ZKEY_NEW_PHASES, async (stage) => {
    const r = (await snarkjs.zKey.newZKey(r1cs, ptau, out, stage.logger)) as unknown
    if (!(r instanceof Uint8Array)) throw new Phase2Error(`zkey new failed: ${stage.lastError() ?? 'no reason given'}`)
    return bytesToHex(r)
  })
}

/** One contribution with secret entropy; returns its contribution hash (hex). */
export async function contributeZkey(prev: string, out: string, name: string, entropy: string, log: Log, label = 'phase-2 contribution'): Promise<string> {
  if (entropy.length < 32) throw new Phase2Error('contribution entropy too short') // an empty string would make snarkjs prompt on stdin
  return runStage(log, label, CONTRIBUTE_PHASES, async (stage) => {
    const r = (await snarkjs.zKey.contribute(prev, out, name, entropy, stage.logger)) as unknown
    if (!(r instanceof Uint8Array)) throw new Phase2Error(`contribution failed: ${stage.lastError() ?? 'no reason given'}`)
    return bytesToHex(r)
  })
}

/** A contribution derived from a public beacon (seed hex, 2^iterationsExp SHA-256 rounds); returns its hash. */
export async function beaconZkey(prev: string, out: string, seedHex: string, iterationsExp: number, log: Log, label = 'beacon'): Promise<string> {
  return runStage(log, label, CONTRIBUTE_PHASES, async (stage) => {
    const r = (await snarkjs.zKey.beacon(prev, out, 'beacon', seedHex, iterationsExp, stage.logger)) as unknown
    if (!(r instanceof Uint8Array)) throw new Phase2Error(`beacon failed: ${stage.lastError() ?? 'no reason given'}`)
    return bytesToHex(r)
  })
}

/**
 * snarkjs's verifyFromInit: every contribution in `zkey` is consistent with its public
 * key and the one before it, and the key's points follow from `init` and the ptau.
 */
export async function verifyZkeyFromInit(init: string, ptau: string, zkey: string, log: Log, label: string): Promise<boolean> {
  return runStage(log, label, VERIFY_PHASES, (stage) => withConsoleTo(stage, () => snarkjs.zKey.verifyFromInit(init, ptau, zkey, stage.logger) as Promise<boolean>))
}

// snarkjs reports some verification failures with console.log; a CLI's stdout carries
// its result (a devnet's carries one JSON line), so those lines go to the stage's log.
async function withConsoleTo<T>(stage: Stage, f: () => Promise<T>): Promise<T> {
  const original = console.log
  console.log = (...args: unknown[]) => stage.logger.error(args.map(String).join(' '))
  try {
    return await f()
  } finally {
    console.log = original
  }
}

export async function exportVerificationKey(zkey: string): Promise<Record<string, unknown> & { nPublic: number }> {
  return (await snarkjs.zKey.exportVerificationKey(zkey)) as Record<string, unknown> & { nPublic: number }
}

/** The csHash and contribution list of a zkey (section 10), with snarkjs's contribution hashes. */
export async function readZkeyContributions(path: string): Promise<{ circuitHash: string; contributions: Phase2Contribution[] }> {
  const section = await readSection(path, 10)
  const curve = await getCurve()
  let at = 0
  const take = (n: number): Uint8Array => {
    if (at + n > section.length) throw new BadZkeyFile(`${path}: contribution section is truncated`)
    const b = section.subarray(at, at + n)
    at += n
    return b
  }
  const u32 = () => new DataView(take(4).slice().buffer).getUint32(0, true)
  const circuitHash = bytesToHex(take(64))
  const n = u32()
  const contributions: Phase2Contribution[] = []
  for (let i = 1; i <= n; i++) {
    // snarkjs's hashPubKey: deltaAfter, g1_s, g1_sx (G1), g2_spx (G2) uncompressed, then the transcript.
    const hasher = blake2b.create({ dkLen: 64 })
    for (const group of ['G1', 'G1', 'G1', 'G2'] as const) {
      const G = curve[group]
      const point = G.fromRprLEM(take(G.F.n8 * 2), 0)
      const buf = new Uint8Array(G.F.n8 * 2)
      G.toRprUncompressed(buf, 0, point)
      hasher.update(buf)
    }
    hasher.update(take(64))
    const type = u32()
    const params = take(u32())
    const c: Phase2Contribution = { index: i, name: '', hash: bytesToHex(hasher.digest()) }
    let seed: string | undefined
    let iterationsExp: number | undefined
    for (let p = 0; p < params.length;) {
      const kind = params[p++]
      if (kind === 1 || kind === 3) {
        const len = params[p++] ?? 0
        const bytes = params.subarray(p, p + len)
        p += len
        if (kind === 1) c.name = new TextDecoder().decode(bytes)
        else seed = bytesToHex(bytes)
      } else if (kind === 2) iterationsExp = params[p++]
      else throw new BadZkeyFile(`${path}: unknown contribution parameter ${kind}`)
    }
    if (type === 1) {
      if (seed === undefined || iterationsExp === undefined) throw new BadZkeyFile(`${path}: beacon ${i} lacks its parameters`)
      c.beacon = { seed, iterationsExp }
    }
    contributions.push(c)
  }
  if (at !== section.length) throw new BadZkeyFile(`${path}: contribution section has trailing bytes`)
  return { circuitHash, contributions }
}

/** The setup record of a finished zkey over a ptau, and the transcript text it hashes. */
export async function computeSetupRecord(zkey: string, ptau: PtauFacts): Promise<{ record: SetupRecord; transcript: string }> {
  const { circuitHash, contributions } = await readZkeyContributions(zkey)
  const t: SetupTranscript = { circuitHash, ptauHash: ptau.sha256, ptauInsecureDev: ptau.insecureDev, contributions }
  return { record: setupRecordOf(t), transcript: transcriptText(t) }
}

async function readSection(path: string, id: number): Promise<Uint8Array> {
  const fh = await open(path, 'r').catch(() => {
    throw new BadZkeyFile(`cannot read ${path}`)
  })
  try {
    const { size } = await fh.stat()
    const read = async (at: number, n: number): Promise<Buffer> => {
      if (at + n > size) throw new BadZkeyFile(`${path} is truncated`)
      const b = Buffer.alloc(n)
      await fh.read(b, 0, n, at)
      return b
    }
    const head = await read(0, 12)
    if (head.toString('latin1', 0, 4) !== 'zkey') throw new BadZkeyFile(`${path} is not a zkey`)
    let found: Buffer | undefined
    let at = 12
    for (let i = head.readUInt32LE(8); i > 0; i--) {
      const h = await read(at, 12)
      const len = Number(h.readBigUInt64LE(4))
      if (h.readUInt32LE(0) === id) {
        if (found) throw new BadZkeyFile(`${path} repeats section ${id}`)
        found = await read(at + 12, len)
      }
      at += 12 + len
    }
    if (at !== size) throw new BadZkeyFile(`${path}: sections do not add up to the file size`)
    if (!found) throw new BadZkeyFile(`${path} has no section ${id}`)
    return new Uint8Array(found)
  } finally {
    await fh.close()
  }
}
