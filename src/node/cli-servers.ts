// The long-running commands: `zklight devnet` (a whole local network) and `zklight node`
// (a follower joining one). Each prints one JSON "ready" line on stdout, logs on stderr,
// and shuts down cleanly on SIGINT/SIGTERM. The node's modules load inside run(), so
// `--help` and usage errors never wait for libp2p, the ledger or the circuits.
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ChainSpec } from './chain-spec.ts'
import { int, list, num, required, str, type CommandSpec } from './cli-options.ts'
import { DEFAULT_BLOCK_TIME_MS, DEVNET_DEFAULTS } from './constants.ts'
import { ChainMismatch, ChainSpecError, UsageError } from './errors.ts'
import { stderrLogger } from './log.ts'

const logger = stderrLogger()

/** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off('SIGINT', on)
      process.off('SIGTERM', on)
      resolve(sig)
    }
    process.on('SIGINT', on)
    process.on('SIGTERM', on)
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
  brief: 'run a local network: validators, prover, transfer generator, web app',
  usage: 'devnet [--dir DIR] [--validators 4] [--accounts N] [--block-time-ms MS] [--tx-rate PER_S] [--profile test|devnet] [--http-port P] [--ceremony DIR]',
  summary:
    'Runs a local zklight network: builds the circuit artifacts if needed, creates genesis (funded demo accounts and\n' +
    'validator keys under DIR; reused on restart), runs the proposer, validators, prover and a transfer generator, and\n' +
    'serves the web app, /bootstrap.json and /vk.json on 127.0.0.1. Prints one JSON line on stdout when ready.\n' +
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
      logger: logger.child('devnet'),
    }
    logger.info(`starting the devnet (profile ${profile}): loading the node`)
    const { startDevnet } = await import('./devnet.ts')
    const devnet = await startDevnet(options)
    process.stdout.write(`${JSON.stringify({ event: 'ready', url: devnet.url, multiaddrs: devnet.multiaddrs, accounts: devnet.accounts })}\n`)
    logger.info(`devnet ready at ${devnet.url}`)
    const sig = await untilSignal()
    logger.info(`${sig}: stopping`)
    await devnet.stop()
    return 0
  },
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
  brief: 'run a node that follows and verifies other nodes and serves light clients',
  usage: 'node --dir DIR [--peer MULTIADDR]… [--genesis FILE|URL]',
  summary:
    'Runs a ledger node that follows --peer nodes: it checks every block (certificate, transfers, proof), keeps the\n' +
    "full state in DIR, and serves light clients. --genesis (a chain spec: a devnet's DIR/genesis.json or its\n" +
    '/genesis.json URL) is needed on first start; it is kept in DIR. Prints one JSON line on stdout when ready.',
  options: {
    dir: { type: 'string', arg: 'DIR', help: 'data folder (required)' },
    peer: { type: 'string', multiple: true, arg: 'MULTIADDR', help: 'upstream node to sync from, ending in /p2p/<peer id>' },
    genesis: { type: 'string', arg: 'FILE|URL', help: 'chain spec (genesis.json) of the network to join' },
    ...portOptions,
  },
  async run(values) {
    const dir = required(values, 'dir', 'DIR')
    const peers = list(values, 'peer')
    const portChoice = ports(values)
    const { parseMultiaddr, peerIdStringOf } = await import('../net/dial.ts')
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
    const node = await startLedgerNode({ dir, spec, peers, listenHost: str(values, 'listen-host'), ports: portChoice, logger: logger.child('node') })
    const head = node.chain.servedHead.header.height
    process.stdout.write(`${JSON.stringify({ event: 'ready', multiaddrs: node.multiaddrs(), head })}\n`)
    logger.info(`node ready (proven head ${head}); following ${peers.length} peer(s)`)
    const sig = await untilSignal()
    logger.info(`${sig}: stopping`)
    await node.stop()
    return 0
  },
}
