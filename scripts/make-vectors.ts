// Writes the deterministic test vectors under test/vectors/ (fixed seeds, no clock, no
// randomness): `npx tsx scripts/make-vectors.ts`. test/vectors.test.ts runs them.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeCodecVectors } from './vectors/codec-vectors.ts'
import { makeHeaderVectors } from './vectors/header-vectors.ts'
import { makeQuorumVectors } from './vectors/quorum-vectors.ts'
import { makeAccountProofVectors, makeKnownAnswers, makeTransferVectors } from './vectors/ledger-vectors.ts'
import { makeEddsaVectors } from './vectors/eddsa-vectors.ts'
import type { VectorFile } from './vectors/vector-file.ts'

const outDir = new URL('../test/vectors/', import.meta.url).pathname

// One file per kind; other rings (ledger, proofs) add their generators here.
const files: Record<string, () => VectorFile | Promise<VectorFile>> = {
  'codec.json': makeCodecVectors,
  'header.json': makeHeaderVectors,
  'quorum.json': makeQuorumVectors,
  'transfers.json': makeTransferVectors,
  'account-proofs.json': makeAccountProofVectors,
  'known-answers.json': makeKnownAnswers,
  'eddsa.json': makeEddsaVectors,
}

mkdirSync(outDir, { recursive: true })
for (const [name, make] of Object.entries(files)) {
  const file = await make()
  writeFileSync(join(outDir, name), `${JSON.stringify(file, null, 2)}\n`)
  process.stdout.write(`${name}: ${file.cases.length} ${file.kind} cases\n`)
}
