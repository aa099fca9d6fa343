// The setup class computed from real files: a tiny circuit, a snarkjs powers of tau
// with one phase-1 contribution and the marked dev one, zkeys after 0, 1 and 2
// phase-2 contributions and a beacon — and the test profile's build record.
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as snarkjs from 'snarkjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileCircom, ensureCircuitArtifacts, ROOT } from '../../src/zk/artifacts.ts'
import { writeDevPtau } from '../../src/zk/dev-ptau.ts'
import { beaconZkey, computeSetupRecord, contributeZkey, newZkey, readZkeyContributions } from '../../src/zk/phase2.ts'
import { PROFILES } from '../../src/zk/profiles.ts'
import { readPtauFacts, sha256File, type PtauFacts } from '../../src/zk/ptau-facts.ts'
import { parseSetupRecord } from '../../src/zk/setup-record.ts'

const tmp = mkdtempSync(join(tmpdir(), 'zklight-classes-'))
// circom2 only sees files under the project root.
const src = join(ROOT, '.cache', 'compile', `classes-test-${process.pid}`)
const quiet = () => {}
const entropy = () => randomBytes(32).toString('hex')
let r1cs: string
let real: PtauFacts
let dev: PtauFacts
const realPtau = join(tmp, 'real.ptau')
const devPtau = join(tmp, 'dev.ptau')

beforeAll(async () => {
  mkdirSync(src, { recursive: true })
  writeFileSync(join(src, 'mul.circom'), 'pragma circom 2.1.6;\ntemplate Mul() { signal input a; signal input b; signal output c; c <== a * b; }\ncomponent main {public [a]} = Mul();\n')
  await compileCircom(join(src, 'mul.circom'), src, quiet)
  r1cs = join(src, 'mul.r1cs')
  const curve = await snarkjs.curves.getCurveFromName('bn128')
  await snarkjs.powersOfTau.newAccumulator(curve, 4, join(tmp, 'p0.ptau'))
  await snarkjs.powersOfTau.contribute(join(tmp, 'p0.ptau'), join(tmp, 'p1.ptau'), 'phase-1 contributor', entropy())
  await snarkjs.powersOfTau.preparePhase2(join(tmp, 'p1.ptau'), realPtau)
  await writeDevPtau(devPtau, 4)
  real = await readPtauFacts(realPtau)
  dev = await readPtauFacts(devPtau)
}, 120_000)

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
  rmSync(src, { recursive: true, force: true })
})

describe('setup class from the files', () => {
  it('follows the contributions on a real ptau: none, one, one plus a beacon, two', async () => {
    await newZkey(r1cs, realPtau, join(tmp, 'r0.zkey'), quiet)
    const h1 = await contributeZkey(join(tmp, 'r0.zkey'), join(tmp, 'r1.zkey'), 'alice', entropy(), quiet)
    const h2 = await contributeZkey(join(tmp, 'r1.zkey'), join(tmp, 'r2.zkey'), 'bob', entropy(), quiet)
    await beaconZkey(join(tmp, 'r1.zkey'), join(tmp, 'r1b.zkey'), 'cd'.repeat(16), 10, quiet)
    const record = async (f: string) => (await computeSetupRecord(join(tmp, f), real)).record
    expect(await record('r0.zkey')).toMatchObject({ class: 'insecure-dev', contributions: 0, beacon: false, ptauInsecureDev: false })
    expect(await record('r1.zkey')).toMatchObject({ class: 'single-party', contributions: 1, beacon: false })
    expect(await record('r1b.zkey')).toMatchObject({ class: 'single-party', contributions: 1, beacon: true })
    expect(await record('r2.zkey')).toMatchObject({ class: 'ceremony', contributions: 2, beacon: false, ptauHash: real.sha256 })
    // The hashes read back from the zkey are the ones snarkjs returned when contributing.
    expect((await readZkeyContributions(join(tmp, 'r2.zkey'))).contributions.map((c) => [c.name, c.hash])).toEqual([
      ['alice', h1],
      ['bob', h2],
    ])
  })

  it('is insecure-dev on the dev ptau however many contribute', async () => {
    await newZkey(r1cs, devPtau, join(tmp, 'd0.zkey'), quiet)
    await contributeZkey(join(tmp, 'd0.zkey'), join(tmp, 'd1.zkey'), 'alice', entropy(), quiet)
    await contributeZkey(join(tmp, 'd1.zkey'), join(tmp, 'd2.zkey'), 'bob', entropy(), quiet)
    expect((await computeSetupRecord(join(tmp, 'd2.zkey'), dev)).record).toMatchObject({ class: 'insecure-dev', contributions: 2, ptauInsecureDev: true })
  })

  it("records the build's setup in the test profile's vk, with the transcript it hashes", async () => {
    const art = await ensureCircuitArtifacts(PROFILES.test)
    const record = parseSetupRecord(art.vk.zklightSetup)
    expect(record).toMatchObject({ class: 'insecure-dev', contributions: 1, beacon: false, ptauInsecureDev: true })
    expect(art.setup).toEqual(record)
    expect(await sha256File(join(art.dir, 'transcript.txt'))).toBe(record?.transcriptHash)
    expect(readFileSync(join(art.dir, 'transcript.txt'), 'utf8')).toContain('"zklight build contribution"')
  })
})
