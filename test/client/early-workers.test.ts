// Verifier workers started before the key (what the web app does first thing on its page):
// createLightClient hands them the key only after checking it against the anchor, syncs
// through them, and closes them when it stops; a key that is not the anchor's never
// reaches them.
import { describe, expect, it } from 'vitest'
import { createLightClient } from '../../src/client/create.ts'
import { startNodeVerifierPool } from '../../src/zk/node-verifier.ts'
import { createFakeNode } from './helpers/fake-node.ts'
import { FAST, untilHeight, useClientFixture } from './helpers/harness.ts'
import { createMemoryNetwork, MemoryHub } from './helpers/memory-net.ts'
import { CHAIN_PLAN } from './helpers/plan.ts'

const fx = useClientFixture()

describe('workers started before the key', () => {
  it('get the key once createLightClient has checked it, verify the sync, and close with the client', async () => {
    const pool = startNodeVerifierPool(2)
    expect(pool.awaitingKey).toBe(true)
    const hub = new MemoryHub()
    hub.setHandlers('node', createFakeNode(fx.chain).handlers)
    const client = await createLightClient({ anchor: fx.chain.anchor, network: createMemoryNetwork(hub, 'client', ['node']), verificationKey: fx.chain.vk, startedVerifier: pool, tuning: FAST })
    fx.track(client)
    expect(pool.awaitingKey).toBe(false)
    await client.start()
    await untilHeight(client, CHAIN_PLAN.length)
    await client.stop()
    await expect(pool.verifyBatch([{ proof: new Uint8Array(256), signals: [1n] }])).rejects.toMatchObject({ name: 'VerifierPoolError' }) // closed
  })

  it('never get a key that is not the one the anchor commits to', async () => {
    const pool = startNodeVerifierPool(1)
    const hub = new MemoryHub()
    const other = { ...(fx.chain.vk as Record<string, unknown>), vk_alpha_1: ['1', '2', '1'] }
    await expect(createLightClient({ anchor: fx.chain.anchor, network: createMemoryNetwork(hub, 'client'), verificationKey: other, startedVerifier: pool })).rejects.toMatchObject({
      name: 'VerificationKeyMismatch',
    })
    expect(pool.awaitingKey).toBe(true)
    await pool.close()
  })
})
