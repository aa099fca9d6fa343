// A two-contributor phase-2 ceremony on the test profile, end to end: new, two
// contributions, finalize with and without a beacon, verify, a real block proven and
// verified with the result, a devnet started from it, and tampered files refused.
// The dev ptau is the only one that can be made offline here, so the class is insecure-dev.
import { cpSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, writeFileSync, writeSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CEREMONY_FILES, contributionFile } from '../../src/node/ceremony-files.ts'
import { contributeCeremony, finalizeCeremony, loadCeremonyArtifacts, newCeremony, verifyCeremony, type CeremonyReport } from '../../src/node/ceremony.ts'
import type { TranscriptEntry } from '../../src/node/ceremony-files.ts'
import { ensureCircuitArtifacts, ensureDevPtau } from '../../src/zk/artifacts.ts'
import { readZkeyContributions } from '../../src/zk/phase2.ts'
import { PROFILES } from '../../src/zk/profiles.ts'
import { Prover } from '../../src/zk/prover.ts'
import { sha256File } from '../../src/zk/ptau-facts.ts'
import { parseSetupRecord } from '../../src/zk/setup-record.ts'
import { loadVerificationKey, verifyProof } from '../../src/zk/verifier.ts'
import { buildWitnessInput } from '../../src/zk/witness.ts'
import { applyAll, makeAccounts, makeLedger, transfer, type TestAccount } from '../helpers/fixture.ts'
import { killAll, runCli, startCli } from '../node/helpers/processes.ts'

const P = PROFILES.test
const root = mkdtempSync(join(tmpdir(), 'zklight-ceremony-'))
const dir = join(root, 'ceremony')
const plain = join(root, 'no-beacon')
const lines: string[] = []
const log = (m: string) => lines.push(m)
let alice: TranscriptEntry
let bob: TranscriptEntry

beforeAll(async () => {
  const ptau = await ensureDevPtau(P.ptauPower, log)
  await newCeremony({ profile: P, ptau, out: dir, log })
  alice = (await contributeCeremony(dir, { name: 'alice', log })).entry
  bob = (await contributeCeremony(dir, { name: 'bob', typedEntropy: 'typed at the keyboard', log })).entry
}, 900_000)

afterAll(async () => {
  await killAll()
  rmSync(root, { recursive: true, force: true })
})

/** Byte range of section `id` in a snarkjs binary file. */
function sectionOf(path: string, id: number): { at: number; size: number } {
  const buf = readFileSync(path)
  let at = 12
  for (let i = buf.readUInt32LE(8); i > 0; i--) {
    const size = Number(buf.readBigUInt64LE(at + 4))
    if (buf.readUInt32LE(at) === id) return { at: at + 12, size }
    at += 12 + size
  }
  throw new Error(`no section ${id} in ${path}`)
}

/** Flips one byte in the middle of a zkey's L section (the points a contribution rescales); returns an undo. */
function tamperZkey(path: string): () => void {
  const { at, size } = sectionOf(path, 8)
  const pos = at + Math.floor(size / 2)
  const fd = openSync(path, 'r+')
  const b = Buffer.alloc(1)
  readSync(fd, b, 0, 1, pos)
  writeSync(fd, Buffer.from([b[0]! ^ 0x01]), 0, 1, pos)
  closeSync(fd)
  return () => {
    const fd2 = openSync(path, 'r+')
    writeSync(fd2, b, 0, 1, pos)
    closeSync(fd2)
  }
}

const names = (r: CeremonyReport) => r.contributions.map((c) => [c.index, c.name, c.hash])

// Each step redoes a zkey new (about 40 s on an idle machine, several times that on a busy one).
describe('ceremony on the test profile', { timeout: 600_000 }, () => {
  it('lists both contributors in order with the hashes their runs printed', async () => {
    const r = await verifyCeremony(dir, { log })
    expect(names(r)).toEqual([
      [1, 'alice', alice.hash],
      [2, 'bob', bob.hash],
    ])
    expect(alice.hash).not.toBe(bob.hash)
    // The hashes are the zkey's own record, not just the transcript's word.
    const inZkey = await readZkeyContributions(join(dir, contributionFile(2)))
    expect(inZkey.contributions.map((c) => [c.name, c.hash])).toEqual([
      ['alice', alice.hash],
      ['bob', bob.hash],
    ])
    expect(r.finalized).toBe(false)
    expect(r.setup).toMatchObject({ class: 'insecure-dev', contributions: 2, beacon: false, ptauInsecureDev: true })
  })

  it('refuses to contribute on a folder whose last zkey does not verify', async () => {
    const undo = tamperZkey(join(dir, contributionFile(2)))
    try {
      await expect(contributeCeremony(dir, { name: 'carol', log })).rejects.toMatchObject({ name: 'CeremonyInvalid', reason: 'contribution-invalid', index: 2 })
      expect(existsSync(join(dir, contributionFile(3)))).toBe(false)
    } finally {
      undo()
    }
  })

  it('refuses to run a devnet on an unfinalized folder', async () => {
    await expect(loadCeremonyArtifacts(dir, log)).rejects.toMatchObject({ name: 'CeremonyStateError', reason: 'not-finalized' })
    const r = await runCli(['devnet', '--ceremony', dir, '--dir', join(root, 'devnet-unfinalized'), '--http-port', '0'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('CeremonyStateError (not-finalized)')
  })

  it('finalizes without a beacon: final.zkey is the last contribution', async () => {
    cpSync(dir, plain, { recursive: true })
    const r = await finalizeCeremony(plain, { log })
    expect(r.finalized).toBe(true)
    expect(r.beacon).toBeUndefined()
    expect(r.setup).toMatchObject({ class: 'insecure-dev', contributions: 2, beacon: false })
    expect(await sha256File(join(plain, CEREMONY_FILES.final))).toBe(await sha256File(join(plain, contributionFile(2))))
    expect(await sha256File(join(plain, CEREMONY_FILES.finalTranscript))).toBe(r.setup.transcriptHash)
    await expect(contributeCeremony(plain, { name: 'late', log })).rejects.toMatchObject({ name: 'CeremonyStateError', reason: 'finalized' })
  })

  it('ignores a zkey left by a contribution killed before it was recorded', async () => {
    copyFileSync(join(plain, contributionFile(2)), join(plain, contributionFile(3)))
    writeFileSync(join(plain, `${contributionFile(3)}.123.tmp`), 'half written')
    const r = await verifyCeremony(plain, { log })
    expect(r.stray).toEqual([contributionFile(3), `${contributionFile(3)}.123.tmp`])
    expect(r.contributions).toHaveLength(2)
  })

  it('finalizes with a beacon; verify passes and vk.json carries the setup record', async () => {
    const r = await finalizeCeremony(dir, { beacon: { seed: 'ab'.repeat(32), iterationsExp: 10 }, log })
    expect(r.beacon?.beacon).toEqual({ seed: 'ab'.repeat(32), iterationsExp: 10 })
    expect(r.setup).toMatchObject({ class: 'insecure-dev', contributions: 2, beacon: true, ptauInsecureDev: true })
    const again = await verifyCeremony(dir, { log })
    expect(again.setup).toEqual(r.setup)
    const vk = JSON.parse(readFileSync(join(dir, CEREMONY_FILES.vk), 'utf8')) as Record<string, unknown>
    expect(parseSetupRecord(vk.zklightSetup)).toEqual(r.setup)
    const transcript = readFileSync(join(dir, CEREMONY_FILES.finalTranscript), 'utf8').split('\n')
    expect(transcript.slice(3, 6).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([`contribution 1 ${alice.hash}`, `contribution 2 ${bob.hash}`, `beacon 3 ${r.beacon?.hash}`])
    await expect(finalizeCeremony(dir, { log })).rejects.toMatchObject({ name: 'CeremonyStateError', reason: 'finalized' })
  })

  it('proves a real block with the ceremony keys, verified by the verifier (and not under the build keys)', async () => {
    const art = await loadCeremonyArtifacts(dir, log)
    expect(art.setup.class).toBe('insecure-dev')
    const accounts = await makeAccounts(3)
    const [a, b, c] = accounts as [TestAccount, TestAccount, TestAccount]
    const tag = 1234n // any network's tag: a public input
    const state = makeLedger(tag, P.depth, accounts, 2)
    const { oldRoot, steps } = applyAll(state, [transfer(tag, a, c, 5n, 0), transfer(tag, b, a, 2n, 0)])
    const prover = new Prover(art)
    try {
      const { proof, publicSignals } = await prover.prove(buildWitnessInput(steps, P, oldRoot, tag))
      expect(await verifyProof(await loadVerificationKey(art.vk), proof, publicSignals)).toEqual({ ok: true })
      const built = await ensureCircuitArtifacts(P)
      expect(await verifyProof(await loadVerificationKey(built.vk), proof, publicSignals)).toEqual({ ok: false, reason: 'proof-invalid' })
    } finally {
      await prover.close()
    }
  })

  it('starts a devnet from the folder and says which setup it runs on', async () => {
    const devnet = await startCli(['devnet', '--single-process', '--ceremony', dir, '--dir', join(root, 'devnet'), '--http-port', '0', '--tx-rate', '0', '--validators', '1'])
    try {
      expect(devnet.log()).toContain('circuit keys: insecure-dev')
      const spec = JSON.parse(readFileSync(join(root, 'devnet', 'genesis.json'), 'utf8')) as { vk: unknown; profile: string }
      expect(spec.profile).toBe('test')
      expect(spec.vk).toEqual(JSON.parse(readFileSync(join(dir, CEREMONY_FILES.vk), 'utf8')))
    } finally {
      await devnet.stop()
    }
  })

  it('fails verification when a contribution file is tampered with', async () => {
    const undo = tamperZkey(join(dir, contributionFile(1)))
    try {
      await expect(verifyCeremony(dir, { log })).rejects.toMatchObject({ name: 'CeremonyInvalid', reason: 'contribution-invalid', index: 1 })
    } finally {
      undo()
    }
  })

  it('fails verification when the transcript is tampered with, in the library and the CLI', async () => {
    const path = join(dir, CEREMONY_FILES.transcript)
    const original = readFileSync(path, 'utf8')
    const t = JSON.parse(original) as { contributions: TranscriptEntry[] }
    t.contributions[1]!.name = 'mallory'
    writeFileSync(path, JSON.stringify(t))
    try {
      await expect(verifyCeremony(dir, { log })).rejects.toMatchObject({ name: 'CeremonyInvalid', reason: 'transcript-mismatch', index: 2 })
      const cli = await runCli(['ceremony', 'verify', dir])
      expect(cli.code).toBe(3) // a trust failure (docs/node.md#exit-codes)
      expect(cli.stderr).toContain('CeremonyInvalid (transcript-mismatch)')
      expect(cli.stdout).toBe('')
    } finally {
      writeFileSync(path, original)
    }
    // Swapping the two entries is caught too: each zkey names its own contributor.
    const swapped = JSON.parse(original) as { contributions: TranscriptEntry[] }
    swapped.contributions = [
      { ...swapped.contributions[1]!, index: 1 },
      { ...swapped.contributions[0]!, index: 2 },
    ]
    writeFileSync(path, JSON.stringify(swapped))
    try {
      await expect(verifyCeremony(dir, { log })).rejects.toMatchObject({ name: 'CeremonyInvalid', reason: 'transcript-mismatch', index: 1 })
    } finally {
      writeFileSync(path, original)
    }
  })
})
