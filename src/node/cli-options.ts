// Command-line plumbing shared by every zklight command: option specs that double as
// --help text, strict parsing (unknown flags are errors), and typed value readers
// that name the flag and the bad value in their UsageError.
import { parseArgs } from 'node:util'
import { UsageError } from './errors.ts'

export interface OptionSpec {
  type: 'string' | 'boolean'
  multiple?: boolean
  /** Shown in help, e.g. 'DIR'. */
  arg?: string
  help: string
  default?: string
}

export interface CommandSpec {
  /** e.g. 'balance ADDR --peer MULTIADDR [--json]' */
  usage: string
  /** One line for the command list. */
  brief: string
  summary: string
  options: Record<string, OptionSpec>
  /** How many positional arguments the command takes. */
  positionals?: { min: number; max: number; names: string }
  run(values: Values, positionals: string[]): Promise<number>
}

export type Values = Record<string, string | boolean | string[] | undefined>

/** A command made of subcommands, e.g. `zklight ceremony new …`. */
export interface CommandGroup {
  usage: string
  brief: string
  summary: string
  subcommands: Record<string, CommandSpec>
}

export function groupHelpText(group: CommandGroup): string {
  const width = Math.max(...Object.keys(group.subcommands).map((k) => k.length)) + 2
  const subs = Object.entries(group.subcommands).map(([k, c]) => `  ${k.padEnd(width)}${c.brief}`)
  const name = group.usage.split(' ')[0]
  return `usage: zklight ${group.usage}\n\n${group.summary}\n\nsubcommands:\n${subs.join('\n')}\n\nRun \`zklight ${name} <subcommand> --help\` for its options.\n`
}

export function helpText(spec: CommandSpec): string {
  const lines = [`usage: zklight ${spec.usage}`, '', spec.summary, '', 'options:']
  const entries = Object.entries({ ...spec.options, help: { type: 'boolean', help: 'show this help' } as OptionSpec })
  const left = entries.map(([k, o]) => `  --${k}${o.arg ? ` ${o.arg}` : ''}`)
  const width = Math.max(...left.map((l) => l.length)) + 2
  entries.forEach(([, o], i) => {
    const extra = [o.multiple ? 'repeatable' : '', o.default !== undefined ? `default ${o.default}` : ''].filter(Boolean).join('; ')
    lines.push(`${(left[i] as string).padEnd(width)}${o.help}${extra ? ` (${extra})` : ''}`)
  })
  return `${lines.join('\n')}\n`
}

/** Parses argv for one command; throws UsageError for unknown flags, missing values or wrong positional counts. */
export function parseCommand(spec: CommandSpec, argv: string[]): { values: Values; positionals: string[]; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = { help: { type: 'boolean' } }
  for (const [k, o] of Object.entries(spec.options)) options[k] = { type: o.type, ...(o.multiple ? { multiple: true } : {}) }
  let parsed
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.replace(/\. To specify a positional.*$/s, '') : String(err))
  }
  const values = parsed.values as Values
  if (values.help === true) return { values, positionals: parsed.positionals, help: true }
  const p = spec.positionals ?? { min: 0, max: 0, names: '' }
  if (parsed.positionals.length < p.min) throw new UsageError(`missing ${p.names}`)
  if (parsed.positionals.length > p.max) throw new UsageError(`unexpected argument "${parsed.positionals[p.max]}"`)
  return { values, positionals: parsed.positionals, help: false }
}

export function str(values: Values, name: string): string | undefined {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}

export function required(values: Values, name: string, arg = 'VALUE'): string {
  const v = str(values, name)
  if (v === undefined || v === '') throw new UsageError(`--${name} ${arg} is required`)
  return v
}

export function list(values: Values, name: string): string[] {
  const v = values[name]
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : []
}

/** An integer flag within [min, max], or `fallback` when absent. */
export function int(values: Values, name: string, fallback: number, min: number, max: number): number {
  const v = str(values, name)
  if (v === undefined) return fallback
  if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${v}"`)
  return Number(v)
}

export function num(values: Values, name: string, fallback: number, min: number, max: number): number {
  const v = str(values, name)
  if (v === undefined) return fallback
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}, got "${v}"`)
  return n
}
