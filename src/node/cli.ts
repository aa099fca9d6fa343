// The zklight command line: dispatches to devnet, node, keygen, transfer, balance, status,
// the ceremony subcommands, prover, validator-key, node-id and genesis. Exit codes
// (cli-exit.ts): 0 success, 1 failure, 2 usage, 3 trust or verification failure, 4 network
// failure; the named error on stderr.
// Run as `zklight …` (bin/zklight.js) or `node --import tsx src/node/cli.ts …`.
//
// Only command specs (names, options, help) load before the arguments are parsed: each
// command imports its implementation (libp2p, the verifier, snarkjs) inside run(), so
// --help and usage errors answer before any of that loads (test/node/cli.test.ts).
import '../polyfill.ts'
import { ceremonyCommands } from './cli-ceremony.ts'
import { balanceCommand, keygenCommand, statusCommand, transferCommand } from './cli-client.ts'
import { EXIT, exitCodeOf } from './cli-exit.ts'
import { groupHelpText, helpText, parseCommand, type CommandGroup, type CommandSpec } from './cli-options.ts'
import { proverCommand } from './cli-prover.ts'
import { devnetCommand, nodeCommand } from './cli-servers.ts'
import { genesisCommand, nodeIdCommand, validatorKeyCommand } from './cli-network.ts'
import { UsageError } from './errors.ts'

const COMMANDS: Record<string, CommandSpec | CommandGroup> = {
  devnet: devnetCommand,
  node: nodeCommand,
  keygen: keygenCommand,
  'validator-key': validatorKeyCommand,
  genesis: genesisCommand,
  'node-id': nodeIdCommand,
  transfer: transferCommand,
  balance: balanceCommand,
  status: statusCommand,
  ceremony: ceremonyCommands,
  prover: proverCommand,
}

const OVERVIEW = `usage: zklight <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(13)} ${c.brief}`)
  .join('\n')}

Run \`zklight <command> --help\` for a command's options.
`

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(OVERVIEW)
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  const entry = COMMANDS[name]
  if (!entry) {
    process.stderr.write(`zklight: unknown command "${name}"\n\n${OVERVIEW}`)
    return EXIT.usage
  }
  let command: CommandSpec
  let label = name
  let args = rest
  if ('subcommands' in entry) {
    const [sub, ...subArgs] = rest
    if (sub === undefined || sub === '--help' || sub === '-h') {
      process.stdout.write(groupHelpText(entry))
      return sub === undefined ? EXIT.usage : EXIT.ok
    }
    const spec = entry.subcommands[sub]
    if (!spec) {
      process.stderr.write(`zklight ${name}: unknown subcommand "${sub}"\n\n${groupHelpText(entry)}`)
      return EXIT.usage
    }
    command = spec
    label = `${name} ${sub}`
    args = subArgs
  } else command = entry
  try {
    const { values, positionals, help } = parseCommand(command, args)
    if (help) {
      process.stdout.write(helpText(command))
      return 0
    }
    return await command.run(values, positionals)
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`zklight ${label}: ${err.message}\nRun \`zklight ${label} --help\` for usage.\n`)
      return EXIT.usage
    }
    const e = err instanceof Error ? err : new Error(String(err))
    // Errors that carry a reason (CeremonyInvalid, …) show it, so scripts can tell failures apart.
    const r = (e as { reason?: unknown }).reason
    const reason = typeof r === 'string' ? ` (${r})` : ''
    process.stderr.write(`zklight ${label}: ${e.name}${reason}: ${e.message}\n`)
    if (process.env.ZKLIGHT_DEBUG) process.stderr.write(`${e.stack}\n`)
    return exitCodeOf(e)
  }
}

// A devnet's child processes stop when the devnet does, even when it was SIGKILLed
// and could not stop them: a child whose parent is gone is re-parented.
if (process.env.ZKLIGHT_EXIT_WITH_PARENT === '1') {
  const parent = process.ppid
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM')
  }, 1000).unref()
}

// Worker threads, libp2p timers and the curve keep the loop alive after a one-shot command: exit explicitly.
const code = await main(process.argv.slice(2))
process.exit(code)
