import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'circuits/**/*.test.ts'],
    exclude: ['**/*.browser.test.ts', 'node_modules/**', 'e2e/**'],
    setupFiles: ['src/polyfill.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Two cores: one fork runs proofs, the other everything else.
    maxWorkers: 2,
  },
})
