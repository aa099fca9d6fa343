// JSX with React's automatic runtime; zklight stays out of the dev server's dependency
// pre-bundling (its verification worker must stay beside the chunk that loads it).
import { defineConfig } from 'vite'

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  optimizeDeps: { exclude: ['zklight'] },
})
