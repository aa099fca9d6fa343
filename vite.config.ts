// Builds the web app (src/web) into dist/, which the devnet serves. public/ holds
// files copied as they are (the verification key is written there by the circuit build).
import { defineConfig } from 'vite'
import { fileURLToPath } from 'node:url'

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

const pages = (process.env.ZKLIGHT_PAGES ?? 'index,bench').split(',')

export default defineConfig({
  root: here('./src/web'),
  publicDir: here('./public'),
  base: './',
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 5000,
    sourcemap: false,
    // ZKLIGHT_PAGES=bench builds only some pages (the bench driver uses it).
    rollupOptions: { input: Object.fromEntries(pages.map((p) => [p, here(`./src/web/${p}.html`)])) },
  },
  worker: { format: 'es' },
  resolve: { alias: { events: 'events', buffer: 'buffer' } },
})
