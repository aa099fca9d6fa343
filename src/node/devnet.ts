// `zklight devnet`: a whole local network — circuit artifacts, genesis with funded demo
// accounts and validator keys (created once under --dir and reused on restart), a process
// per validator and per prover (or, with --single-process, one node holding every
// validator key), a transfer generator, and the HTTP server for the web app and its
// bootstrap documents.
import { existsSync } from 'node:fs'
import { mkdir, readFile, readdir } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { join, resolve } from 'node:path'
import { bytesToHex } from '../core/bytes.ts'
import type { Logger } from '../core/logger.ts'
import { encodeTrustAnchor } from '../core/codec.ts'
import { validatorPublicKey } from '../core/quorum.ts'
import { writeFileAtomic } from '../store/atomic-file.ts'
import { loadKeyFile, saveKeyFile } from '../store/key-file.ts'
import { ensureCircuitArtifacts, ROOT } from '../zk/artifacts.ts'
import { getProfile } from '../zk/profiles.ts'
import { describeSetup, genesisSetupOf, type SetupRecord } from '../zk/setup-record.ts'
import { Prover } from '../zk/prover.ts'
import { generateAccountKey, loadAccountKey, saveAccountKey, type AccountKey } from './account-key.ts'
import { loadCeremonyArtifacts } from './ceremony.ts'
import { chainIdentity, chainSpecToJson, parseChainSpec, type ChainSpec } from './chain-spec.ts'
import { DEVNET_BALANCE, TRAFFIC_ACCOUNTS } from './constants.ts'
import { BadKeyFile, ChainMismatch, UsageError } from './errors.ts'
import { startHttpServer } from './http-server.ts'
import { startLedgerNode, type LedgerNode } from './ledger-node.ts'
import { TransferGenerator } from './tx-generator.ts'
import { createServer } from 'node:net'
import { peerIdOf } from '../net/keys.ts'
import type { CircuitArtifacts } from '../zk/artifacts.ts'
import { loadOrCreateKey } from './cli-prover-run.ts'
import { startNetworkProcesses, type ChildInfo, type NetworkProcessesOptions, type ValidatorSetup } from './devnet-processes.ts'
import { loadOrCreateIdentity, loadPorts } from './identity.ts'

export interface DevnetOptions {
  dir: string
  validators: number
  accounts: number
  blockTimeMs: number
  txRate: number
  profile: string
  httpPort: number
  /** A powers-of-tau ceremony file; without it the circuit keys come from the insecure dev setup. */
  ptau?: string
  /** A finalized `zklight ceremony` folder whose keys replace the built ones. */
  ceremony?: string
  listenHost?: string
  /**
   * Run today's single process (one node holding every validator key, proving in worker
   * threads) instead of a process per validator and prover.
   */
  singleProcess?: boolean
  /** Prover processes (default 1; not with singleProcess). */
  provers?: number
  /** Prover worker threads: per prover process, or in the single process (default 1; 0 there: only `zklight prover` processes prove). */
  proveWorkers?: number
  /** Peer ids of `zklight prover` processes allowed to take proving jobs. */
  proverPeers?: string[]
  /** Proving lease (default: leaseMsFor(profile)). */
  leaseMs?: number
  logger: Logger
}

export interface Devnet {
  url: string
  multiaddrs: string[]
  accounts: { address: string; keyFile: string }[]
  /** The in-process node (--single-process only). */
  node?: LedgerNode
  /** Every process of the network: validators and provers, or the one producer of --single-process. */
  processes: ChildInfo[]
  stop(): Promise<void>
}

interface DevnetFiles {
  spec: ChainSpec
  validatorKeys: Uint8Array[]
  demo: { key: AccountKey; file: string }[]
  traffic: AccountKey[]
}

export async function startDevnet(opts: DevnetOptions): Promise<Devnet> {
  const dir = resolve(opts.dir)
  const profile = getProfile(opts.profile)
  const circuitLog = (m: string) => opts.logger.child('circuits').info(m)
  const artifacts = opts.ceremony ? await loadCeremonyArtifacts(opts.ceremony, circuitLog) : await ensureCircuitArtifacts(profile, { ptau: opts.ptau, log: circuitLog })
  if (artifacts.vk.zklightProfile !== profile.name) throw new UsageError(`the ceremony's keys are for profile ${artifacts.vk.zklightProfile}, not ${profile.name}`)
  opts.logger.info(`circuit keys: ${describeSetup(artifacts.setup)}${opts.ceremony ? ` (ceremony ${resolve(opts.ceremony)})` : ''}`)
  if (artifacts.setup.class === 'insecure-dev') opts.logger.warn('circuit keys come from an INSECURE development setup (see README); fine for a devnet, never for value')
  const files = existsSync(join(dir, 'genesis.json')) ? await loadDevnet(dir, opts, artifacts.vk) : await createDevnet(dir, opts, artifacts.vk, artifacts.setup)
  const { spec } = files
  const identity = chainIdentity(spec)
  opts.logger.info(
    `profile ${profile.name} (B=${profile.batch}, D=${profile.depth}), chain ${identity.chainId} (genesis ${bytesToHex(identity.genesisHash).slice(0, 16)}…), setup ${spec.setup.setupClass}, ` +
      `${spec.validators.length} validators, ${files.demo.length} demo accounts, block every ${opts.blockTimeMs} ms, ${opts.txRate} generated transfers/s`,
  )
  const anchorHex = bytesToHex(encodeTrustAnchor(identity.anchor))
  const accounts = files.demo.map((d) => ({ address: d.key.address, keyFile: d.file }))
  const network = opts.singleProcess ? await startInProcess(dir, files, artifacts, opts) : await startProcesses(dir, files, artifacts, opts)
  let url = ''
  // `base` '' gives links relative to the document: the copy in --dir is what a static deployment puts in public/.
  const bootstrap = (base = url) =>
    JSON.stringify({
      chainId: identity.chainId,
      profile: profile.name,
      setupClass: spec.setup.setupClass,
      anchor: anchorHex,
      multiaddrs: network.multiaddrs(),
      vkUrl: `${base}vk.json`,
      genesisUrl: `${base}genesis.json`,
      accounts: accounts.map((a) => ({ address: a.address })),
    })
  let http
  try {
    http = await startHttpServer({
      port: opts.httpPort,
      staticDir: join(ROOT, 'dist'),
      documents: { '/bootstrap.json': () => bootstrap(), '/vk.json': () => JSON.stringify(spec.vk), '/genesis.json': () => chainSpecToJson(spec) },
    })
  } catch (err) {
    await network.stop()
    throw err
  }
  url = http.url
  // Beside vk.json and genesis.json: the three files a static site needs to reach this network (README, "Static deployment").
  try {
    await writeFileAtomic(join(dir, 'bootstrap.json'), new TextEncoder().encode(`${bootstrap('')}\n`))
  } catch (err) {
    await http.close()
    await network.stop()
    throw err
  }
  const server = http
  return {
    url,
    multiaddrs: network.multiaddrs(),
    accounts,
    node: network.node,
    processes: network.processes,
    async stop() {
      await server.close()
      await network.stop()
    },
  }
}

interface RunningNetwork {
  multiaddrs(): string[]
  processes: ChildInfo[]
  node?: LedgerNode
  stop(): Promise<void>
}

/** `--single-process`: one node holding every validator key, its prover workers and the transfer generator. */
async function startInProcess(dir: string, files: DevnetFiles, artifacts: CircuitArtifacts, opts: DevnetOptions): Promise<RunningNetwork> {
  const { spec } = files
  const node = await startLedgerNode({
    dir: join(dir, 'node'),
    spec,
    listenHost: opts.listenHost,
    producer: {
      validatorKeys: files.validatorKeys,
      blockTimeMs: opts.blockTimeMs,
      // One worker thread per local worker, and a fresh one for each that dies.
      prover: () => new Prover(artifacts),
      proveWorkers: opts.proveWorkers,
      proverPeers: opts.proverPeers,
      leaseMs: opts.leaseMs,
    },
    logger: opts.logger,
  })
  const generator = new TransferGenerator({
    mempool: node.mempool as NonNullable<LedgerNode['mempool']>,
    submit: (t) => node.submit(t),
    chainTag: chainIdentity(spec).chainTag,
    senders: files.traffic,
    receivers: [...files.demo.map((d) => d.key), ...files.traffic],
    ratePerSecond: opts.txRate,
    // Fills idle prover workers only, so a user's transfer never waits behind generated ones.
    proverBusy: () => node.unproven() >= Math.max(1, node.proverWorkers()),
    logger: opts.logger.child('generator'),
  })
  generator.start()
  return {
    multiaddrs: () => node.multiaddrs(),
    processes: [{ role: 'producer', index: 0, pid: process.pid, multiaddrs: node.multiaddrs() }],
    node,
    async stop() {
      generator.stop()
      await node.stop()
    },
  }
}

/**
 * The default: every validator a `zklight node --validator-key` process and every prover
 * a `zklight prover` process, set up as docs/deploy.md describes. Validator 0 hands out the
 * proving jobs and generates the devnet's transfers; the other validators fetch proofs from it.
 */
async function startProcesses(dir: string, files: DevnetFiles, artifacts: CircuitArtifacts, opts: DevnetOptions): Promise<RunningNetwork> {
  const host = opts.listenHost ?? '127.0.0.1'
  const validators: ValidatorSetup[] = []
  for (let i = 0; i < files.spec.validators.length; i++) {
    const vdir = join(dir, `validator-${i}`)
    await mkdir(vdir, { recursive: true })
    const peerId = peerIdOf((await loadOrCreateIdentity(vdir)).hostKey)
    // The same port on every restart, so a stored --peer address of it stays right.
    const tcpPort = (await loadPorts(vdir))?.tcp ?? (await freePort(host))
    validators.push({ dir: vdir, keyFile: join(dir, 'validators', `validator-${i}.key`), tcpPort, addr: `/ip4/${host}/tcp/${tcpPort}/p2p/${peerId}` })
  }
  const provers: NetworkProcessesOptions['provers'] = []
  await mkdir(join(dir, 'provers'), { recursive: true })
  for (let k = 0; k < (opts.provers ?? 1); k++) {
    const keyFile = join(dir, 'provers', `prover-${k}.key`)
    provers.push({ keyFile, peerId: peerIdOf(await loadOrCreateKey(keyFile)), workers: Math.max(1, opts.proveWorkers ?? 1) })
  }
  const children = await startNetworkProcesses({
    genesisFile: join(dir, 'genesis.json'),
    validators,
    blockTimeMs: opts.blockTimeMs,
    listenHost: host,
    traffic: opts.txRate > 0 ? { dir: join(dir, 'traffic'), rate: opts.txRate } : undefined,
    provers,
    proverNodeArgs: [...provers.map((p) => p.peerId), ...(opts.proverPeers ?? [])].flatMap((id) => ['--prover-peer', id]),
    proverArgs: opts.ceremony ? ['--ceremony', opts.ceremony] : ['--artifacts', artifacts.dir],
    logger: opts.logger,
  })
  opts.logger.info(`started ${validators.length} validator and ${provers.length} prover process(es): ${children.map((c) => `${c.info.role}-${c.info.index} pid ${c.info.pid}`).join(', ')}`)
  return {
    multiaddrs: () => children.filter((c) => c.info.role === 'validator' && c.child.exitCode === null && c.child.signalCode === null).flatMap((c) => c.info.multiaddrs),
    processes: children.map((c) => c.info),
    async stop() {
      // Provers first, so none is left asking a stopped validator for jobs.
      for (const c of children.filter((x) => x.info.role === 'prover')) await c.stop()
      await Promise.all(children.filter((x) => x.info.role === 'validator').map((c) => c.stop()))
    },
  }
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

async function createDevnet(dir: string, opts: DevnetOptions, vk: Record<string, unknown>, setup: SetupRecord): Promise<DevnetFiles> {
  const profile = getProfile(opts.profile)
  if (!Number.isInteger(opts.validators) || opts.validators < 1 || opts.validators > 256) throw new UsageError('--validators must be 1..256')
  const slots = 2 ** profile.depth
  if (!Number.isInteger(opts.accounts) || opts.accounts < 2 || opts.accounts + TRAFFIC_ACCOUNTS > slots) {
    throw new UsageError(`--accounts must be 2..${slots - TRAFFIC_ACCOUNTS} for profile ${profile.name}`)
  }
  for (const sub of ['validators', 'accounts', 'traffic']) await mkdir(join(dir, sub), { recursive: true })
  const validatorKeys = Array.from({ length: opts.validators }, () => new Uint8Array(randomBytes(32)))
  for (const [i, k] of validatorKeys.entries()) await saveKeyFile(join(dir, 'validators', `validator-${i}.key`), k)
  const demo: DevnetFiles['demo'] = []
  for (let i = 0; i < opts.accounts; i++) {
    const key = generateAccountKey(i)
    const file = join(dir, 'accounts', `account-${i}.json`)
    await saveAccountKey(file, key)
    demo.push({ key, file })
  }
  const traffic: AccountKey[] = []
  for (let i = 0; i < TRAFFIC_ACCOUNTS; i++) {
    const key = generateAccountKey(opts.accounts + i)
    await saveAccountKey(join(dir, 'traffic', `traffic-${i}.json`), key)
    traffic.push(key)
  }
  const spec: ChainSpec = {
    profile,
    networkId: new Uint8Array(randomBytes(32)),
    genesisTime: Date.now(),
    validators: validatorKeys.map(validatorPublicKey),
    accounts: [...demo.map((d) => d.key), ...traffic].map((k) => ({ index: k.index, pubKey: k.pubKey, balance: DEVNET_BALANCE })),
    vk,
    setup: genesisSetupOf(setup),
  }
  const enc = (s: string) => new TextEncoder().encode(s)
  await writeFileAtomic(join(dir, 'vk.json'), enc(JSON.stringify(spec.vk)))
  await writeFileAtomic(join(dir, 'anchor.hex'), enc(bytesToHex(encodeTrustAnchor(chainIdentity(spec).anchor)) + '\n'))
  // Written last: its presence means the whole setup above is on disk.
  await writeFileAtomic(join(dir, 'genesis.json'), enc(chainSpecToJson(spec)))
  opts.logger.info(`created genesis in ${dir}`)
  return { spec, validatorKeys, demo, traffic }
}

async function loadDevnet(dir: string, opts: DevnetOptions, vk: Record<string, unknown>): Promise<DevnetFiles> {
  const spec = parseChainSpec(await readFile(join(dir, 'genesis.json'), 'utf8'))
  if (spec.profile.name !== opts.profile) throw new UsageError(`${dir} holds a devnet of profile ${spec.profile.name}: pass --profile ${spec.profile.name} or use another --dir`)
  if (JSON.stringify(spec.vk) !== JSON.stringify(vk)) {
    throw new ChainMismatch(`the circuit keys of profile ${spec.profile.name} changed since ${dir} was created (its proofs would not verify): use a fresh --dir`)
  }
  const validatorKeys: Uint8Array[] = []
  for (let i = 0; i < spec.validators.length; i++) {
    const path = join(dir, 'validators', `validator-${i}.key`)
    const k = await loadKeyFile(path)
    if (!k || k.length !== 32) throw new BadKeyFile(`${path} is missing or not a 32-byte key`)
    validatorKeys.push(k)
  }
  const demoFiles = (await readdir(join(dir, 'accounts'))).filter((f) => /^account-\d+\.json$/.test(f))
  const demo = await Promise.all(demoFiles.map(async (f) => ({ key: await loadAccountKey(join(dir, 'accounts', f)), file: join(dir, 'accounts', f) })))
  demo.sort((a, b) => a.key.index - b.key.index)
  const trafficFiles = (await readdir(join(dir, 'traffic'))).filter((f) => /^traffic-\d+\.json$/.test(f))
  const traffic = await Promise.all(trafficFiles.map((f) => loadAccountKey(join(dir, 'traffic', f))))
  opts.logger.info(`resuming the chain in ${dir} (--validators and --accounts apply only when a devnet is created)`)
  return { spec, validatorKeys, demo, traffic }
}
