#!/usr/bin/env node
// `npm start`: builds the web app into dist/ (vite) and runs `zklight devnet` with the
// flags given after `--`. Each step prints a line at least every 5 s on stderr, so a cold
// start (minutes of circuit building) never looks like a hang; stdout stays the devnet's.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const say = (m) => process.stderr.write(`zklight start: ${m}\n`)
const t0 = Date.now()
const secs = () => ((Date.now() - t0) / 1000).toFixed(1)

say('building the web app (vite build)…')
const ticker = setInterval(() => say(`building the web app: ${secs()} s`), 5_000)
try {
  const { build } = await import('vite')
  await build({ configFile: `${root}vite.config.ts`, logLevel: 'warn' })
} catch (err) {
  clearInterval(ticker)
  say(`web app build failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
clearInterval(ticker)
const args = ['devnet', ...process.argv.slice(2)]
say(`web app built in ${secs()} s; starting zklight ${args.join(' ')}`)
const child = spawn(process.execPath, [`${root}bin/zklight.js`, ...args], { cwd: root, stdio: 'inherit' })
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, sig) => process.exit(code ?? (sig ? 1 : 0)))
