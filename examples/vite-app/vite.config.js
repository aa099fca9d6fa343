// Nothing zklight-specific is needed for `vite build`. The dev server pre-bundles
// dependencies into one folder, which would move zklight's verification worker away from
// the chunk that loads it: keep zklight out of that step.
import { defineConfig } from 'vite'

export default defineConfig({
  optimizeDeps: { exclude: ['zklight'] },
})
