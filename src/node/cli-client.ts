// The one-shot commands' specs: `keygen`, and `transfer`, `balance` and `status`, which
// run the light client (src/client) in this process rather than trusting the node they
// ask. Light on purpose: run() checks the command line, then loads cli-client-run.ts.
import { int, list, required, str, type CommandSpec, type Values } from './cli-options.ts'
import { UsageError } from './errors.ts'

const clientOptions = {
  peer: { type: 'string', multiple: true, arg: 'MULTIADDR', help: 'node (or peer) to ask; required' },
  checkpoint: {
    type: 'string',
    arg: 'FILE|URL',
    help: 'trust anchor: a chain spec (genesis.json), a bootstrap.json, or an encoded trust anchor (anchor.hex)',
    default: 'devnet-data/genesis.json',
  },
  vk: { type: 'string', arg: 'FILE|URL', help: 'verification key (default: from the checkpoint source, or vk.json beside it)' },
  'timeout-ms': { type: 'string', arg: 'MS', help: 'give up after this long', default: '60000' },
  json: { type: 'boolean', help: 'print one JSON object' },
} as const

/** The largest amount a transfer carries (u64), as in src/core/constants.ts MAX_AMOUNT. */
const MAX_AMOUNT = (1n << 64n) - 1n

/**
 * The --peer list, each parsed as a multiaddr: a malformed one is a usage error at once,
 * before the client, libp2p or the verifier load. Returns the list.
 */
export async function checkPeers(values: Values): Promise<string[]> {
  const peers = list(values, 'peer')
  if (peers.length === 0) throw new UsageError('--peer MULTIADDR is required')
  const { parseMultiaddr } = await import('../net/dial.ts')
  for (const p of peers) {
    try {
      parseMultiaddr(p)
    } catch (err) {
      throw new UsageError(`--peer "${p}" is not a multiaddr (${err instanceof Error ? err.message : String(err)}); a node's look like /ip4/127.0.0.1/tcp/PORT/p2p/PEER_ID`)
    }
  }
  return peers
}

async function checkAddress(text: string, what: string): Promise<void> {
  const { decodeAddress } = await import('../core/address.ts')
  if (!decodeAddress(text).ok) throw new UsageError(`${what} "${text}" is not a zklight address (zkl1…; a typo breaks its checksum)`)
}

export const keygenCommand: CommandSpec = {
  brief: 'create an account key file',
  usage: 'keygen [--out FILE] [--index N] [--profile devnet|test] [--json]',
  summary: 'Creates an account key (Baby Jubjub EdDSA) for account slot --index and writes it as a 0600 key file.',
  options: {
    out: { type: 'string', arg: 'FILE', help: 'key file to write (refuses to overwrite)', default: 'zklight-<index>.key.json' },
    index: { type: 'string', arg: 'N', help: 'account slot (default: random; a taken slot refuses transfers to this key)' },
    profile: { type: 'string', arg: 'NAME', help: 'profile whose tree depth bounds the index', default: 'devnet' },
    json: { type: 'boolean', help: 'print one JSON object' },
  },
  async run(values) {
    const profile = str(values, 'profile') ?? 'devnet'
    if (profile !== 'test' && profile !== 'devnet') throw new UsageError(`--profile must be test or devnet, got "${profile}"`)
    const { runKeygen } = await import('./cli-client-run.ts')
    return runKeygen(values, profile)
  },
}

export const transferCommand: CommandSpec = {
  brief: 'sign and submit a transfer, wait until it is in a verified block',
  usage: 'transfer --key FILE --to ADDR --amount N --peer MULTIADDR [--checkpoint FILE|URL] [--json]',
  summary: 'Signs a transfer with the key file, submits it, and waits until it is in a verified block; prints the block height.',
  options: {
    key: { type: 'string', arg: 'FILE', help: 'sender key file (required)' },
    index: { type: 'string', arg: 'N', help: 'sender account slot, for a key file that is a bare key' },
    to: { type: 'string', arg: 'ADDR', help: 'receiver address (required)' },
    amount: { type: 'string', arg: 'N', help: 'whole units, 1 to 2^64-1 (required)' },
    ...clientOptions,
    'timeout-ms': { ...clientOptions['timeout-ms'], default: '180000' },
  },
  async run(values) {
    const keyFile = required(values, 'key', 'FILE')
    const to = required(values, 'to', 'ADDR')
    const amountText = required(values, 'amount', 'N')
    if (!/^\d+$/.test(amountText) || BigInt(amountText) < 1n || BigInt(amountText) > MAX_AMOUNT) throw new UsageError(`--amount must be a whole number from 1 to 2^64-1, got "${amountText}"`)
    const index = str(values, 'index') === undefined ? undefined : int(values, 'index', 0, 0, 2 ** 32 - 1)
    const timeoutMs = int(values, 'timeout-ms', 180_000, 1, 86_400_000)
    await checkAddress(to, '--to')
    const peers = await checkPeers(values)
    const { runTransfer } = await import('./cli-client-run.ts')
    return runTransfer(values, { keyFile, to, amount: BigInt(amountText), index, timeoutMs, peers })
  },
}

export const balanceCommand: CommandSpec = {
  brief: 'print a balance verified by a light client',
  usage: 'balance ADDR --peer MULTIADDR [--checkpoint FILE|URL] [--json]',
  summary: 'Prints the balance of ADDR as verified by a light client: an account proof against a proven, certified state root.',
  options: clientOptions,
  positionals: { min: 1, max: 1, names: 'ADDR' },
  async run(values, [address]) {
    int(values, 'timeout-ms', 60_000, 1, 86_400_000)
    await checkAddress(address as string, 'ADDR')
    const peers = await checkPeers(values)
    const { runBalance } = await import('./cli-client-run.ts')
    return runBalance(values, address as string, peers)
  },
}

export const statusCommand: CommandSpec = {
  brief: 'print the verified head and health seen by a light client',
  usage: 'status --peer MULTIADDR [--checkpoint FILE|URL] [--json]',
  summary: 'Syncs a light client from the checkpoint and prints its verified head and health.',
  options: clientOptions,
  async run(values) {
    int(values, 'timeout-ms', 60_000, 1, 86_400_000)
    const peers = await checkPeers(values)
    const { runStatus } = await import('./cli-client-run.ts')
    return runStatus(values, peers)
  },
}
