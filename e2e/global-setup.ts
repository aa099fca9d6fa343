// Before the browser tests: builds the web app into dist/ (what the devnet serves), builds
// and packs the packages and installs and builds the examples against the tarball
// (scripts/prepare-examples.mjs, skipped when nothing changed), and starts the one devnet
// all specs share. The returned function stops it after the last spec.
//
// Files run in name order, and light-client.spec.ts must come first, on a young chain: its
// tab-to-tab test syncs tab B from tab A alone, and a light client serves only blocks whose
// transfers it checked, which it does only for the last 64 blocks of its own sync
// (bodyWindow): on a chain much older than that, tab A cannot serve B from genesis.
import { spawnSync } from 'node:child_process'
import { build } from 'vite'
import { startSharedDevnet } from './devnet.ts'

export default async function globalSetup(): Promise<() => Promise<void>> {
  const t0 = performance.now()
  await build({ configFile: new URL('../vite.config.ts', import.meta.url).pathname, logLevel: 'warn' })
  console.error(`[e2e] web app built in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  const t1 = performance.now()
  const prepared = spawnSync(process.execPath, [new URL('../scripts/prepare-examples.mjs', import.meta.url).pathname], { stdio: 'inherit' })
  if (prepared.status !== 0) throw new Error('scripts/prepare-examples.mjs failed')
  console.error(`[e2e] packages and examples ready in ${((performance.now() - t1) / 1000).toFixed(1)} s`)
  const t2 = performance.now()
  const devnet = await startSharedDevnet()
  console.error(`[e2e] shared devnet ready in ${((performance.now() - t2) / 1000).toFixed(1)} s at ${devnet.ready.url}`)
  return () => devnet.stop()
}
