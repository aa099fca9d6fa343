// npm run circuits -- --profile test|devnet [--ptau FILE] [--force]
// Builds (or finds cached) circuit artifacts and publishes the verification key to public/.
import { parseArgs } from 'node:util'
import { ensureCircuitArtifacts, publishVerificationKey } from '../src/zk/artifacts.ts'
import { getProfile } from '../src/zk/profiles.ts'

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'test' },
    ptau: { type: 'string' },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (values.help) {
  console.log(
    'usage: npm run circuits -- --profile test|devnet [--ptau FILE] [--force]\n' +
      '  --ptau FILE  a prepared powers-of-tau file from a public ceremony (default: an INSECURE dev setup)\n' +
      'The build makes one phase-2 contribution itself, so its keys are single-party at best; `zklight ceremony` makes multi-party ones.',
  )
  process.exit(0)
}
try {
  const profile = getProfile(values.profile as string)
  const log = (m: string) => console.error(`[circuits] ${m}`)
  const a = await ensureCircuitArtifacts(profile, { ptau: values.ptau, log, force: values.force })
  const vk = publishVerificationKey(a, profile)
  console.log(JSON.stringify({ profile: profile.name, dir: a.dir, wasm: a.wasm, zkey: a.zkey, vk, setup: a.setup }))
  process.exit(0)
} catch (err) {
  console.error(`circuits: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`)
  process.exit(1)
}
