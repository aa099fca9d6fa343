#!/usr/bin/env node
// Launcher of the zklight CLI from the sources of a checkout (src/node/cli.ts, through tsx's
// ESM loader; the prover's worker threads use it too), so tests and `npm start` always run
// the current sources. The installable CLI is packages/zklight-node: built JavaScript, no tsx.
import { register } from 'tsx/esm/api'

register()
await import('../src/node/cli.ts')
