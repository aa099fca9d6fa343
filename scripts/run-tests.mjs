#!/usr/bin/env node
// The README's test command: lint, typecheck, unit/integration tests (Vitest) and
// browser end-to-end tests (Playwright in Debian's Chromium, inside a private
// network namespace with only loopback up). Ends with one "N passed, N failed" line.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const reports = join(root, '.cache', 'test-reports')
mkdirSync(reports, { recursive: true })
let passed = 0
let failed = 0

function run(label, cmd, args, opts = {}) {
  const t0 = Date.now()
  process.stderr.write(`\n== ${label}: ${cmd} ${args.join(' ')}\n`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...opts.env } })
  process.stderr.write(`== ${label}: exit ${r.status} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
  return r.status === 0
}

function check(label, ok) {
  if (ok) passed++
  else failed++
  process.stderr.write(`== ${label}: ${ok ? 'passed' : 'FAILED'}\n`)
}

check('lint', run('lint', 'npx', ['eslint', '.']))
check('format', run('format', 'npx', ['prettier', '--check', 'src', 'scripts', 'test', 'e2e']))
check('typecheck', run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']))

// The test profile's circuit artifacts (compile + insecure dev setup, cached by content
// hash): built once here, with progress, before the test files that need them start.
check('circuits (test profile)', run('circuits', 'npx', ['tsx', 'scripts/build-circuits.ts', '--profile', 'test']))

// Vitest: count individual tests from its JSON report.
const vitestReport = join(reports, 'vitest.json')
const vitestOk = run('vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`])
if (existsSync(vitestReport)) {
  const r = JSON.parse(readFileSync(vitestReport, 'utf8'))
  passed += r.numPassedTests ?? 0
  failed += (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0)
  if (!vitestOk && !r.numFailedTests && !r.numFailedTestSuites) failed++
} else if (!vitestOk) failed++

// Playwright: real Chromium over real WebRTC, loopback only.
const specs = existsSync(join(root, 'e2e')) ? readdirSync(join(root, 'e2e')).filter((f) => f.endsWith('.spec.ts')) : []
if (specs.length > 0) {
  const pwReport = join(reports, 'playwright.json')
  const inner = `ip link set lo up && npx playwright test --reporter=list,json`
  const useNs = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0
  const ok = useNs
    ? run('e2e (private netns)', 'unshare', ['-n', 'sh', '-c', inner], { env: { PLAYWRIGHT_JSON_OUTPUT_NAME: pwReport } })
    : run('e2e', 'npx', ['playwright', 'test', '--reporter=list,json'], { env: { PLAYWRIGHT_JSON_OUTPUT_NAME: pwReport } })
  if (existsSync(pwReport)) {
    const s = JSON.parse(readFileSync(pwReport, 'utf8')).stats ?? {}
    passed += s.expected ?? 0
    failed += (s.unexpected ?? 0) + (s.flaky ?? 0)
    if (!ok && !s.unexpected) failed++
  } else if (!ok) failed++
}

console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
