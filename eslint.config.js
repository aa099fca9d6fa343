// Lint rules. The layers of docs/architecture.md, enforced: dependencies point inward
// (core ← zk, net, store ← client ← web; node uses all but web), only src/net imports
// libp2p, only src/zk snarkjs, only src/store storage; src/core and src/client/rules stay
// pure (no I/O, clock, randomness, network, storage or DOM). test/lint/layers.test.ts
// checks that each rule fires on a forbidden import.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

const NODE_BUILTINS = { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'net', 'http', 'https'], message: 'A pure ring uses no Node built-ins.' }
const LIBP2P = { group: ['libp2p', '@libp2p/*', '@chainsafe/*', '@multiformats/*'], message: 'Only src/net imports libp2p.' }
const STORAGE = { group: ['idb', 'fake-indexeddb', 'classic-level'], message: 'Only src/store touches storage.' }
const SNARK = { group: ['snarkjs', 'ffjavascript', 'mcl-wasm'], message: 'Only src/zk imports the pairing and proving libraries.' }
const ring = (names, message) => ({ group: names.map((n) => `**/${n}/*`), message })

const layerRules = {
  'src/core/**/*.ts': [NODE_BUILTINS, LIBP2P, STORAGE, SNARK, ring(['net', 'store', 'zk', 'client', 'node', 'web'], 'Dependencies point inward: core imports nothing outside core.')],
  'src/client/rules/**/*.ts': [
    NODE_BUILTINS,
    LIBP2P,
    STORAGE,
    SNARK,
    ring(['net', 'store', 'zk', 'node', 'web'], 'The client rules are pure: they import only src/core and each other.'),
    { group: ['../*.ts'], message: 'The client rules are pure: they import only src/core and each other.' },
  ],
  'src/zk/**/*.ts': [LIBP2P, STORAGE, ring(['net', 'store', 'client', 'node', 'web'], 'src/zk imports only src/core.')],
  'src/net/**/*.ts': [SNARK, STORAGE, ring(['zk', 'store', 'client', 'node', 'web'], 'src/net imports only src/core.')],
  'src/store/**/*.ts': [LIBP2P, SNARK, ring(['zk', 'net', 'client', 'node', 'web'], 'src/store imports only src/core.')],
  'src/client/**/*.ts': [ring(['node', 'web'], 'src/client never imports src/node or src/web.')],
  'src/web/**/*.ts': [ring(['node'], 'src/web never imports src/node.')],
}

const pureGlobals = {
  'no-restricted-globals': [
    'error',
    { name: 'window', message: 'A pure ring has no DOM.' },
    { name: 'document', message: 'A pure ring has no DOM.' },
    { name: 'indexedDB', message: 'A pure ring has no storage.' },
    { name: 'localStorage', message: 'A pure ring has no storage.' },
    { name: 'fetch', message: 'A pure ring does no I/O.' },
    { name: 'WebSocket', message: 'A pure ring does no I/O.' },
    { name: 'setTimeout', message: 'A pure ring has no clock: time comes in as an argument.' },
    { name: 'setInterval', message: 'A pure ring has no clock.' },
    { name: 'performance', message: 'A pure ring has no clock.' },
    { name: 'process', message: 'A pure ring is isomorphic.' },
    { name: 'require', message: 'A pure ring is ESM.' },
    { name: 'console', message: 'A pure ring does no I/O: return a value or take a logger.' },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'A pure ring has no clock: pass time in.' },
    { object: 'Math', property: 'random', message: 'A pure ring has no randomness: pass it in.' },
    { object: 'crypto', property: 'getRandomValues', message: 'A pure ring has no randomness: pass it in.' },
    { object: 'globalThis', property: 'crypto', message: 'A pure ring has no randomness: pass it in.' },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'A pure ring has no clock: pass time in.' },
    { selector: 'ImportExpression', message: 'A pure ring does not load modules at run time.' },
  ],
}

export default tseslint.config(
  { ignores: ['node_modules/**', '**/dist/**', '.cache/**', 'public/**', 'test-results/**', 'playwright-report/**', 'packages/zklight-node/circuits/**', 'examples/**/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // Later entries win for a file matched twice, so the most specific ring comes last.
  ...Object.entries(layerRules).map(([glob, patterns]) => ({ files: [glob], rules: { 'no-restricted-imports': ['error', { patterns }] } })),
  { files: ['src/client/rules/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: layerRules['src/client/rules/**/*.ts'] }] } },
  { files: ['src/core/**/*.ts', 'src/client/rules/**/*.ts'], rules: pureGlobals },
)
