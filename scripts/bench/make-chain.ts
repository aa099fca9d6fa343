// npx tsx scripts/bench/make-chain.ts [--profile test] [--blocks 1000] [--provers 2]
// Proves (or extends) the cached benchmark chain; safe to interrupt and resume.
import '../../src/polyfill.ts'
import { parseArgs } from 'node:util'
import { getProfile } from '../../src/zk/profiles.ts'
import { ensureBenchChain } from './chain.ts'

const { values } = parseArgs({ options: { profile: { type: 'string', default: 'test' }, blocks: { type: 'string', default: '1000' }, provers: { type: 'string', default: '2' } } })
const chain = await ensureBenchChain(getProfile(values.profile as string), Number(values.blocks), (m) => console.error(m), Number(values.provers))
console.log(JSON.stringify({ profile: chain.profile.name, blocks: chain.blocks.length }))
process.exit(0)
