#!/usr/bin/env node
// Launcher of the zklight CLI: the built JavaScript (dist/node/cli.js, `npm run build`), run
// with no TypeScript loader. Inside a source checkout without a build it falls back to the
// sources through tsx (a development dependency there).
import { existsSync } from 'node:fs'

const built = new URL('../dist/node/cli.js', import.meta.url)
if (existsSync(built)) await import(built.href)
else {
  const sources = new URL('../../../src/node/cli.ts', import.meta.url)
  if (!existsSync(sources)) throw new Error('zklight: dist/node/cli.js is missing (run `npm run build`)')
  const { register } = await import('tsx/esm/api')
  register()
  await import(sources.href)
}
