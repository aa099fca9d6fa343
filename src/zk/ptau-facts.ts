// What a powers-of-tau file is, read from its contents and never from its name: its
// size, how many phase-1 contributions it records, whether it carries the marker the
// insecure dev writer stamps (dev-ptau.ts), and its SHA-256.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'

/** Section id of the dev marker: outside the ids snarkjs uses (1..15), so snarkjs skips it. */
export const DEV_PTAU_MARKER_SECTION = 0x7a6c
/** The marker section's bytes (for a human reading the file; the section's presence is what counts). */
export const DEV_PTAU_MARKER = new TextEncoder().encode('zklight INSECURE dev powers of tau/1: whoever made this file could keep tau and forge proofs')

export interface PtauFacts {
  /** SHA-256 of the whole file (hex). */
  sha256: string
  /** 2^power points. */
  power: number
  /** Phase-1 contributions recorded in section 7. */
  phase1Contributions: number
  devMarker: boolean
  /** Has the Lagrange sections `zkey new` needs (`powersoftau prepare phase2`). */
  prepared: boolean
  /** The dev marker, or no phase-1 contribution at all (tau = 1, known to everyone). */
  insecureDev: boolean
}

export class BadPtauFile extends Error {
  override name = 'BadPtauFile'
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) h.update(chunk as Buffer)
  return h.digest('hex')
}

/** Reads the container's section table and the few small sections that matter. */
export async function readPtauFacts(path: string): Promise<PtauFacts> {
  const fh = await open(path, 'r').catch(() => {
    throw new BadPtauFile(`cannot read ${path}`)
  })
  try {
    const { size } = await fh.stat()
    const read = async (at: number, n: number): Promise<Buffer> => {
      if (at + n > size) throw new BadPtauFile(`${path} is truncated`)
      const b = Buffer.alloc(n)
      await fh.read(b, 0, n, at)
      return b
    }
    const head = await read(0, 12)
    if (head.toString('latin1', 0, 4) !== 'ptau') throw new BadPtauFile(`${path} is not a powers-of-tau file`)
    const nSections = head.readUInt32LE(8)
    const sections = new Map<number, { at: number; size: number }>()
    let at = 12
    for (let i = 0; i < nSections; i++) {
      const h = await read(at, 12)
      const id = h.readUInt32LE(0)
      const len = Number(h.readBigUInt64LE(4))
      if (sections.has(id)) throw new BadPtauFile(`${path} repeats section ${id}`)
      sections.set(id, { at: at + 12, size: len })
      at += 12 + len
    }
    if (at !== size) throw new BadPtauFile(`${path}: sections do not add up to the file size`)
    const header = sections.get(1)
    const contributions = sections.get(7)
    if (!header || !contributions) throw new BadPtauFile(`${path} lacks its header or contributions section`)
    const n8 = (await read(header.at, 4)).readUInt32LE(0)
    const power = (await read(header.at + 4 + n8, 4)).readUInt32LE(0)
    const phase1Contributions = (await read(contributions.at, 4)).readUInt32LE(0)
    // The section's presence is the marker, whatever its bytes: an edited marker still errs towards insecure.
    const devMarker = sections.has(DEV_PTAU_MARKER_SECTION)
    const prepared = [12, 13, 14, 15].every((id) => sections.has(id))
    return { sha256: await sha256File(path), power, phase1Contributions, devMarker, prepared, insecureDev: devMarker || phase1Contributions === 0 }
  } finally {
    await fh.close()
  }
}
