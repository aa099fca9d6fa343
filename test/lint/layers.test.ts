// The layer rules of eslint.config.js fire: each forbidden import (a ring reaching
// outward, a library outside its ring, impurity in a pure ring) is an error, and the
// allowed imports of the same file are not.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname })

/** The rule ids eslint reports for `code` placed at `file`. */
async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file })
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message)
}

const cases: { file: string; forbidden: string; allowed: string }[] = [
  { file: 'src/core/probe.ts', forbidden: "import { x } from '../net/constants.ts'", allowed: "import { x } from './bytes.ts'" },
  { file: 'src/core/probe.ts', forbidden: "import { x } from 'node:fs'", allowed: "import { x } from '@noble/hashes/sha2.js'" },
  { file: 'src/client/rules/probe.ts', forbidden: "import { x } from '../light-client.ts'", allowed: "import { x } from '../../core/block.ts'" },
  { file: 'src/client/rules/probe.ts', forbidden: "import { x } from '../../zk/verifier.ts'", allowed: "import { x } from './range.ts'" },
  { file: 'src/zk/probe.ts', forbidden: "import { x } from '../net/rpc.ts'", allowed: "import { x } from '../core/constants.ts'" },
  { file: 'src/zk/probe.ts', forbidden: "import { x } from 'libp2p'", allowed: "import { x } from 'snarkjs'" },
  { file: 'src/net/probe.ts', forbidden: "import { x } from '../store/block-store.ts'", allowed: "import { x } from 'libp2p'" },
  { file: 'src/net/probe.ts', forbidden: "import { x } from 'snarkjs'", allowed: "import { x } from '../core/codec.ts'" },
  { file: 'src/store/probe.ts', forbidden: "import { x } from '../zk/verifier.ts'", allowed: "import { x } from 'idb'" },
  { file: 'src/store/probe.ts', forbidden: "import { x } from '@libp2p/interface'", allowed: "import { x } from '../core/types.ts'" },
  { file: 'src/client/probe.ts', forbidden: "import { x } from '../node/chain.ts'", allowed: "import { x } from '../net/rpc.ts'" },
  { file: 'src/client/probe.ts', forbidden: "import { x } from '../web/main.ts'", allowed: "import { x } from '../zk/proof-verifier.ts'" },
  { file: 'src/web/probe.ts', forbidden: "import { x } from '../node/devnet.ts'", allowed: "import { x } from '../client/index.ts'" },
]

describe('layer rules', () => {
  for (const c of cases) {
    it(`${c.file}: refuses ${c.forbidden.split(' from ')[1]}, allows ${c.allowed.split(' from ')[1]}`, async () => {
      expect(await violations(c.file, `${c.forbidden}\nexport const y = x\n`)).toContain('no-restricted-imports')
      expect(await violations(c.file, `${c.allowed}\nexport const y = x\n`)).toEqual([])
    })
  }

  it('keeps src/core and src/client/rules free of clocks, randomness and I/O', async () => {
    for (const file of ['src/core/probe.ts', 'src/client/rules/probe.ts']) {
      expect(await violations(file, 'export const t = Date.now()\n')).toContain('no-restricted-properties')
      expect(await violations(file, 'export const r = Math.random()\n')).toContain('no-restricted-properties')
      expect(await violations(file, "export const f = () => fetch('x')\n")).toContain('no-restricted-globals')
      expect(await violations(file, "export const l = () => console.log('x')\n")).toContain('no-restricted-globals')
    }
    // The same code outside the pure rings is fine.
    expect(await violations('src/client/probe.ts', 'export const t = Date.now()\n')).toEqual([])
  })
})
