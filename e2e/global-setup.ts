// Builds the web app into dist/ (what the devnet serves) before the browser tests run,
// so `npx playwright test` on a fresh checkout tests the current sources.
import { build } from 'vite'

export default async function globalSetup(): Promise<void> {
  const t0 = performance.now()
  await build({ configFile: new URL('../vite.config.ts', import.meta.url).pathname, logLevel: 'warn' })
  console.error(`[e2e] web app built in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}
