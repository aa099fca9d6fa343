// Lint rules. The core ring stays pure: no I/O, clock, randomness, network, storage or DOM.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

const forbiddenCoreImports = [
  { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'net', 'http', 'https'], message: 'src/core is pure: no Node built-ins.' },
  { group: ['libp2p', '@libp2p/*', '@chainsafe/*', '@multiformats/*'], message: 'Only src/net imports libp2p.' },
  { group: ['idb', 'fake-indexeddb', 'classic-level'], message: 'Only src/store touches storage.' },
  { group: ['snarkjs', 'ffjavascript'], message: 'Only src/zk imports snarkjs/ffjavascript.' },
  { group: ['**/net/*', '**/store/*', '**/zk/*', '**/client/*', '**/node/*', '**/web/*'], message: 'Dependencies point inward: core imports nothing outside core.' },
]

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.cache/**', 'public/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: forbiddenCoreImports }],
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'src/core has no DOM.' },
        { name: 'document', message: 'src/core has no DOM.' },
        { name: 'indexedDB', message: 'src/core has no storage.' },
        { name: 'localStorage', message: 'src/core has no storage.' },
        { name: 'fetch', message: 'src/core does no I/O.' },
        { name: 'WebSocket', message: 'src/core does no I/O.' },
        { name: 'setTimeout', message: 'src/core has no clock: time comes in as an argument.' },
        { name: 'setInterval', message: 'src/core has no clock.' },
        { name: 'performance', message: 'src/core has no clock.' },
        { name: 'process', message: 'src/core is isomorphic.' },
        { name: 'require', message: 'src/core is ESM and pure.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'src/core has no clock: pass time in.' },
        { object: 'Math', property: 'random', message: 'src/core has no randomness: pass it in.' },
        { object: 'crypto', property: 'getRandomValues', message: 'src/core has no randomness: pass it in.' },
        { object: 'globalThis', property: 'crypto', message: 'src/core has no randomness: pass it in.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'src/core has no clock: pass time in.' },
        { selector: 'ImportExpression', message: 'src/core does not load modules at run time.' },
      ],
    },
  },
)
