// The ceremony command line: help and usage errors exit as every other command does
// (0 for --help, 2 for a command line that cannot run), before any heavy work starts.
import { describe, expect, it } from 'vitest'
import { runCli } from './helpers/processes.ts'

describe('zklight ceremony', () => {
  it('lists its subcommands and documents each', async () => {
    const group = await runCli(['ceremony', '--help'])
    expect(group.code).toBe(0)
    for (const sub of ['new', 'contribute', 'verify', 'finalize']) expect(group.stdout).toContain(`  ${sub} `)
    const sub = await runCli(['ceremony', 'finalize', '--help'])
    expect(sub.code).toBe(0)
    expect(sub.stdout).toContain('--beacon HEX')
  })

  it('exits 2 on a command line that cannot run', async () => {
    const cases = [
      ['ceremony'],
      ['ceremony', 'bogus'],
      ['ceremony', 'new', '--profile', 'test', '--out', 'x'],
      ['ceremony', 'new', '--profile', 'huge', '--ptau', 'insecure-dev', '--out', 'x'],
      ['ceremony', 'new', '--profile', 'test', '--ptau', '/no/such.ptau', '--out', 'x'],
      ['ceremony', 'contribute', 'dir', '--name', ''],
      ['ceremony', 'contribute', 'dir', '--name', 'x'.repeat(65)],
      ['ceremony', 'verify'],
      ['ceremony', 'finalize', 'dir', '--beacon', 'xyz'],
      ['ceremony', 'finalize', 'dir', '--iterations', '12'],
      ['ceremony', 'finalize', 'dir', '--beacon', 'ab', '--iterations', '9'],
      ['devnet', '--ceremony', 'dir', '--ptau', 'file'],
    ]
    const results = await Promise.all(cases.map((args) => runCli(args)))
    results.forEach((r, i) => expect(r.code, cases[i]!.join(' ')).toBe(2))
  })
})
