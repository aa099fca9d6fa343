// The one-shot commands: `keygen`, and `transfer`, `balance` and `status`, which run
// the light client (src/client) in this process — verifying certificates, proofs and
// account proofs from a trusted checkpoint — rather than trusting the node they ask.
import { existsSync } from 'node:fs'
import { randomInt } from 'node:crypto'
import { resolve } from 'node:path'
import { decodeAddress } from '../core/address.ts'
import { MAX_AMOUNT } from '../core/constants.ts'
import { chainTagOf } from '../core/chain.ts'
import { signTransfer } from '../core/transfer.ts'
import { createLightClient } from '../client/create.ts'
import type { LightClient } from '../client/light-client.ts'
import { getProfile } from '../zk/profiles.ts'
import { generateAccountKey, loadAccountKey, saveAccountKey } from './account-key.ts'
import { int, list, required, str, type CommandSpec, type Values } from './cli-options.ts'
import { UsageError } from './errors.ts'
import { loadTrustAnchor, type LoadedAnchor } from './trust-anchor.ts'

const out = (line: string) => process.stdout.write(`${line}\n`)
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))

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

/** Starts a light client against `--peer`, waits until it is synced, runs `fn`, always stops it. */
async function withLightClient<T>(values: Values, fn: (c: LightClient, loaded: LoadedAnchor) => Promise<T>): Promise<T> {
  const peers = list(values, 'peer')
  if (peers.length === 0) throw new UsageError('--peer MULTIADDR is required')
  const timeoutMs = int(values, 'timeout-ms', 60_000, 1, 86_400_000)
  const loaded = await loadTrustAnchor(str(values, 'checkpoint'), str(values, 'vk'))
  const client = await createLightClient({ bootstrap: peers, anchor: loaded.anchor, verificationKey: loaded.vk, rtc: { iceServers: [] } })
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    await client.start()
    await client.whenSynced(signal).catch((err: unknown) => {
      if (signal.aborted) throw new Error(`no verified view of the chain within ${timeoutMs} ms (peers: ${client.health().peers})`)
      throw err
    })
    return await fn(client, loaded)
  } finally {
    await client.stop().catch(() => undefined)
  }
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
    let depth: number
    try {
      depth = getProfile(str(values, 'profile') ?? 'devnet').depth
    } catch {
      throw new UsageError(`--profile must be test or devnet, got "${str(values, 'profile')}"`)
    }
    const index = int(values, 'index', randomInt(2 ** depth), 0, 2 ** depth - 1)
    const file = resolve(str(values, 'out') ?? `zklight-${index}.key.json`)
    if (existsSync(file)) throw new UsageError(`${file} exists; pass another --out`)
    const key = generateAccountKey(index)
    await saveAccountKey(file, key)
    out(values.json ? json({ address: key.address, index, keyFile: file }) : `address ${key.address}\nindex   ${index}\nkey     ${file}`)
    return 0
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
    const to = decodeAddress(required(values, 'to', 'ADDR'))
    if (!to.ok) throw new UsageError(`--to is not a zklight address`)
    const amountText = required(values, 'amount', 'N')
    if (!/^\d+$/.test(amountText) || BigInt(amountText) < 1n || BigInt(amountText) > MAX_AMOUNT) throw new UsageError(`--amount must be a whole number from 1 to 2^64-1, got "${amountText}"`)
    const index = str(values, 'index') === undefined ? undefined : int(values, 'index', 0, 0, 2 ** 32 - 1)
    const key = await loadAccountKey(keyFile, index)
    const timeoutMs = int(values, 'timeout-ms', 180_000, 1, 86_400_000)
    const inclusion = await withLightClient({ ...values, 'timeout-ms': String(timeoutMs) }, async (client, { anchor }) => {
      const sender = await client.getBalance(key.address)
      const t = signTransfer(key.privateKey, chainTagOf(anchor.checkpoint.genesisHash), {
        from: key.index,
        to: to.value.index,
        toPubKey: to.value.pubKey,
        amount: BigInt(amountText),
        nonce: sender.nonce,
      })
      return client.submitTransfer(t, { timeoutMs })
    })
    out(values.json ? json({ included: true, height: inclusion.height, headerHash: inclusion.headerHash, verified: true }) : `included in block ${inclusion.height} (verified)`)
    return 0
  },
}

export const balanceCommand: CommandSpec = {
  brief: 'print a balance verified by a light client',
  usage: 'balance ADDR --peer MULTIADDR [--checkpoint FILE|URL] [--json]',
  summary: 'Prints the balance of ADDR as verified by a light client: an account proof against a proven, certified state root.',
  options: clientOptions,
  positionals: { min: 1, max: 1, names: 'ADDR' },
  async run(values, [address]) {
    if (!decodeAddress(address as string).ok) throw new UsageError(`"${address}" is not a zklight address`)
    const b = await withLightClient(values, (c) => c.getBalance(address as string))
    if (values.json) out(json({ address, ...b, stateRoot: `0x${b.stateRoot.toString(16)}` }))
    else out(`${b.balance} (nonce ${b.nonce}${b.exists ? '' : ', no account yet'}) at height ${b.height}, verified`)
    return 0
  },
}

export const statusCommand: CommandSpec = {
  brief: 'print the verified head and health seen by a light client',
  usage: 'status --peer MULTIADDR [--checkpoint FILE|URL] [--json]',
  summary: 'Syncs a light client from the checkpoint and prints its verified head and health.',
  options: clientOptions,
  async run(values) {
    const h = await withLightClient(values, async (c) => c.health())
    if (values.json) out(json(h))
    else out(`${h.status}: verified height ${h.verifiedHeight} (best seen ${h.bestSeenHeight}, ${h.lagBlocks} behind), ${h.peers} peer(s)`)
    return 0
  },
}
