#!/usr/bin/env node
// Launcher of the zklight CLI (src/node/cli.ts). The sources are TypeScript, run through
// tsx's ESM loader, which is a runtime dependency (the prover's worker threads use it too),
// so this works from a checkout, `npx zklight` and a global install alike.
import { register } from 'tsx/esm/api'

register()
await import('../src/node/cli.ts')
