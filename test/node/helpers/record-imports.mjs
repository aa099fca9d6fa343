// Preloaded with `node --import` after tsx: records every module URL the process resolves
// into the file named by ZKLIGHT_IMPORT_LOG, so a test can check what a command loaded.
import { register } from 'node:module'

if (process.env.ZKLIGHT_IMPORT_LOG) register('./import-hooks.mjs', import.meta.url, { data: { file: process.env.ZKLIGHT_IMPORT_LOG } })
