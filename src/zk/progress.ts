// Progress lines for long steps (circuit builds, zkey new, contributions, verification):
// a stage prints its label, percentage when known and elapsed seconds at least every
// few seconds — from snarkjs's logger lines, from updates inside synchronous loops, and
// from a ticker when both are quiet — so a minutes-long step never looks like a hang.

export type Log = (msg: string) => void

/** The logger object snarkjs's long functions take as their last argument. */
export interface SnarkjsLogger {
  debug(msg: string): void
  info(msg: string): void
  warn(msg: string): void
  error(msg: string): void
}

/** A snarkjs progress line `<text>: i/n` whose text ends with `match` moves the stage from `from` to `to`. */
export interface Phase {
  match: string
  from: number
  to: number
}

// Shares of the wall time measured on the test profile (2 cores): `zkey new` spends
// most of it composing the C, A, B1 and B2 point sections. Their "end" lines name the
// first point of a finished chunk ("start" lines would run ahead of the work).
export const ZKEY_NEW_PHASES: readonly Phase[] = [
  { match: 'processing constraints', from: 0, to: 0.02 },
  { match: 'writing coeffs', from: 0.02, to: 0.03 },
  { match: 'HashingHPoints', from: 0.03, to: 0.04 },
  { match: 'end C', from: 0.04, to: 0.34 },
  { match: 'end A', from: 0.34, to: 0.47 },
  { match: 'end B1', from: 0.47, to: 0.59 },
  { match: 'end B2', from: 0.59, to: 1 },
]
export const CONTRIBUTE_PHASES: readonly Phase[] = [
  { match: 'L Section', from: 0, to: 0.5 },
  { match: 'H Section', from: 0.5, to: 1 },
]
export const VERIFY_PHASES: readonly Phase[] = [
  { match: 'L section', from: 0, to: 0.2 },
  { match: 'H Verification(tau)', from: 0.2, to: 0.6 },
  { match: 'H Verification(lagrange)', from: 0.6, to: 1 },
]

/** Quiet time after which the ticker prints the stage again. */
export const PROGRESS_TICK_MS = 5_000
/** Least time between two lines caused by progress updates. */
export const PROGRESS_MIN_GAP_MS = 2_000

export interface Stage {
  readonly logger: SnarkjsLogger
  /** Sets the fraction done (0..1); prints when due, so it works from synchronous loops too. */
  update(fraction: number): void
  /** The last error snarkjs logged (it logs and returns a code instead of throwing). */
  lastError(): string | undefined
  /** Stops the ticker; prints the elapsed time unless `quiet`. */
  end(quiet?: boolean): number
}

export function startStage(log: Log, label: string, phases: readonly Phase[] = [], now: () => number = Date.now): Stage {
  const t0 = now()
  let lastPrint = t0
  let fraction: number | undefined
  let error: string | undefined
  const elapsed = () => ((now() - t0) / 1000).toFixed(0)
  const print = () => {
    lastPrint = now()
    log(fraction === undefined ? `${label}: ${elapsed()} s` : `${label}: ${Math.floor(fraction * 100)}% · ${elapsed()} s`)
  }
  const update = (f: number) => {
    const clamped = Math.min(1, Math.max(0, f))
    if (fraction !== undefined && clamped <= fraction) return
    fraction = clamped
    if (now() - lastPrint >= PROGRESS_MIN_GAP_MS) print()
  }
  const onLine = (msg: string) => {
    const m = /^(.*?):\s*(\d+)\/(\d+)\s*$/.exec(msg)
    if (!m) return
    const phase = phases.find((p) => (m[1] as string).endsWith(p.match))
    const total = Number(m[3])
    if (phase && total > 0) update(phase.from + (phase.to - phase.from) * (Number(m[2]) / total))
  }
  const ticker = setInterval(() => {
    if (now() - lastPrint >= PROGRESS_TICK_MS) print()
  }, 1000)
  ticker.unref()
  log(`${label}…`)
  return {
    logger: {
      debug: onLine,
      info: onLine,
      warn: (msg) => log(`${label}: ${msg}`),
      error: (msg) => {
        error = msg
      },
    },
    update,
    lastError: () => error,
    end(quiet = false) {
      clearInterval(ticker)
      const secs = (now() - t0) / 1000
      if (!quiet) log(`${label}: done in ${secs.toFixed(1)} s`)
      return secs
    },
  }
}

/** Runs `f` as one stage; the ticker stops whether it resolves or throws. */
export async function runStage<T>(log: Log, label: string, phases: readonly Phase[], f: (stage: Stage) => Promise<T>): Promise<T> {
  const stage = startStage(log, label, phases)
  try {
    const v = await f(stage)
    stage.end()
    return v
  } catch (err) {
    stage.end(true)
    throw err
  }
}
