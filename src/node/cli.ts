// The zklight command line: dispatches to devnet, node, keygen, transfer, balance and
// status. Exit codes: 0 success, 1 failure (named error on stderr), 2 usage error.
// Run as `zklight …` (bin/zklight.js) or `node --import tsx src/node/cli.ts …`.
import '../polyfill.ts'
import { balanceCommand, keygenCommand, statusCommand, transferCommand } from './cli-client.ts'
import { helpText, parseCommand, type CommandSpec } from './cli-options.ts'
import { devnetCommand, nodeCommand } from './cli-servers.ts'
import { UsageError } from './errors.ts'

const COMMANDS: Record<string, CommandSpec> = {
  devnet: devnetCommand,
  node: nodeCommand,
  keygen: keygenCommand,
  transfer: transferCommand,
  balance: balanceCommand,
  status: statusCommand,
}

const OVERVIEW = `usage: zklight <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.brief}`)
  .join('\n')}

Run \`zklight <command> --help\` for a command's options.
`

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(OVERVIEW)
    return name === undefined ? 2 : 0
  }
  const command = COMMANDS[name]
  if (!command) {
    process.stderr.write(`zklight: unknown command "${name}"\n\n${OVERVIEW}`)
    return 2
  }
  try {
    const { values, positionals, help } = parseCommand(command, rest)
    if (help) {
      process.stdout.write(helpText(command))
      return 0
    }
    return await command.run(values, positionals)
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`zklight ${name}: ${err.message}\nRun \`zklight ${name} --help\` for usage.\n`)
      return 2
    }
    const e = err instanceof Error ? err : new Error(String(err))
    process.stderr.write(`zklight ${name}: ${e.name}: ${e.message}\n`)
    if (process.env.ZKLIGHT_DEBUG) process.stderr.write(`${e.stack}\n`)
    return 1
  }
}

// Worker threads, libp2p timers and the curve keep the loop alive after a one-shot command: exit explicitly.
const code = await main(process.argv.slice(2))
process.exit(code)
