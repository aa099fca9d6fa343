// The dev powers-of-tau marker is read from the file's contents, so a renamed copy is
// still known as insecure; a snarkjs ptau with a phase-1 contribution carries no marker,
// and one without any contribution (tau = 1) is insecure all the same.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import * as snarkjs from 'snarkjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeDevPtau } from '../../src/zk/dev-ptau.ts'
import { BadPtauFile, readPtauFacts, sha256File } from '../../src/zk/ptau-facts.ts'

const dir = mkdtempSync(join(tmpdir(), 'zklight-ptau-facts-'))
const dev = join(dir, 'dev.ptau')
const fresh = join(dir, 'fresh.ptau')
const contributed = join(dir, 'contributed.ptau')
const prepared = join(dir, 'prepared.ptau')

beforeAll(async () => {
  await writeDevPtau(dev, 4)
  const curve = await snarkjs.curves.getCurveFromName('bn128')
  await snarkjs.powersOfTau.newAccumulator(curve, 4, fresh)
  await snarkjs.powersOfTau.contribute(fresh, contributed, 'someone', randomBytes(32).toString('hex'))
  await snarkjs.powersOfTau.preparePhase2(contributed, prepared)
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('powers-of-tau facts', () => {
  it('knows the dev ptau by its marker, under any name', async () => {
    const renamed = join(dir, 'powersOfTau28_hez_final_04.ptau')
    copyFileSync(dev, renamed)
    for (const path of [dev, renamed]) {
      const f = await readPtauFacts(path)
      expect(f).toMatchObject({ power: 4, devMarker: true, insecureDev: true, prepared: true, phase1Contributions: 0 })
      expect(f.sha256).toBe(await sha256File(dev))
    }
  })

  it('finds no marker in a snarkjs ptau; one phase-1 contribution makes it not insecure', async () => {
    expect(await readPtauFacts(prepared)).toMatchObject({ power: 4, devMarker: false, insecureDev: false, prepared: true, phase1Contributions: 1 })
    expect(await readPtauFacts(contributed)).toMatchObject({ devMarker: false, insecureDev: false, prepared: false })
  })

  it('counts a ptau without any phase-1 contribution as insecure', async () => {
    expect(await readPtauFacts(fresh)).toMatchObject({ devMarker: false, phase1Contributions: 0, insecureDev: true })
  })

  it('refuses a file that is not a ptau', async () => {
    const junk = join(dir, 'junk.ptau')
    writeFileSync(junk, 'not a ptau at all')
    await expect(readPtauFacts(junk)).rejects.toMatchObject({ name: 'BadPtauFile' })
    await expect(readPtauFacts(join(dir, 'absent.ptau'))).rejects.toBeInstanceOf(BadPtauFile)
  })
})
