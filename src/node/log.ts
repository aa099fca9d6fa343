// The node's and CLI's log sink: one line per entry on stderr (stdout carries only the
// machine-readable ready line), `ZKLIGHT_LOG=debug` for more.
import { createLogger, formatLogEntry, type Logger, type LogLevel } from '../core/logger.ts'

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

export function stderrLogger(scope = 'zklight'): Logger {
  const wanted = process.env.ZKLIGHT_LOG as LogLevel | undefined
  const level = wanted && LEVELS.includes(wanted) ? wanted : 'info'
  return createLogger((e) => process.stderr.write(`${formatLogEntry(e)}\n`), { level, scope })
}
