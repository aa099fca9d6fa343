// Child process for the crash test: opens the block store in argv[2], continues the
// deterministic chain from its head forever (proofs lag one block, as a prover's do), and prints
// each height once its batch has resolved. The test kills it with SIGKILL.
import { BlockStore } from '../../src/store/block-store.ts'
import { accountChanges, nextBlock } from './chain-script.ts'
import { makeProof, makeQc } from './fixtures.ts'

const dir = process.argv[2]
if (dir === undefined) throw new Error('usage: append-loop.ts <dir>')
const store = await BlockStore.open(dir)
const head = store.head()
let parent = head === undefined ? undefined : await store.getBlock(head)
// A restarted prover resumes from provenHeight: prove what the kill left behind.
for (let k = (store.provenHeight() ?? 0) + 1; head !== undefined && k < head; k++) {
  const block = await store.getBlock(k)
  if (block !== undefined && block.transfers.length > 0 && (await store.getProof(k)) === undefined) await store.putProof(k, makeProof(k))
}
for (let h = head === undefined ? 0 : head + 1; ; h++) {
  const block = nextBlock(h, parent)
  await store.appendBlock({ block, qc: h === 0 ? undefined : makeQc(block), accounts: accountChanges(h) })
  if (parent !== undefined && parent.transfers.length > 0 && (await store.getProof(h - 1)) === undefined) await store.putProof(h - 1, makeProof(h - 1))
  process.stdout.write(`${h}\n`)
  parent = block
}
