// The fast dev powers of tau must equal what snarkjs's own `prepare phase2`
// computes from the same tau powers, section by section.
import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as snarkjs from 'snarkjs'
import { writeDevPtau } from '../../src/zk/dev-ptau.ts'
import { DEV_PTAU_MARKER_SECTION } from '../../src/zk/ptau-facts.ts'

function readSections(buf: Uint8Array): Map<number, Uint8Array> {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  expect(new TextDecoder().decode(buf.subarray(0, 4))).toBe('ptau')
  const n = dv.getUint32(8, true)
  const out = new Map<number, Uint8Array>()
  let at = 12
  for (let i = 0; i < n; i++) {
    const id = dv.getUint32(at, true)
    const size = Number(dv.getBigUint64(at + 4, true))
    out.set(id, buf.subarray(at + 12, at + 12 + size))
    at += 12 + size
  }
  expect(at).toBe(buf.length)
  return out
}

function container(sections: [number, Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = []
  const head = new Uint8Array(12)
  head.set([0x70, 0x74, 0x61, 0x75])
  new DataView(head.buffer).setUint32(4, 1, true)
  new DataView(head.buffer).setUint32(8, sections.length, true)
  parts.push(head)
  for (const [id, body] of sections) {
    const h = new Uint8Array(12)
    new DataView(h.buffer).setUint32(0, id, true)
    new DataView(h.buffer).setBigUint64(4, BigInt(body.length), true)
    parts.push(h, body)
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

describe('dev powers of tau', () => {
  it('matches snarkjs prepare phase2 on the same tau powers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zklight-ptau-'))
    try {
      const ours = join(dir, 'ours.ptau')
      await writeDevPtau(ours, 5)
      const mine = readSections(readFileSync(ours))
      expect([...mine.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, DEV_PTAU_MARKER_SECTION])
      // Hand snarkjs only the unprepared part and let it compute the Lagrange sections.
      const raw = join(dir, 'raw.ptau')
      writeFileSync(raw, container([1, 2, 3, 4, 5, 6, 7].map((id) => [id, mine.get(id) as Uint8Array])))
      const prepared = join(dir, 'prepared.ptau')
      await snarkjs.powersOfTau.preparePhase2(raw, prepared)
      const theirs = readSections(readFileSync(prepared))
      for (const id of [12, 13, 14, 15]) {
        expect(Buffer.from(mine.get(id) as Uint8Array).equals(Buffer.from(theirs.get(id) as Uint8Array)), `section ${id}`).toBe(true)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 300_000)
})
