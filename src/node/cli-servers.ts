// The long-running commands: `zklight devnet` (a whole local network) and `zklight node`
// (a follower joining one). Each prints one JSON "ready" line on stdout, logs on stderr,
// and shuts down cleanly on SIGINT/SIGTERM. The node's modules load inside run(), so
// `--help` and usage errors never wait for libp2p, the ledger or the circuits.
import { existsSync } from 'node:fs'
import { mkdir, readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ChainSpec } from './chain-spec.ts'
import { int, list, num, required, str, type CommandSpec } from './cli-options.ts'
import { DEFAULT_BLOCK_TIME_MS, DEVNET_DEFAULTS } from './constants.ts'
import { ChainMismatch, ChainSpecError, UsageError } from './errors.ts'
import type { LedgerNode } from './ledger-node.ts'
import type { TransferGenerator } from './tx-generator.ts'
import { stderrLogger } from './log.ts'

const logger = stderrLogger()

/**
 * Resolves when the process is asked to stop (SIGINT or SIGTERM). Later signals are
 * ignored while it shuts down (a devnet and its process group can both send one); a
 * stuck shutdown is the sender's to SIGKILL.
 */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.on('SIGINT', resolve)
    process.on('SIGTERM', resolve)
  })
}

const portOptions = {
  'listen-host': { type: 'string', arg: 'IP', help: 'interface for the libp2p listeners', default: '127.0.0.1' },
  'tcp-port': { type: 'string', arg: 'P', help: "libp2p TCP port (0 = any; default: the last run's, else any)" },
  'ws-port': { type: 'string', arg: 'P', help: 'libp2p WebSockets port (same default)' },
  'webrtc-port': { type: 'string', arg: 'P', help: 'libp2p WebRTC-Direct UDP port (same default)' },
} as const

function ports(values: Parameters<CommandSpec['run']>[0]) {
  const p = (name: string) => (str(values, name) === undefined ? undefined : int(values, name, 0, 0, 65535))
  return { tcp: p('tcp-port'), ws: p('ws-port'), webrtc: p('webrtc-port') }
}

export const devnetCommand: CommandSpec = {
  brief: 'run a local network: validator and prover processes, transfer generator, web app',
  usage:
    'devnet [--dir DIR] [--validators 4] [--provers 1] [--accounts N] [--block-time-ms MS] [--tx-rate PER_S] [--profile test|devnet] [--http-port P] [--ceremony DIR] [--prove-workers N] [--prover-peer PEERID]… [--single-process]',
  summary:
    'Runs a local zklight network: builds the circuit artifacts if needed, creates genesis (funded demo accounts and\n' +
    'validator keys under DIR; reused on restart), starts each validator as a `zklight node --validator-key` process and\n' +
    'each prover as a `zklight prover` process (validator 0 hands out proving jobs and generates transfers), and serves\n' +
    'the web app, /bootstrap.json and /vk.json on 127.0.0.1. Prints one JSON line on stdout when ready, listing every\n' +
    'process (role, pid, multiaddrs). --single-process runs one node holding every validator key instead.\n' +
    'The circuit keys come from an INSECURE dev setup unless --ceremony names a finalized ceremony folder.',
  options: {
    dir: { type: 'string', arg: 'DIR', help: 'data folder (genesis, keys, blocks)', default: DEVNET_DEFAULTS.dir },
    validators: { type: 'string', arg: 'N', help: 'validators at genesis', default: String(DEVNET_DEFAULTS.validators) },
    accounts: { type: 'string', arg: 'N', help: 'funded demo accounts at genesis', default: String(DEVNET_DEFAULTS.accounts) },
    'block-time-ms': { type: 'string', arg: 'MS', help: 'block interval; empty intervals give empty blocks', default: String(DEFAULT_BLOCK_TIME_MS) },
    'tx-rate': { type: 'string', arg: 'PER_S', help: 'generated transfers per second (0 = none)', default: String(DEVNET_DEFAULTS.txRate) },
    profile: { type: 'string', arg: 'NAME', help: 'circuit profile: test (B=2, D=8) or devnet (B=4, D=16)', default: DEVNET_DEFAULTS.profile },
    'http-port': { type: 'string', arg: 'P', help: 'HTTP port on 127.0.0.1 (0 = any free port)', default: String(DEVNET_DEFAULTS.httpPort) },
    ptau: { type: 'string', arg: 'FILE', help: 'powers-of-tau ceremony file (default: INSECURE dev setup)' },
    ceremony: { type: 'string', arg: 'DIR', help: 'use the keys of a finalized `zklight ceremony` folder (its profile)' },
    'listen-host': portOptions['listen-host'],
    provers: { type: 'string', arg: 'N', help: 'prover processes (not with --single-process)', default: '1' },
    'prove-workers': { type: 'string', arg: 'N', help: 'worker threads per prover process (--single-process: in-process workers, 0 = only `zklight prover` processes prove)', default: '1' },
    'single-process': { type: 'boolean', help: 'one process holding every validator key and proving in worker threads (tests)' },
    'prover-peer': { type: 'string', multiple: true, arg: 'PEERID', help: 'peer id of another `zklight prover` allowed to take proving jobs' },
    'prove-lease-ms': { type: 'string', arg: 'MS', help: "how long a proving job is leased (default: 4 expected proving times of the profile's block)" },
  },
  async run(values) {
    const ceremony = str(values, 'ceremony')
    if (ceremony !== undefined && str(values, 'ptau') !== undefined) throw new UsageError('--ptau and --ceremony exclude each other: a ceremony folder carries its own powers of tau')
    // A ceremony's keys belong to one profile: it is the default, and another --profile is refused.
    const profile = str(values, 'profile') ?? (ceremony !== undefined ? (await import('./ceremony-files.ts')).readManifest(ceremony).profile.name : DEVNET_DEFAULTS.profile)
    if (profile !== 'test' && profile !== 'devnet') throw new UsageError(`--profile must be test or devnet, got "${profile}"`)
    const options = {
      dir: str(values, 'dir') ?? DEVNET_DEFAULTS.dir,
      validators: int(values, 'validators', DEVNET_DEFAULTS.validators, 1, 256),
      accounts: int(values, 'accounts', DEVNET_DEFAULTS.accounts, 2, 65_000),
      blockTimeMs: int(values, 'block-time-ms', DEFAULT_BLOCK_TIME_MS, 50, 3_600_000),
      txRate: num(values, 'tx-rate', DEVNET_DEFAULTS.txRate, 0, 100),
      profile,
      httpPort: int(values, 'http-port', DEVNET_DEFAULTS.httpPort, 0, 65535),
      ptau: str(values, 'ptau'),
      ceremony,
      listenHost: str(values, 'listen-host'),
      singleProcess: values['single-process'] === true,
      provers: int(values, 'provers', 1, 0, 16),
      proveWorkers: int(values, 'prove-workers', 1, 0, 64),
      proverPeers: proverPeers(values, (await import('../net/dial.ts')).isPeerIdString),
      leaseMs: str(values, 'prove-lease-ms') === undefined ? undefined : int(values, 'prove-lease-ms', 0, 1_000, 3_600_000),
      logger: logger.child('devnet'),
    }
    logger.info(`starting the devnet (profile ${profile}): loading the node`)
    const { startDevnet } = await import('./devnet.ts')
    const devnet = await startDevnet(options)
    const processes = devnet.processes.map((p) => ({ role: p.role, pid: p.pid, multiaddrs: p.multiaddrs }))
    process.stdout.write(`${JSON.stringify({ event: 'ready', url: devnet.url, multiaddrs: devnet.multiaddrs, accounts: devnet.accounts, processes })}\n`)
    logger.info(`devnet ready at ${devnet.url}`)
    const sig = await untilSignal()
    logger.info(`${sig}: stopping`)
    await devnet.stop()
    return 0
  },
}

/** The --prover-peer values, each a libp2p peer id. */
function proverPeers(values: Parameters<CommandSpec['run']>[0], isPeerIdString: (s: string) => boolean): string[] {
  const ids = list(values, 'prover-peer')
  for (const id of ids) if (!isPeerIdString(id)) throw new UsageError(`--prover-peer "${id}" is not a libp2p peer id`)
  return ids
}

async function loadSpecFrom(source: string): Promise<ChainSpec> {
  const { parseChainSpec } = await import('./chain-spec.ts')
  let text: string
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source).catch((err: unknown) => {
      throw new ChainSpecError(`GET ${source}: ${err instanceof Error ? err.message : String(err)}`)
    })
    if (!res.ok) throw new ChainSpecError(`GET ${source}: HTTP ${res.status}`)
    text = await res.text()
  } else {
    text = await readFile(source, 'utf8').catch(() => {
      throw new ChainSpecError(`cannot read ${source}`)
    })
  }
  return parseChainSpec(text)
}

export const nodeCommand: CommandSpec = {
  brief: 'run a validator, or a node that follows and verifies others; both serve light clients',
  usage: 'node --dir DIR [--peer MULTIADDR]… [--genesis FILE|URL] [--sync snapshot|replay] [--validator-key FILE [--block-time-ms MS] [--prove [--prove-workers N]] [--prover-peer PEERID]…]',
  summary:
    'Runs a ledger node. Without --validator-key it follows the --peer nodes: it checks every block (certificate,\n' +
    'transfers, proof), keeps the full state in DIR, and serves light clients. On first start it joins by snapshot: it\n' +
    "proves a recent head's state root from genesis (certificate, header links, proofs), fetches the state there in\n" +
    'verified chunks and replays only the blocks after it (--sync replay: every block from genesis). With\n' +
    '--validator-key it is one validator of the chain spec: it votes with the other validators (--peer: their\n' +
    'multiaddrs), proposes in its turn, and proves blocks itself (--prove: worker threads here; --prover-peer: `zklight\n' +
    'prover` processes take its jobs), else fetches their proofs from its peers (docs/deploy.md). --genesis (a\n' +
    'chain spec: genesis.json or a /genesis.json URL) is needed on first start; it is kept in DIR. Prints one JSON\n' +
    'line on stdout when ready.',
  options: {
    dir: { type: 'string', arg: 'DIR', help: 'data folder (required)' },
    peer: { type: 'string', multiple: true, arg: 'MULTIADDR', help: 'upstream node, or (validators) another validator, ending in /p2p/<peer id>' },
    genesis: { type: 'string', arg: 'FILE|URL', help: 'chain spec (genesis.json) of the network to join' },
    'validator-key': { type: 'string', arg: 'FILE', help: 'run as the validator whose key this is (zklight validator-key)' },
    'block-time-ms': { type: 'string', arg: 'MS', help: 'validators: block interval', default: String(DEFAULT_BLOCK_TIME_MS) },
    traffic: { type: 'string', arg: 'DIR', help: "validators (devnets): generate transfers from DIR's traffic-N.json account keys" },
    'tx-rate': { type: 'string', arg: 'PER_S', help: 'with --traffic: generated transfers per second', default: '0' },
    prove: { type: 'boolean', help: 'validators: prove every block in this process (needs the circuit keys of the chain spec)' },
    ceremony: { type: 'string', arg: 'DIR', help: 'with --prove: the finalized ceremony folder whose keys the chain uses' },
    'prove-workers': { type: 'string', arg: 'N', help: 'with --prove: prover worker threads', default: '1' },
    'prover-peer': { type: 'string', multiple: true, arg: 'PEERID', help: 'validators: peer id of a `zklight prover` allowed to take proving jobs' },
    sync: { type: 'string', arg: 'MODE', help: 'first start on an empty DIR: snapshot (state at a recent proven height) or replay (every block)', default: 'snapshot' },
    ...portOptions,
  },
  async run(values) {
    const dir = required(values, 'dir', 'DIR')
    const peers = list(values, 'peer')
    const portChoice = ports(values)
    const { isPeerIdString, parseMultiaddr, peerIdStringOf } = await import('../net/dial.ts')
    for (const p of peers) {
      let ok: boolean
      try {
        ok = peerIdStringOf(parseMultiaddr(p)) !== undefined
      } catch {
        ok = false
      }
      if (!ok) throw new UsageError(`--peer "${p}" is not a multiaddr ending in /p2p/<peer id>`)
    }
    const [{ equalBytes }, { writeFileAtomic }, { chainSpecToJson, genesisHash, parseChainSpec }, { nodePaths }, { startLedgerNode }] = await Promise.all([
      import('../core/bytes.ts'),
      import('../store/atomic-file.ts'),
      import('./chain-spec.ts'),
      import('./identity.ts'),
      import('./ledger-node.ts'),
    ])
    const paths = nodePaths(dir)
    const given = str(values, 'genesis')
    let spec: ChainSpec
    if (given !== undefined) {
      spec = await loadSpecFrom(given)
      if (existsSync(paths.spec)) {
        const kept = parseChainSpec(await readFile(paths.spec, 'utf8'))
        if (!equalBytes(genesisHash(kept), genesisHash(spec))) throw new ChainMismatch(`${dir} belongs to another chain than ${given}`)
      } else {
        await mkdir(dir, { recursive: true })
        await writeFileAtomic(paths.spec, new TextEncoder().encode(chainSpecToJson(spec)))
      }
    } else if (existsSync(paths.spec)) {
      spec = parseChainSpec(await readFile(paths.spec, 'utf8'))
    } else throw new UsageError(`--genesis FILE|URL is required on first start (${join(dir, 'genesis.json')} does not exist yet)`)
    const keyFile = str(values, 'validator-key')
    let validator: Parameters<typeof startLedgerNode>[0]['validator']
    if (keyFile !== undefined) {
      const secretKey = await (await import('./cli-network.ts')).loadValidatorKey(keyFile)
      let prover: (() => import('../zk/prover.ts').Prover) | undefined
      if (values.prove) {
        const [{ ensureCircuitArtifacts }, { Prover }] = await Promise.all([import('../zk/artifacts.ts'), import('../zk/prover.ts')])
        const ceremony = str(values, 'ceremony')
        const log = (m: string) => logger.child('circuits').info(m)
        const artifacts = ceremony !== undefined ? await (await import('./ceremony.ts')).loadCeremonyArtifacts(ceremony, log) : await ensureCircuitArtifacts(spec.profile, { log })
        if (JSON.stringify(artifacts.vk) !== JSON.stringify(spec.vk)) throw new ChainMismatch("these circuit keys are not the chain spec's (pass the ceremony the chain was made with)")
        // A fresh worker thread for each that dies.
        prover = () => new Prover(artifacts)
      }
      const fault = process.env.ZKLIGHT_FAULT_CRASH_AFTER_PROPOSALS
      validator = {
        secretKey,
        peers,
        blockTimeMs: int(values, 'block-time-ms', DEFAULT_BLOCK_TIME_MS, 50, 3_600_000),
        prover,
        proveWorkers: prover ? int(values, 'prove-workers', 1, 1, 64) : 0,
        proverPeers: proverPeers(values, isPeerIdString),
        crashAfterProposals: fault === undefined ? undefined : Number(fault),
      }
    }
    const sync = str(values, 'sync') ?? 'snapshot'
    if (sync !== 'snapshot' && sync !== 'replay') throw new UsageError(`--sync must be snapshot or replay, got "${sync}"`)
    const node = await startLedgerNode({
      dir,
      spec,
      peers: validator ? undefined : peers,
      sync: validator ? undefined : sync,
      validator,
      listenHost: str(values, 'listen-host'),
      ports: portChoice,
      logger: logger.child('node'),
    })
    const head = node.chain.servedHead.header.height
    const role = validator ? 'validator' : 'follower'
    const s = node.snapshot
    const snapshot = s && { height: s.height, blocks: s.blocks, proofs: s.proofs, chunks: s.chunks, accounts: s.accounts, bytes: s.bytes.ranges + s.bytes.chunks, ms: s.ms.total }
    process.stdout.write(`${JSON.stringify({ event: 'ready', role, multiaddrs: node.multiaddrs(), head, height: node.chain.head.height, ...(snapshot ? { snapshot } : {}) })}\n`)
    logger.info(`${role} ready (head ${node.chain.head.height}, proven ${head}); ${peers.length} peer(s)`)
    const generator = await startTraffic(values, node, spec)
    const sig = await untilSignal()
    logger.info(`${sig}: stopping`)
    generator?.stop()
    await node.stop()
    return 0
  },
}

/** `--traffic DIR --tx-rate R` (devnet validators): generated transfers from the traffic accounts' keys in DIR. */
async function startTraffic(values: Parameters<CommandSpec['run']>[0], node: LedgerNode, spec: ChainSpec): Promise<TransferGenerator | undefined> {
  const dir = str(values, 'traffic')
  const rate = num(values, 'tx-rate', 0, 0, 100)
  if (dir === undefined || rate === 0) return undefined
  if (!node.mempool) throw new UsageError('--traffic needs --validator-key (it queues transfers in this validator)')
  const [{ loadAccountKey }, { TransferGenerator }, { chainIdentity }] = await Promise.all([import('./account-key.ts'), import('./tx-generator.ts'), import('./chain-spec.ts')])
  const files = (await readdir(dir)).filter((f) => /^traffic-\d+\.json$/.test(f))
  const senders = await Promise.all(files.map((f) => loadAccountKey(join(dir, f))))
  const generator = new TransferGenerator({
    mempool: node.mempool,
    submit: (t) => node.submit(t),
    chainTag: chainIdentity(spec).chainTag,
    senders,
    receivers: spec.accounts.map((a) => ({ index: a.index, pubKey: a.pubKey })),
    ratePerSecond: rate,
    proverBusy: () => node.unproven() > 0,
    logger: logger.child('generator'),
  })
  generator.start()
  return generator
}
