// `zklight ceremony new|contribute|verify|finalize`: a multi-party Groth16 phase-2
// ceremony over a folder that contributors pass from machine to machine. Progress goes
// to stderr, results to stdout; snarkjs loads inside `run`, so --help stays fast.
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { getProfile, type CircuitProfile } from '../zk/profiles.ts'
import { describeSetup } from '../zk/setup-record.ts'
import type { CeremonyReport } from './ceremony.ts'
import { int, required, str, type CommandGroup, type CommandSpec, type Values } from './cli-options.ts'
import { UsageError } from './errors.ts'

const log = (msg: string) => process.stderr.write(`zklight ceremony: ${msg}\n`)

const jsonOption = { type: 'boolean', help: 'print the report as one JSON object' } as const

function print(report: CeremonyReport, values: Values): void {
  process.stdout.write(values.json === true ? `${JSON.stringify(report)}\n` : formatReport(report))
}

/** The transcript as people read it: who contributed, in order, with the hashes they were shown. */
export function formatReport(r: CeremonyReport): string {
  const p = r.profile
  const ptau = r.ptau.insecureDev
    ? `INSECURE (${r.ptau.devMarker ? 'dev marker' : 'no phase-1 contribution'})`
    : `${r.ptau.phase1Contributions} phase-1 contribution${r.ptau.phase1Contributions === 1 ? '' : 's'}`
  const lines = [
    `ceremony    ${r.dir}`,
    `profile     ${p.name} (B=${p.batch}, D=${p.depth})`,
    `circuit     ${r.circuitHash}`,
    `ptau        ${r.ptau.sha256} (2^${r.ptau.power}, ${ptau})`,
    ...(r.contributions.length === 0 ? ['contributions: none yet'] : ['contributions (name, then snarkjs contribution hash):']),
    ...r.contributions.map((c) => `  #${c.index} ${c.name}  (${c.time})\n      ${c.hash}`),
    ...(r.beacon?.beacon ? [`beacon      seed ${r.beacon.beacon.seed}, 2^${r.beacon.beacon.iterationsExp} iterations\n      ${r.beacon.hash}`] : []),
    ...(r.stray.length > 0 ? [`ignored     ${r.stray.join(', ')} (left by an interrupted step)`] : []),
    `state       ${r.finalized ? 'finalized: final.zkey, vk.json, transcript.txt' : 'open: takes contributions until finalized'}`,
    `setup       ${describeSetup(r.setup)}${r.finalized ? '' : ' if finalized now'}`,
    `transcript  ${r.setup.transcriptHash} (${r.finalized ? 'SHA-256 of transcript.txt' : 'if finalized now'})`,
  ]
  return `${lines.join('\n')}\n`
}

function profileOf(values: Values): CircuitProfile {
  const name = required(values, 'profile', 'NAME')
  try {
    return getProfile(name)
  } catch {
    throw new UsageError(`--profile must be test or devnet, got "${name}"`)
  }
}

/** One line of typed text from stdin (a terminal, or a pipe). */
async function readTypedText(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Type some random text and press Enter (it is mixed with the OS random generator; it is not stored): ')
  const rl = createInterface({ input: process.stdin, terminal: false })
  try {
    for await (const line of rl) return line
    return ''
  } finally {
    rl.close()
  }
}

const newCommand: CommandSpec = {
  brief: 'start a ceremony folder: circuit, powers of tau, initial zkey',
  usage: 'ceremony new --profile test|devnet --ptau FILE|insecure-dev --out DIR [--json]',
  summary:
    "Compiles the profile's circuit from this checkout, copies the powers of tau into DIR and makes the initial zkey\n" +
    '(no contribution yet). DIR must not exist or be empty. `--ptau insecure-dev` uses the fast dev powers of tau:\n' +
    'fine to rehearse, but every setup on it is insecure-dev however many people contribute.',
  options: {
    profile: { type: 'string', arg: 'NAME', help: 'circuit profile: test (B=2, D=8) or devnet (B=4, D=16)' },
    ptau: { type: 'string', arg: 'FILE', help: 'prepared powers-of-tau file (a public phase-1 ceremony), or insecure-dev' },
    out: { type: 'string', arg: 'DIR', help: 'the ceremony folder to create' },
    json: jsonOption,
  },
  async run(values) {
    const profile = profileOf(values)
    const ptauArg = required(values, 'ptau', 'FILE')
    const out = required(values, 'out', 'DIR')
    if (ptauArg !== 'insecure-dev' && !existsSync(ptauArg)) throw new UsageError(`--ptau ${ptauArg}: no such file`)
    const { newCeremony } = await import('./ceremony.ts')
    const { ensureDevPtau } = await import('../zk/artifacts.ts')
    const ptau = ptauArg === 'insecure-dev' ? await ensureDevPtau(profile.ptauPower, log) : ptauArg
    const report = await newCeremony({ profile, ptau, out, log })
    print(report, values)
    log(`next: pass ${out} to the first contributor (zklight ceremony contribute ${out} --name NAME)`)
    return 0
  },
}

const contributeCommand: CommandSpec = {
  brief: 'verify the folder, then add your contribution',
  usage: 'ceremony contribute DIR --name TEXT [--type-entropy] [--json]',
  summary:
    'Verifies DIR (every earlier contribution, against the r1cs of this checkout and the powers of tau) and refuses it\n' +
    'if anything fails; then adds one contribution from the OS random generator (plus typed text with --type-entropy)\n' +
    'and records it in transcript.json. Note the printed hash: it is how you find your contribution in the transcript.\n' +
    'Your entropy is never written anywhere; pass DIR on to the next contributor.',
  options: {
    name: { type: 'string', arg: 'TEXT', help: 'your name as it will appear in the transcript (1 to 64 bytes)' },
    'type-entropy': { type: 'boolean', help: 'also mix in a line of text read from stdin' },
    json: jsonOption,
  },
  positionals: { min: 1, max: 1, names: 'DIR' },
  async run(values, positionals) {
    const dir = positionals[0] as string
    const name = required(values, 'name', 'TEXT')
    const { checkContributorName, contributeCeremony } = await import('./ceremony.ts')
    checkContributorName(name)
    const typedEntropy = values['type-entropy'] === true ? await readTypedText() : undefined
    const { entry, report } = await contributeCeremony(dir, { name, typedEntropy, log })
    print(report, values)
    log(`your contribution: #${entry.index} "${entry.name}", hash ${entry.hash}`)
    return 0
  },
}

const verifyCommand: CommandSpec = {
  brief: 'check every contribution in order and print the transcript',
  usage: 'ceremony verify DIR [--json]',
  summary:
    "Recomputes everything from the files in DIR: the r1cs against this checkout's sources, the initial zkey from the\n" +
    'r1cs and the powers of tau, every contribution in order (snarkjs verifyFromInit) and its transcript entry, and\n' +
    'when finalized the final zkey, vk.json and transcript.txt. Prints the transcript and the setup class; exits 1\n' +
    'with CeremonyInvalid (and the failed check) when anything does not verify.',
  options: { json: jsonOption },
  positionals: { min: 1, max: 1, names: 'DIR' },
  async run(values, positionals) {
    const { verifyCeremony } = await import('./ceremony.ts')
    print(await verifyCeremony(positionals[0] as string, { log }), values)
    return 0
  },
}

const finalizeCommand: CommandSpec = {
  brief: 'verify, apply an optional public beacon, write final.zkey, vk.json, transcript.txt',
  usage: 'ceremony finalize DIR [--beacon HEX [--iterations N]] [--json]',
  summary:
    'Verifies DIR, then writes final.zkey (the last contribution, or it plus a beacon), vk.json (with the setup record\n' +
    "in zklightSetup) and transcript.txt (whose SHA-256 is the record's transcriptHash). A beacon is a public random\n" +
    'value fixed after the last contribution (e.g. a future block hash): it shows the coordinator did not pick the\n' +
    'last step; it adds no secret. `zklight devnet --ceremony DIR` then runs a network on the result.',
  options: {
    beacon: { type: 'string', arg: 'HEX', help: 'public beacon value, 1 to 255 bytes in hex' },
    iterations: { type: 'string', arg: 'N', help: 'the beacon is hashed 2^N times (10 to 63)', default: '10' },
    json: jsonOption,
  },
  positionals: { min: 1, max: 1, names: 'DIR' },
  async run(values, positionals) {
    const seed = str(values, 'beacon')
    if (seed !== undefined && !/^([0-9a-fA-F]{2}){1,255}$/.test(seed)) throw new UsageError(`--beacon must be 1 to 255 bytes of hex, got "${seed}"`)
    if (seed === undefined && str(values, 'iterations') !== undefined) throw new UsageError('--iterations needs --beacon')
    const iterationsExp = int(values, 'iterations', 10, 10, 63)
    const { finalizeCeremony } = await import('./ceremony.ts')
    const report = await finalizeCeremony(positionals[0] as string, { log, ...(seed ? { beacon: { seed: seed.toLowerCase(), iterationsExp } } : {}) })
    print(report, values)
    log(`finalized: ${describeSetup(report.setup)}; run it with zklight devnet --ceremony ${positionals[0]}`)
    return 0
  },
}

export const ceremonyCommands: CommandGroup = {
  usage: 'ceremony new|contribute|verify|finalize …',
  brief: 'multi-party trusted setup (Groth16 phase 2) over a folder passed between contributors',
  summary:
    'A phase-2 ceremony: one person runs `new`, each contributor in turn runs `contribute` on the folder and passes it\n' +
    'on (by any means: the folder is all that travels), anyone can `verify` it at any time, and `finalize` produces the\n' +
    'keys. The setup class (insecure-dev, single-party, ceremony(n)) is computed from the files, never from a flag.',
  subcommands: { new: newCommand, contribute: contributeCommand, verify: verifyCommand, finalize: finalizeCommand },
}
