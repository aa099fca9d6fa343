// A producing chain in-process for the proving tests: chain state over a store in a
// temporary folder, a mempool, four validators and a proposer whose committed blocks go
// to a callback (a job board). Blocks are cut when the test calls produce().
import { silentLogger } from '../../../src/core/logger.ts'
import type { TransferStep } from '../../../src/core/ledger.ts'
import type { Block, Transfer } from '../../../src/core/types.ts'
import { ChainState } from '../../../src/node/chain.ts'
import { chainIdentity } from '../../../src/node/chain-spec.ts'
import { Mempool } from '../../../src/node/mempool.ts'
import { BlockProducer } from '../../../src/node/producer.ts'
import { Validator } from '../../../src/node/validator.ts'
import { transfer, type TestAccount } from '../../helpers/fixture.ts'
import type { NodeFixture } from './spec.ts'

export interface ProducingChain {
  chain: ChainState
  mempool: Mempool
  producer: BlockProducer
  /** A signed transfer of `amount` from account `from` to `to` with `nonce`. */
  tx(from: number, to: number, amount: bigint, nonce: number): Transfer
  /** Commits one block holding `transfers` (none: an empty block). */
  commit(...transfers: Transfer[]): Promise<Block>
}

export async function openProducingChain(
  dir: string,
  fx: NodeFixture,
  onBlock: (block: Block, steps: TransferStep[], parentRoot: bigint) => void = () => {},
  unproven: () => number = () => 0,
): Promise<ProducingChain> {
  const chain = await ChainState.open(dir, fx.spec)
  const id = chainIdentity(fx.spec)
  const rules = { chainId: id.chainId, chainTag: id.chainTag, genesisHash: id.genesisHash, batch: fx.spec.profile.batch, validatorCount: 4 }
  const validators = fx.validatorKeys.map((k, i) => new Validator(i, k, rules))
  const mempool = new Mempool(chain.ledger)
  let t = fx.spec.genesisTime
  const producer = new BlockProducer({ chain, mempool, validators, blockTimeMs: 1000, unproven, onBlock, logger: silentLogger, now: () => (t += 1000) })
  return {
    chain,
    mempool,
    producer,
    tx: (from, to, amount, nonce) => transfer(id.chainTag, fx.accounts[from] as TestAccount, fx.accounts[to] as TestAccount, amount, nonce),
    async commit(...transfers) {
      for (const x of transfers) {
        const v = mempool.add(x)
        if (!v.ok) throw new Error(`transfer refused: ${v.reason}`)
      }
      const block = await producer.produce()
      if (!block || block.transfers.length !== transfers.length) throw new Error('the block did not hold the transfers')
      return block
    },
  }
}
