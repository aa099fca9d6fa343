// `zklight devnet` (test profile) as a child process, checked over real libp2p on
// loopback: it produces certified, proven blocks; a transfer submitted over the wire
// lands with a proof; a follower node syncs and serves the chain; malformed and
// oversized requests are refused without harm; the CLI's light-client commands work, and
// refuse a verification key other than the one the genesis commits to.
import '../../src/polyfill.ts'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bn254 } from '@noble/curves/bn254.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blockPublicInputs } from '../../src/core/block.ts'
import { bytesToHex, equalBytes, hexToBytes } from '../../src/core/bytes.ts'
import { decodeTrustAnchor, encodeTrustAnchor } from '../../src/core/codec.ts'
import { verifyTrustAnchor } from '../../src/core/chain.ts'
import { vkHashHex } from '../../src/core/vk-hash.ts'
import { hashHeader, verifyHeaderLink } from '../../src/core/header.ts'
import { verifyQuorumCertificate } from '../../src/core/quorum.ts'
import { verifyAccountProof } from '../../src/core/smt.ts'
import { hashTransfer, signTransfer } from '../../src/core/transfer.ts'
import type { Header } from '../../src/core/types.ts'
import { LATEST_HEIGHT, MAX_PROOFS_PER_REQUEST } from '../../src/net/constants.ts'
import type { BlockEntry } from '../../src/core/types.ts'
import { ACCOUNT, HEADERS, PROOFS, STATUS, SUBMIT } from '../../src/net/protocols.ts'
import { EXIT } from '../../src/node/cli-exit.ts'
import { loadAccountKey, type AccountKey } from '../../src/node/account-key.ts'
import { chainIdentity, genesisCheckpoint, parseChainSpec, type ChainSpec } from '../../src/node/chain-spec.ts'
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
let keys: AccountKey[]

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zklight-devnet-test-'))
  devnet = await startCli(['devnet', '--single-process', '--profile', 'test', '--http-port', '0', '--dir', join(dir, 'devnet'), '--block-time-ms', '500', '--tx-rate', '2'])
  addr = tcpAddr(devnet.ready.multiaddrs)
  spec = parseChainSpec(await readFile(join(dir, 'devnet', 'genesis.json'), 'utf8'))
  vk = await loadVerificationKey(spec.vk)
  wire = await startWireClient()
  keys = await Promise.all(devnet.ready.accounts.slice(0, 2).map((a: { keyFile: string }) => loadAccountKey(a.keyFile)))
}, 900_000)

afterAll(async () => {
  await wire?.stop()
  await devnet?.stop()
  await killAll()
  await terminateCurve()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Checks a run of entries from `parent` on: links, certificates, and each non-empty block's proof. */
async function checkEntries(parent: Header, entries: BlockEntry[]): Promise<void> {
  for (const e of entries) {
    const h = e.block.header
    expect(verifyHeaderLink(parent, h, spec.validators.length)).toEqual({ ok: true })
    expect(verifyQuorumCertificate(h, e.qc!, spec.validators, chainIdentity(spec).genesisHash)).toEqual({ ok: true })
    if (e.block.transfers.length > 0) expect(await verifyProof(vk, e.proof!, blockPublicInputs(parent, h, chainIdentity(spec).chainTag))).toEqual({ ok: true })
    else expect(h.stateRoot).toBe(parent.stateRoot)
    parent = h
  }
}

describe('zklight devnet', () => {
  it('serves the web app, bootstrap.json (genesis checkpoint, addresses), vk.json and genesis.json', async () => {
    const base = devnet.ready.url as string
    const boot = (await (await fetch(`${base}bootstrap.json`)).json()) as Record<string, any>
    expect(boot.multiaddrs).toEqual(devnet.ready.multiaddrs)
    // The trust anchor: the genesis header, the parameters it commits to (vk hash among them) and the genesis checkpoint.
    expect(boot.anchor).toBe(bytesToHex(encodeTrustAnchor(chainIdentity(spec).anchor)))
    const anchor = decodeTrustAnchor(hexToBytes(boot.anchor))
    expect(anchor.ok && anchor.value.checkpoint).toEqual(genesisCheckpoint(spec))
    expect(anchor.ok && verifyTrustAnchor(anchor.value)).toEqual({ ok: true })
    expect(anchor.ok && bytesToHex(anchor.value.params.vkHash)).toBe(vkHashHex(spec.vk))
    expect(boot.setupClass).toBe('insecure-dev')
    expect(await (await fetch(boot.vkUrl)).json()).toEqual(spec.vk)
    const page = await fetch(base)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    // A path that climbs out of the web root is not served.
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(base)
      httpRequest({ host: u.hostname, port: u.port, path: '/%2e%2e/package.json' }, (res) => resolve(res.statusCode ?? 0))
        .on('error', reject)
        .end()
    })
    expect(status).toBe(404)
    for (const a of devnet.ready.accounts as { keyFile: string }[]) expect((await stat(a.keyFile)).mode & 0o777).toBe(0o600)
  })

  it('produces certified blocks and proves every block with transfers', async () => {
    const t0 = Date.now()
    const status = await until(
      async () => {
        const s = await wire.ask(addr, STATUS, {})
        if (s.headHeight < 6) return undefined
        const r = await wire.ask(addr, PROOFS, { from: 1, count: s.headHeight })
        return r.entries.some((e) => e.block.transfers.length > 0) ? s : undefined
      },
      120_000,
      'a proven block with transfers',
    )
    const { entries } = await wire.ask(addr, PROOFS, { from: 1, count: status.headHeight })
    expect(entries.map((e) => e.block.header.height)).toEqual(Array.from({ length: status.headHeight }, (_, i) => i + 1))
    await checkEntries((await wire.ask(addr, HEADERS, { from: 0, count: 1 })).headers[0]!.header, entries)
    const span = (entries.at(-1)!.block.header.timestamp - entries[0]!.block.header.timestamp) / (entries.length - 1)
    console.log(`devnet: proven head ${status.headHeight} after ${Date.now() - t0} ms; mean block interval ${span.toFixed(0)} ms`)
    // Not served: anything above the proven head.
    expect(await wire.askRaw(addr, PROOFS, { from: status.headHeight + 50, count: 1 })).toMatchObject({ kind: 'error', code: 'not-found' })
  }, 180_000)

  it('takes a transfer over the wire, refuses duplicates and stale nonces, and includes it in a proven block', async () => {
    const [from, to] = keys as [AccountKey, AccountKey]
    const acc = await wire.ask(addr, ACCOUNT, { index: from.index, height: LATEST_HEIGHT })
    const nonce = acc.accountProof.account!.nonce
    const t = signTransfer(from.privateKey, chainIdentity(spec).chainTag, { from: from.index, to: to.index, toPubKey: to.pubKey, amount: 5n, nonce })
    // Served blocks are scanned from the served head at submission on: when proofs lag, the
    // served head can jump by many blocks at once (the empty blocks made meanwhile), past any
    // fixed window below it.
    let next = (await wire.ask(addr, STATUS, {})).headHeight + 1
    const t0 = Date.now()
    expect(await wire.ask(addr, SUBMIT, { transfer: t })).toEqual({ kind: 'submit', accepted: true })
    expect(await wire.ask(addr, SUBMIT, { transfer: t })).toEqual({ kind: 'submit', accepted: false, reason: 'duplicate' })
    const stale = signTransfer(from.privateKey, chainIdentity(spec).chainTag, { from: from.index, to: to.index, toPubKey: to.pubKey, amount: 5n, nonce: nonce + 3 })
    expect(await wire.ask(addr, SUBMIT, { transfer: stale })).toEqual({ kind: 'submit', accepted: false, reason: 'bad-nonce' })
    const mine = hashTransfer(chainIdentity(spec).chainTag, t)
    const found = await until(
      async () => {
        const s = await wire.ask(addr, STATUS, {})
        while (next <= s.headHeight) {
          const r = await wire.ask(addr, PROOFS, { from: next, count: Math.min(MAX_PROOFS_PER_REQUEST, s.headHeight - next + 1) })
          if (r.entries.length === 0) return undefined
          const hit = r.entries.find((e) => e.block.transfers.some((x) => hashTransfer(chainIdentity(spec).chainTag, x) === mine))
          if (hit) return hit
          next += r.entries.length
        }
        return undefined
      },
      120_000,
      'the transfer in a proven block',
    )
    console.log(`devnet: submitted transfer proven in block ${found.block.header.height} after ${Date.now() - t0} ms`)
    const parent = (await wire.ask(addr, HEADERS, { from: found.block.header.height - 1, count: 1 })).headers[0]!.header
    await checkEntries(parent, [found])
    const after = await wire.ask(addr, ACCOUNT, { index: from.index, height: found.block.header.height })
    expect(after.accountProof.account!.nonce).toBe(nonce + 1)
    expect(verifyAccountProof(after.header.stateRoot, after.accountProof, spec.profile.depth)).toEqual({ ok: true })
    expect(after.header.stateRoot).toBe(found.block.header.stateRoot)
  }, 180_000)

  it('runs a follower node that syncs, verifies and serves the chain', async () => {
    // Replay: this follower serves every header from genesis (a snapshot join: test/node/snapshot-join.test.ts).
    const follower = await startCli(['node', '--dir', join(dir, 'follower'), '--peer', addr, '--genesis', `${devnet.ready.url}genesis.json`, '--sync', 'replay'])
    const faddr = tcpAddr(follower.ready.multiaddrs)
    const target = (await wire.ask(addr, STATUS, {})).headHeight
    const t0 = Date.now()
    const fs = await until(
      async () => {
        const s = await wire.ask(faddr, STATUS, {})
        return s.headHeight >= target ? s : undefined
      },
      60_000,
      `the follower at height ${target}`,
    )
    console.log(`follower: synced ${target} blocks in ${Date.now() - t0} ms`)
    expect(equalBytes(fs.genesisHash, hashHeader((await wire.ask(addr, HEADERS, { from: 0, count: 1 })).headers[0]!.header))).toBe(true)
    const ours = await wire.ask(faddr, HEADERS, { from: 0, count: target + 1 })
    const theirs = await wire.ask(addr, HEADERS, { from: 0, count: target + 1 })
    expect(ours.headers.map((h) => bytesToHex(hashHeader(h.header)))).toEqual(theirs.headers.map((h) => bytesToHex(hashHeader(h.header))))
    const a = await wire.ask(faddr, ACCOUNT, { index: keys[0]!.index, height: target })
    const b = await wire.ask(addr, ACCOUNT, { index: keys[0]!.index, height: target })
    expect(a.accountProof).toEqual(b.accountProof)
    // A transfer sent to the follower is checked there and forwarded to the producer.
    const [from, to] = keys as [AccountKey, AccountKey]
    const pending = await wire.ask(faddr, ACCOUNT, { index: from.index, height: LATEST_HEIGHT })
    const bad = signTransfer(from.privateKey, chainIdentity(spec).chainTag, { from: from.index, to: to.index, toPubKey: to.pubKey, amount: 10n ** 15n, nonce: pending.accountProof.account!.nonce })
    expect(await wire.ask(faddr, SUBMIT, { transfer: bad })).toEqual({ kind: 'submit', accepted: false, reason: 'insufficient-balance' })
    await follower.stop()
    expect(follower.child.exitCode).toBe(0)
  }, 180_000)

  it('hangs up on malformed and oversized requests and keeps serving everyone else', async () => {
    const { request } = await import('../../src/net/rpc.ts')
    const { parseMultiaddr } = await import('../../src/net/dial.ts')
    const ma = parseMultiaddr(addr)
    const opts = { maxResponseBytes: 1024, timeoutMs: 5_000 }
    // Malformed, oversized, and a garbage transfer on the submit protocol (right size, wrong
    // bytes): each stream is reset unanswered (StreamClosed, not a timeout or an error answer)
    // and the connection hung up on.
    const requests: [string, Uint8Array][] = [
      [STATUS.id, new Uint8Array([0x10, 0x07])],
      [STATUS.id, new Uint8Array(5_000).fill(0x41)],
      [SUBMIT.id, new Uint8Array(184).fill(0xff)],
    ]
    for (const [protocol, bytes] of requests) {
      const bad = await startWireClient()
      try {
        await expect(request(bad.host, ma, protocol, bytes, opts)).rejects.toMatchObject({ name: 'StreamClosed' })
        await until(async () => (bad.host.getConnections().length === 0 ? true : undefined), 5_000, 'the node to hang up')
      } finally {
        await bad.stop()
      }
    }
    const s = await wire.ask(addr, STATUS, {})
    expect(s.chainId).toBe(chainIdentity(spec).chainId)
    expect(devnet.child.exitCode).toBeNull()
    expect(devnet.log()).toMatch(/sent a (malformed|oversized) request/)
  }, 60_000)

  it('answers status, balance and transfer from the CLI through the light client', async () => {
    const cp = ['--peer', addr, '--checkpoint', join(dir, 'devnet', 'genesis.json')]
    const st = await runCli(['status', ...cp, '--json'])
    expect(st.code).toBe(0)
    const health = JSON.parse(st.stdout) as { status: string; verifiedHeight: number }
    expect(health.status).toBe('synced')
    expect(health.verifiedHeight).toBeGreaterThan(0)
    const bal = await runCli(['balance', keys[1]!.address, ...cp, '--checkpoint', `${devnet.ready.url}bootstrap.json`, '--json'])
    expect(bal.code).toBe(0)
    expect(JSON.parse(bal.stdout)).toMatchObject({ address: keys[1]!.address, verified: true, exists: true })
    const tr = await runCli(['transfer', '--key', devnet.ready.accounts[1].keyFile, '--to', keys[0]!.address, '--amount', '3', ...cp, '--json'], 180_000)
    expect(tr.code, tr.stderr).toBe(0)
    expect(JSON.parse(tr.stdout)).toMatchObject({ included: true, verified: true })
    // Failures: a usage error is exit 2 and names the flag; a runtime failure is exit 1 and names the error.
    const usage = await runCli(['balance', 'not-an-address', ...cp])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('not a zklight address')
    const missing = await runCli(['transfer', '--key', join(dir, 'nope.json'), '--to', keys[0]!.address, '--amount', '1', ...cp])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('BadKeyFile')
  }, 300_000)

  it('refuses a verification key other than the one the genesis commits to, naming both hashes', async () => {
    // δ = 2·G2, a point whose discrete log everyone knows: with it anyone can forge a proof
    // of any state root. Every other point is the devnet's own.
    const two = bn254.G2.Point.BASE.double().toAffine()
    const tampered = {
      ...spec.vk,
      vk_delta_2: [
        [String(two.x.c0), String(two.x.c1)],
        [String(two.y.c0), String(two.y.c1)],
        ['1', '0'],
      ],
    }
    const expected = vkHashHex(spec.vk) as string
    const given = vkHashHex(tampered) as string
    expect(given).not.toBe(expected)
    await writeFile(join(dir, 'tampered.json'), JSON.stringify(tampered))
    const refused = (r: { code: number | null; stdout: string; stderr: string }) => {
      expect(r.code, r.stderr).toBe(EXIT.trust) // a trust failure, not a generic one
      expect(r.stderr).toContain('VerificationKeyMismatch')
      expect(r.stderr).toContain(expected)
      expect(r.stderr).toContain(given)
      expect(r.stdout).toBe('')
    }
    // Given on the command line, next to the devnet's genesis.json (the test above: the same command without --vk answers).
    const flag = ['balance', keys[1]!.address, '--peer', addr, '--checkpoint', join(dir, 'devnet', 'genesis.json'), '--timeout-ms', '30000']
    refused(await runCli([...flag, '--vk', join(dir, 'tampered.json')]))
    // Named by a bootstrap document, as the web app gets it: the devnet's own, with vkUrl pointing at the other key.
    const boot = (await (await fetch(`${devnet.ready.url}bootstrap.json`)).json()) as Record<string, unknown>
    await writeFile(join(dir, 'bootstrap.json'), JSON.stringify({ ...boot, vkUrl: 'tampered.json' }))
    refused(await runCli(['balance', keys[1]!.address, '--peer', addr, '--checkpoint', join(dir, 'bootstrap.json'), '--timeout-ms', '30000']))
  }, 180_000)
})
