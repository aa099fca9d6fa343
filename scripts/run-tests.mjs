#!/usr/bin/env node
// The README's test command: lint, typecheck, the packages and examples (built and installed from
// the packed tarball), unit/integration tests (Vitest) and browser end-to-end tests (Playwright in
// Debian's Chromium, inside a private network namespace with only loopback up). Ends with one "N passed, N failed" line.
//
// Every way a stage can go wrong counts: a failing test counts once (not once more per
// describe block and file), a stage that dies or times out counts one failure, a report
// left by an earlier run is never read, and a stage that runs fewer tests than its floor
// in test/floors.json counts one failure (raise a floor when you add tests).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const reports = join(root, '.cache', 'test-reports')
const floors = JSON.parse(readFileSync(join(root, 'test', 'floors.json'), 'utf8'))
const MINUTE = 60_000
/** Each stage's limit, several times its usual length on 2 cores (vitest ~6 min, e2e ~4 min, a cold circuit build ~1.5 min, packages and examples ~1 min). */
const TIMEOUT_MS = { lint: 10 * MINUTE, format: 5 * MINUTE, typecheck: 10 * MINUTE, circuits: 30 * MINUTE, packages: 20 * MINUTE, vitest: 45 * MINUTE, e2e: 30 * MINUTE }
/** Between SIGTERM and SIGKILL when a stage is stopped. */
const GRACE_MS = 10_000

mkdirSync(reports, { recursive: true })
let passed = 0
let failed = 0
let skipped = 0
const notes = []
let current // the running stage's process, stopped with the runner

/** Every process below `pid` (Chromium leaves its parent's process group, so the group alone is not enough). */
function descendants(pid) {
  const children = new Map()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)])
    } catch {
      // gone meanwhile
    }
  }
  const out = []
  const stack = [pid]
  while (stack.length > 0) {
    for (const c of children.get(stack.pop()) ?? []) {
      out.push(c)
      stack.push(c)
    }
  }
  return out
}

function signal(pids, group, sig) {
  try {
    process.kill(-group, sig)
  } catch {
    // the group is gone
  }
  for (const p of pids) {
    try {
      process.kill(p, sig)
    } catch {
      // gone
    }
  }
}

/** Stops a stage: SIGTERM to its process group and every descendant, SIGKILL after the grace period. */
async function stop(child) {
  const tree = existsSync('/proc') ? descendants(child.pid) : []
  signal(tree, child.pid, 'SIGTERM')
  const exited = new Promise((r) => child.once('exit', r))
  if (child.exitCode === null && child.signalCode === null) await Promise.race([exited, new Promise((r) => setTimeout(r, GRACE_MS))])
  signal([...tree, ...(existsSync('/proc') ? descendants(child.pid) : [])], child.pid, 'SIGKILL')
}

/**
 * Runs one stage in its own process group; resolves to { ok, timedOut } once it exited.
 * Whatever it left running in its group is killed then, so no stage outlives the runner.
 */
function run(label, timeoutMs, cmd, args, opts = {}) {
  const t0 = Date.now()
  process.stderr.write(`\n== ${label}: ${cmd} ${args.join(' ')}\n`)
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', detached: true, env: { ...process.env, ...opts.env } })
    current = child
    let stopping
    const timer = setTimeout(() => {
      process.stderr.write(`== ${label}: TIMED OUT after ${Math.round(timeoutMs / 1000)} s: stopping its processes\n`)
      stopping = stop(child)
    }, timeoutMs)
    const done = async (status) => {
      clearTimeout(timer)
      await stopping
      signal([], child.pid, 'SIGKILL')
      current = undefined
      process.stderr.write(`== ${label}: exit ${status} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
      resolve({ ok: status === 0 && stopping === undefined, timedOut: stopping !== undefined })
    }
    child.once('error', (err) => {
      process.stderr.write(`== ${label}: could not start: ${err.message}\n`)
      void done(null)
    })
    child.once('exit', (code, sig) => void done(code ?? sig))
  })
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    process.stderr.write(`\n== ${sig}: stopping the running stage\n`)
    void (current ? stop(current) : Promise.resolve()).then(() => process.exit(130))
  })
}

function check(label, ok) {
  if (ok) passed++
  else failed++
  process.stderr.write(`== ${label}: ${ok ? 'passed' : 'FAILED'}\n`)
}

/**
 * Adds a test stage's counts. The stage itself counts one more failure when it timed out,
 * wrote no report, failed outside any test, or ran fewer tests than its floor.
 */
function tally(label, r, counts) {
  const c = counts ?? { pass: 0, fail: 0, skip: 0, ran: 0 }
  const ran = c.ran
  const floor = floors[label]
  const problems = []
  if (r.timedOut) problems.push('timed out (a report it left is not counted)')
  else if (!counts) problems.push('wrote no report (it died before the end)')
  else if (!r.ok && c.fail === 0) problems.push('failed outside any test')
  if (counts && typeof floor === 'number' && ran < floor) problems.push(`ran ${ran} tests, below its floor of ${floor} (test/floors.json)`)
  passed += c.pass
  failed += c.fail + problems.length
  skipped += c.skip
  for (const p of problems) notes.push(`${label}: ${p}`)
  process.stderr.write(`== ${label}: ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped; ${ran} ran (floor ${floor ?? 'none'})${problems.length ? `; FAILED: ${problems.join('; ')}` : ''}\n`)
}

/** Reads a report the stage wrote this time (the old one was deleted before it started). */
function readReport(file) {
  if (!existsSync(file)) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

/**
 * Vitest JSON: one count per test. Its numFailedTestSuites counts every describe block
 * and file around a failing test again, so files are counted only when they failed with
 * no failing test inside (an import error, a failing beforeAll).
 */
function countVitest(r) {
  const c = { pass: 0, fail: 0, skip: 0, ran: 0 }
  for (const file of r.testResults ?? []) {
    const tests = file.assertionResults ?? []
    for (const t of tests) {
      if (t.status === 'passed') c.pass++
      else if (t.status === 'failed') c.fail++
      else c.skip++ // skipped, pending, todo, disabled
    }
    if (file.status === 'failed' && !tests.some((t) => t.status === 'failed')) c.fail++
  }
  if (r.success === false && c.fail === 0) c.fail++ // errors outside any file (unhandled rejections)
  c.ran = c.pass + (r.testResults ?? []).flatMap((f) => f.assertionResults ?? []).filter((t) => t.status === 'failed').length
  return c
}

/**
 * Playwright JSON stats: each test once, whatever its retries. `expected` passed (or failed
 * when marked test.fail), `unexpected` failed, `flaky` failed first and passed on a retry —
 * counted as failed, since the config retries nothing and a flaky test is no pass to trust.
 */
function countPlaywright(r) {
  const s = r.stats ?? {}
  const c = { pass: s.expected ?? 0, fail: (s.unexpected ?? 0) + (s.flaky ?? 0), skip: s.skipped ?? 0, ran: (s.expected ?? 0) + (s.unexpected ?? 0) + (s.flaky ?? 0) }
  if ((r.errors ?? []).length > 0 && c.fail === 0) c.fail++ // global setup or collection errors
  return c
}

check('lint', (await run('lint', TIMEOUT_MS.lint, 'npx', ['eslint', '.'])).ok)
check('format', (await run('format', TIMEOUT_MS.format, 'npx', ['prettier', '--check', 'src', 'scripts', 'test', 'e2e'])).ok)
check('typecheck', (await run('typecheck', TIMEOUT_MS.typecheck, 'npx', ['tsc', '-p', 'tsconfig.json'])).ok)

// The test profile's circuit artifacts (compile + insecure dev setup, cached by content
// hash): built once here, with progress, before the test files that need them start.
check('circuits (test profile)', (await run('circuits', TIMEOUT_MS.circuits, 'npx', ['tsx', 'scripts/build-circuits.ts', '--profile', 'test'])).ok)

// The packages, packed once, and each example installed from that tarball and built (~1 min; a
// first run also fetches the examples' own dependencies). Here, outside the private network
// namespace, where the registry is reachable; the package tests and the e2e specs reuse the result.
check('packages and examples', (await run('packages', TIMEOUT_MS.packages, process.execPath, ['scripts/prepare-examples.mjs'])).ok)

const vitestReport = join(reports, 'vitest.json')
rmSync(vitestReport, { force: true })
const vitest = await run('vitest', TIMEOUT_MS.vitest, 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`])
const vitestResult = vitest.timedOut ? undefined : readReport(vitestReport)
tally('vitest', vitest, vitestResult && countVitest(vitestResult))

// Playwright: real Chromium over real WebRTC, loopback only.
const specs = existsSync(join(root, 'e2e')) ? readdirSync(join(root, 'e2e')).filter((f) => f.endsWith('.spec.ts')) : []
if (specs.length > 0) {
  const pwReport = join(reports, 'playwright.json')
  rmSync(pwReport, { force: true })
  const env = { PLAYWRIGHT_JSON_OUTPUT_NAME: pwReport }
  const isRoot = process.getuid?.() === 0
  const useNs = isRoot && spawnSync('unshare', ['-n', 'true']).status === 0
  let e2e
  if (useNs) {
    e2e = await run('e2e (private network namespace, loopback only)', TIMEOUT_MS.e2e, 'unshare', ['-n', 'sh', '-c', 'ip link set lo up && npx playwright test --reporter=list,json'], { env })
  } else {
    const why = isRoot ? '`unshare -n` does not work here' : 'not root'
    const warning = `e2e ran OUTSIDE the private network namespace (${why}): WebRTC may gather candidates on every interface of this machine. This is not the project's e2e setup; run as root with util-linux's unshare for the real thing.`
    process.stderr.write(`\n${'!'.repeat(100)}\n!! WARNING: ${warning}\n${'!'.repeat(100)}\n`)
    notes.push(`WARNING: ${warning}`)
    e2e = await run('e2e (NOT in a private network namespace)', TIMEOUT_MS.e2e, 'npx', ['playwright', 'test', '--reporter=list,json'], { env })
  }
  const pwResult = e2e.timedOut ? undefined : readReport(pwReport)
  tally('e2e', e2e, pwResult && countPlaywright(pwResult))
}

// Summary on stdout; its last line is the count.
console.log(`\n${skipped} skipped`)
for (const n of notes) console.log(n)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
