// Remote provers as real processes: `zklight devnet` (test profile, no in-process prover)
// and two `zklight prover` processes over libp2p on loopback. Both take leases and blocks
// are proven in parallel, every block ends up proven and served in height order; a prover
// killed with SIGKILL mid-proof loses its lease to the other; a prover that returns a
// valid proof of another block is banned and the block is proven by another.
import '../../src/polyfill.ts'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blockPublicInputs } from '../../src/core/block.ts'
import { hexToBytes } from '../../src/core/bytes.ts'
import { verifyHeaderLink } from '../../src/core/header.ts'
import type { BlockEntry, Header } from '../../src/core/types.ts'
import { vkHashHex } from '../../src/core/vk-hash.ts'
import { parseMultiaddr } from '../../src/net/dial.ts'
import { createNodeHost, type NodeHost } from '../../src/net/host.ts'
import { generateHostKey, peerIdOf, type HostKey } from '../../src/net/keys.ts'
import type { LeaseResponse } from '../../src/net/prove-messages.ts'
import { PROVE_INFO, PROVE_LEASE, PROVE_SUBMIT } from '../../src/net/prove-protocols.ts'
import { HEADERS, PROOFS, STATUS } from '../../src/net/protocols.ts'
import { call } from '../../src/net/rpc.ts'
import { chainIdentity, parseChainSpec, type ChainSpec } from '../../src/node/chain-spec.ts'
import { saveKeyFile } from '../../src/store/key-file.ts'
import { hostKeyToBytes } from '../../src/net/keys.ts'
import { terminateCurve } from '../../src/zk/curve.ts'
import { loadVerificationKey, verifyProof, type PreparedKey } from '../../src/zk/verifier.ts'
import { killAll, runCli, startCli, tcpAddr, type CliProcess } from './helpers/processes.ts'
import { startWireClient, until, type WireClient } from './helpers/wire.ts'

let dir: string
let devnet: CliProcess
let addr: string
let spec: ChainSpec
let vk: PreparedKey
let wire: WireClient
const keyFile = { a: '', b: '' }
const id = { a: '', b: '', t: '' }
let tKey: HostKey
const provers: Partial<Record<'a' | 'b', CliProcess>> = {}
const hosts: NodeHost[] = []
const LEASE_MS = 20_000

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zklight-provers-test-'))
  keyFile.a = join(dir, 'a.key')
  keyFile.b = join(dir, 'b.key')
  const printed = await runCli(['prover', '--print-id', '--key', keyFile.a])
  expect(printed.code).toBe(0)
  id.a = (JSON.parse(printed.stdout) as { peerId: string }).peerId
  const b = await generateHostKey()
  await saveKeyFile(keyFile.b, hostKeyToBytes(b))
  id.b = peerIdOf(b)
  tKey = await generateHostKey()
  id.t = peerIdOf(tKey)
  devnet = await startCli([
    'devnet',
    '--single-process',
    '--profile',
    'test',
    '--http-port',
    '0',
    '--dir',
    join(dir, 'devnet'),
    '--block-time-ms',
    '500',
    '--tx-rate',
    '4',
    '--prove-workers',
    '0',
    '--prove-lease-ms',
    String(LEASE_MS),
    ...[id.a, id.b, id.t].flatMap((p) => ['--prover-peer', p]),
  ])
  addr = tcpAddr(devnet.ready.multiaddrs)
  spec = parseChainSpec(await readFile(join(dir, 'devnet', 'genesis.json'), 'utf8'))
  vk = await loadVerificationKey(spec.vk)
  wire = await startWireClient()
}, 900_000)

afterAll(async () => {
  for (const h of hosts) await Promise.resolve(h.stop()).catch(() => undefined)
  await wire?.stop()
  for (const p of Object.values(provers)) await p?.stop()
  await devnet?.stop()
  await killAll()
  await terminateCurve()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** What the devnet's log says about proving, in order. */
function provingLog() {
  const events: ({ kind: 'committed'; height: number } | { kind: 'leased'; height: number; holder: string } | { kind: 'proven'; height: number; holder: string; proven: number })[] = []
  for (const line of devnet.log().split('\n')) {
    let m = /block (\d+): \d+ transfer\(s\), queued/.exec(line)
    if (m) events.push({ kind: 'committed', height: Number(m[1]) })
    m = /block (\d+) leased to (\S+) for/.exec(line)
    if (m) events.push({ kind: 'leased', height: Number(m[1]), holder: m[2]! })
    m = /block (\d+) proven in [\d.]+ s by (\S+) \(head \d+, proven (\d+)\)/.exec(line)
    if (m) events.push({ kind: 'proven', height: Number(m[1]), holder: m[2]!, proven: Number(m[3]) })
  }
  return events
}

/** Every block from 1 to the served head, checked: links, and each block with transfers proven. */
async function checkServedChain(): Promise<{ head: number; withTransfers: number[] }> {
  const head = (await wire.ask(addr, STATUS, {})).headHeight
  let parent: Header = (await wire.ask(addr, HEADERS, { from: 0, count: 1 })).headers[0]!.header
  const withTransfers: number[] = []
  for (let from = 1; from <= head;) {
    const { entries } = await wire.ask(addr, PROOFS, { from, count: Math.min(64, head - from + 1) })
    for (const e of entries) {
      const h = e.block.header
      expect(verifyHeaderLink(parent, h, spec.validators.length)).toEqual({ ok: true })
      if (e.block.transfers.length > 0) {
        withTransfers.push(h.height)
        expect(await verifyProof(vk, e.proof!, blockPublicInputs(parent, h, chainIdentity(spec).chainTag)), `proof of ${h.height}`).toEqual({ ok: true })
      }
      parent = h
    }
    from += entries.length
  }
  return { head, withTransfers }
}

describe('remote provers', () => {
  it('two prover processes take leases at once; every block is proven and served in height order', async () => {
    ;[provers.a, provers.b] = await Promise.all([startCli(['prover', '--peer', addr, '--key', keyFile.a]), startCli(['prover', '--peer', addr, '--key', keyFile.b])])
    expect(provers.a.ready).toMatchObject({ peerId: id.a, profile: 'test', workers: 1 })
    const served: number[] = []
    await until(
      async () => {
        served.push((await wire.ask(addr, STATUS, {})).headHeight)
        const accepted = (p: CliProcess) => (p.log().match(/proven in [\d.]+ s, accepted/g) ?? []).length
        return accepted(provers.a!) >= 2 && accepted(provers.b!) >= 2 ? true : undefined
      },
      240_000,
      'two accepted proofs from each prover',
    )
    // The served head never moves back.
    expect(served).toEqual([...served].sort((x, y) => x - y))
    const events = provingLog()
    // In parallel: a lease to one prover while the other still held one.
    const outstanding = new Map<number, string>()
    let parallel = false
    for (const e of events) {
      if (e.kind === 'leased') {
        if ([...outstanding.values()].some((h) => h !== e.holder)) parallel = true
        outstanding.set(e.height, e.holder)
      } else if (e.kind === 'proven') outstanding.delete(e.height)
    }
    expect(parallel).toBe(true)
    expect(new Set(events.flatMap((e) => (e.kind === 'proven' ? [e.holder] : [])))).toEqual(new Set([id.a, id.b]))
    // Each stored proof advanced the proven height only over blocks whose proofs were all stored.
    const committed = events.flatMap((e) => (e.kind === 'committed' ? [e.height] : []))
    const proven = new Set<number>()
    for (const e of events) {
      if (e.kind !== 'proven') continue
      proven.add(e.height)
      expect(
        committed.filter((h) => h <= e.proven && !proven.has(h)),
        `blocks below proven height ${e.proven} without a proof`,
      ).toEqual([])
    }
    const { head, withTransfers } = await checkServedChain()
    expect(withTransfers.length).toBeGreaterThanOrEqual(4)
    expect(withTransfers).toEqual(committed.filter((h) => h <= head))
  }, 300_000)

  it('hands the lease of a prover killed mid-proof to the other prover', async () => {
    const a = provers.a!
    // A is proving a block now: leased in its log, not yet handed in.
    const { height, leaseS } = await until(
      async () => {
        const leased = [...a.log().matchAll(/block (\d+) leased for (\d+) s/g)].map((m) => ({ height: Number(m[1]), leaseS: Number(m[2]) }))
        const done = new Set([...a.log().matchAll(/block (\d+) proven in/g)].map((m) => Number(m[1])))
        return leased.find((l) => !done.has(l.height))
      },
      120_000,
      'prover A to hold a lease',
      100,
    )
    // At least LEASE_MS; longer when this machine's recent proofs were slow (the lease follows them).
    expect(leaseS * 1000).toBeGreaterThanOrEqual(LEASE_MS)
    await a.kill9()
    const t0 = Date.now()
    const proof = await until(async () => provingLog().find((e) => e.kind === 'proven' && e.height === height), leaseS * 1000 + 120_000, `block ${height} proven after A died`)
    expect(proof).toMatchObject({ holder: id.b })
    expect(Date.now() - t0).toBeGreaterThan((leaseS * 1000) / 2) // it waited for the lease to run out
    expect(devnet.log()).toContain(`the lease of block ${height} by ${id.a} ran out`)
    const { withTransfers } = await checkServedChain()
    expect(withTransfers).toContain(height)
  }, 600_000)

  it('bans a prover that returns a valid proof of another block; the block is proven by another', async () => {
    const t = await createNodeHost({ privateKey: tKey, tcpPort: null, wsPort: null, webrtcDirectPort: null, relayServer: false })
    hosts.push(t)
    const node = parseMultiaddr(addr)
    const info = await call(t, node, PROVE_INFO, {})
    expect(info).toMatchObject({ kind: 'prove-info', profile: 'test', batch: 2, depth: 8, leaseMs: LEASE_MS })
    const vkHash = hexToBytes(vkHashHex(spec.vk)!)
    expect(info.kind === 'prove-info' && info.vkHash).toEqual(vkHash)

    // Refused without harm: a peer not on the allow-list, the wrong keys, a proof of a block already proven.
    const stranger = await createNodeHost({ tcpPort: null, wsPort: null, webrtcDirectPort: null, relayServer: false })
    hosts.push(stranger)
    expect(await call(stranger, node, PROVE_LEASE, { workers: 1, vkHash })).toEqual({ kind: 'lease-refused', reason: 'not-allowed' })
    expect(await call(t, node, PROVE_LEASE, { workers: 1, vkHash: new Uint8Array(32) })).toEqual({ kind: 'lease-refused', reason: 'wrong-circuit' })
    const served = (await wire.ask(addr, STATUS, {})).headHeight
    const { entries } = await wire.ask(addr, PROOFS, { from: 1, count: Math.min(64, served) })
    const other = entries.find((e) => e.proof !== null) as BlockEntry
    const g = other.block.header
    const gParent = (await wire.ask(addr, HEADERS, { from: g.height - 1, count: 1 })).headers[0]!.header
    const gSignals = blockPublicInputs(gParent, g, chainIdentity(spec).chainTag)
    expect(await call(t, node, PROVE_SUBMIT, { height: g.height, proof: other.proof!, publicSignals: gSignals })).toEqual({ kind: 'proof-result', accepted: false, reason: 'already-proven' })

    // Take a job, answer it with block g's proof and the job's own public signals.
    const job = await until(
      async () => {
        const r = await call(t, node, PROVE_LEASE, { workers: 1, vkHash })
        return r.kind === 'job' ? r : undefined
      },
      120_000,
      'a job for the tampering prover',
      500,
    )
    const signals = ['oldRoot', 'newRoot', 'txRoot', 'chainTag'].map((k) => BigInt(job.input[k] as string))
    expect(await call(t, node, PROVE_SUBMIT, { height: job.height, proof: other.proof!, publicSignals: signals })).toEqual({ kind: 'proof-result', accepted: false, reason: 'proof-invalid' })
    expect(devnet.log()).toContain(`prover ${id.t} returned a bad proof (proof-invalid, block ${job.height}`)
    // Hung up on and refused from now on.
    await new Promise((r) => setTimeout(r, 1000))
    const after = await call(t, node, PROVE_LEASE, { workers: 1, vkHash }).then(
      (r) => r,
      () => 'hung-up' as const,
    )
    if (after !== 'hung-up') expect(after).toEqual({ kind: 'lease-refused', reason: 'banned' } satisfies LeaseResponse)
    // The block goes back to the board at once and another prover proves it.
    const proven = await until(async () => provingLog().find((e) => e.kind === 'proven' && e.height === job.height), 120_000, `block ${job.height} proven by B`)
    expect(proven).toMatchObject({ holder: id.b })
    const { withTransfers } = await until(
      async () => {
        const c = await checkServedChain()
        return c.head >= job.height ? c : undefined
      },
      60_000,
      `block ${job.height} served`,
    )
    expect(withTransfers).toContain(job.height)
  }, 300_000)
})
