// The library's logging interface: levels, a scope per component, and no output
// unless the application passes a sink. Pure: the sink decides where lines go and
// stamps the time (the CLI writes to stderr, the web app to the console).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface LogEntry {
  level: LogLevel
  /** Component path, e.g. 'client/sync' or 'node/prover'. */
  scope: string
  message: string
  /** An error or detail object, kept as given for the sink to format. */
  detail?: unknown
}

export interface Logger {
  debug(message: string, detail?: unknown): void
  info(message: string, detail?: unknown): void
  warn(message: string, detail?: unknown): void
  error(message: string, detail?: unknown): void
  /** A logger for a sub-component: its entries carry `parent-scope/scope`. */
  child(scope: string): Logger
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

/** A logger that writes entries at or above `level` to `sink`. */
export function createLogger(sink: (entry: LogEntry) => void, opts: { level?: LogLevel; scope?: string } = {}): Logger {
  const min = RANK[opts.level ?? 'info']
  const scope = opts.scope ?? 'zklight'
  const at =
    (level: LogLevel) =>
    (message: string, detail?: unknown): void => {
      if (RANK[level] < min) return
      sink(detail === undefined ? { level, scope, message } : { level, scope, message, detail })
    }
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (sub) => createLogger(sink, { level: opts.level ?? 'info', scope: `${scope}/${sub}` }),
  }
}

/** The default: a library says nothing unless asked. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
}

/** An error as one line: `Name: message` for an Error, its string form otherwise. */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

/** One line of text for an entry (sinks that print use it): `[scope] message: detail`. */
export function formatLogEntry(e: LogEntry): string {
  const d = e.detail
  const detail = d === undefined ? '' : d instanceof Error ? `: ${errorText(d)}` : `: ${typeof d === 'string' ? d : safeJson(d)}`
  return `${e.level === 'info' ? '' : `${e.level.toUpperCase()} `}[${e.scope}] ${e.message}${detail}`
}

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
  } catch {
    return String(x)
  }
}
