// Crash safety of a producing node: `zklight devnet` (test profile, busy prover) is killed
// with SIGKILL at an arbitrary moment, twice. After each kill its store must hold a whole,
// valid chain (links, certificates, proofs up to the proven height, accounts matching the
// head's state root) that keeps every block seen before; a restart re-proves what was left.
import '../../src/polyfill.ts'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blockPublicInputs } from '../../src/core/block.ts'
import { bytesToHex } from '../../src/core/bytes.ts'
import { hashHeader, verifyHeaderLink } from '../../src/core/header.ts'
import { createLedger } from '../../src/core/ledger.ts'
import { verifyQuorumCertificate } from '../../src/core/quorum.ts'
import type { Header } from '../../src/core/types.ts'
import { HEADERS, STATUS } from '../../src/net/protocols.ts'
import { chainIdentity, parseChainSpec, type ChainSpec } from '../../src/node/chain-spec.ts'
import { BlockStore } from '../../src/store/block-store.ts'
import { terminateCurve } from '../../src/zk/curve.ts'
import { loadVerificationKey, verifyProof, type PreparedKey } from '../../src/zk/verifier.ts'
import { killAll, startCli, tcpAddr, type CliProcess } from './helpers/processes.ts'
import { startWireClient, until, type WireClient } from './helpers/wire.ts'

let dir: string
let wire: WireClient
/** Header hashes of every block seen so far, by height: no later state may differ. */
const known: string[] = []

const args = () => ['devnet', '--single-process', '--profile', 'test', '--http-port', '0', '--dir', dir, '--block-time-ms', '300', '--tx-rate', '5']

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zklight-crash-test-'))
  wire = await startWireClient()
}, 60_000)

afterAll(async () => {
  await wire?.stop()
  await killAll()
  await terminateCurve()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const provenLines = (log: string) => (log.match(/proven in/g) ?? []).length
const loggedBlocks = (log: string) => [...log.matchAll(/block (\d+): \d+ transfer/g)].map((m) => Number(m[1]))

/** Reads the whole store of a stopped node and checks it block by block. */
async function checkStore(spec: ChainSpec, vk: PreparedKey): Promise<{ head: number; proven: number }> {
  const store = await BlockStore.open(join(dir, 'node', 'blocks'))
  try {
    const head = store.head()!
    const proven = store.provenHeight()!
    let parent: Header | undefined
    for (let h = 0; h <= head; h++) {
      const block = (await store.getBlock(h))!
      const hash = bytesToHex(hashHeader(block.header))
      if (known[h] !== undefined) expect(hash, `block ${h} changed`).toBe(known[h])
      known[h] = hash
      expect(await store.getHeader(h)).toEqual(block.header)
      if (parent) {
        expect(verifyHeaderLink(parent, block.header, spec.validators.length)).toEqual({ ok: true })
        expect(verifyQuorumCertificate(block.header, (await store.getQc(h))!, spec.validators, chainIdentity(spec).genesisHash)).toEqual({ ok: true })
        const proof = await store.getProof(h)
        if (block.transfers.length > 0 && h <= proven) expect(proof, `proof of ${h}`).toBeDefined()
        if (proof) expect(await verifyProof(vk, proof, blockPublicInputs(parent, block.header, chainIdentity(spec).chainTag))).toEqual({ ok: true })
      }
      parent = block.header
    }
    const accounts = await store.loadAccounts()
    const state = createLedger(
      chainIdentity(spec).chainTag,
      spec.profile.depth,
      [...accounts].map(([index, account]) => ({ index, account })),
    )
    expect(state.tree.root).toBe(parent!.stateRoot)
    return { head, proven }
  } finally {
    await store.close()
  }
}

describe('a producing node killed with SIGKILL', () => {
  let spec: ChainSpec
  let vk: PreparedKey

  for (const round of [1, 2]) {
    it(`round ${round}: keeps a whole, valid chain with every block seen before the kill`, async () => {
      const devnet: CliProcess = await startCli(args())
      spec ??= parseChainSpec(await readFile(join(dir, 'genesis.json'), 'utf8'))
      vk ??= await loadVerificationKey(spec.vk)
      const addr = tcpAddr(devnet.ready.multiaddrs)
      await until(async () => (provenLines(devnet.log()) >= round + 1 ? true : undefined), 120_000, 'proofs')
      // Remember what the node served, then kill it at an arbitrary point of its work.
      const status = await wire.ask(addr, STATUS, {})
      const served = await wire.ask(addr, HEADERS, { from: 0, count: status.headHeight + 1 })
      served.headers.forEach((e, h) => {
        const hash = bytesToHex(hashHeader(e.header))
        if (known[h] !== undefined) expect(hash).toBe(known[h])
        known[h] = hash
      })
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1500)))
      const committed = Math.max(0, ...loggedBlocks(devnet.log()))
      await devnet.kill9()
      const { head, proven } = await checkStore(spec, vk)
      expect(head).toBeGreaterThanOrEqual(Math.max(committed, status.headHeight))
      console.log(`crash round ${round}: killed at head ${head}, proven ${proven}`)
    }, 240_000)
  }

  it('restarts, re-proves the blocks left unproven and extends the same chain', async () => {
    const store = await BlockStore.open(join(dir, 'node', 'blocks'))
    const head = store.head()!
    const wasProven = store.provenHeight()!
    await store.close()
    const devnet = await startCli(args())
    try {
      const addr = tcpAddr(devnet.ready.multiaddrs)
      const s = await until(
        async () => {
          const st = await wire.ask(addr, STATUS, {})
          return st.headHeight > head ? st : undefined
        },
        120_000,
        `the proven head past ${head}`,
      )
      const headers = await wire.ask(addr, HEADERS, { from: 0, count: head + 1 })
      expect(headers.headers.map((e) => bytesToHex(hashHeader(e.header)))).toEqual(known.slice(0, head + 1))
      console.log(`crash restart: proven head ${wasProven} -> ${s.headHeight} (stored head was ${head})`)
      if (wasProven < head) expect(devnet.log()).toMatch(/re-proving \d+ block/)
    } finally {
      await devnet.stop()
    }
    expect(devnet.child.exitCode).toBe(0)
  }, 240_000)
})
