// Commands for setting up a network across machines (docs/deploy.md): `zklight
// validator-key` makes one validator's signing key, `zklight genesis` assembles the chain
// spec every node of the network shares from the validators' public keys, the funded
// accounts and the circuit keys (a finalized ceremony, or the insecure dev setup).
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { decodeAddress } from '../core/address.ts'
import { bytesToHex, hexToBytes } from '../core/bytes.ts'
import { encodeTrustAnchor } from '../core/codec.ts'
import { MAX_AMOUNT } from '../core/constants.ts'
import { validatorPublicKey } from '../core/quorum.ts'
import { writeFileAtomic } from '../store/atomic-file.ts'
import { loadKeyFile, saveKeyFile } from '../store/key-file.ts'
import { getProfile } from '../zk/profiles.ts'
import { genesisSetupOf } from '../zk/setup-record.ts'
import { chainIdentity, chainSpecToJson, parseChainSpec, type ChainSpec } from './chain-spec.ts'
import { int, list, required, str, type CommandSpec } from './cli-options.ts'
import { BadKeyFile, UsageError } from './errors.ts'

const out = (s: string) => process.stdout.write(`${s}\n`)

/** Reads a validator key file: 32 secret bytes, mode 0600. */
export async function loadValidatorKey(path: string): Promise<Uint8Array> {
  const k = await loadKeyFile(path)
  if (!k) throw new BadKeyFile(`${path} does not exist`)
  if (k.length !== 32) throw new BadKeyFile(`${path} is not a 32-byte validator key`)
  return k
}

export const validatorKeyCommand: CommandSpec = {
  brief: 'create a validator signing key (Ed25519)',
  usage: 'validator-key --out FILE [--json]',
  summary:
    'Creates a validator key file (32 random bytes, mode 0600) and prints its public key, which goes into the chain\n' +
    "spec's validator list (zklight genesis --validator HEX). Keep the file on the validator's machine only; with\n" +
    "--out naming an existing file, prints that key's public key instead.",
  options: {
    out: { type: 'string', arg: 'FILE', help: 'key file to write (required)' },
    json: { type: 'boolean', help: 'print one JSON object' },
  },
  async run(values) {
    const file = resolve(required(values, 'out', 'FILE'))
    let key: Uint8Array
    let created = false
    if (existsSync(file)) key = await loadValidatorKey(file)
    else {
      key = new Uint8Array(randomBytes(32))
      await saveKeyFile(file, key)
      created = true
    }
    const publicKey = bytesToHex(validatorPublicKey(key))
    out(values.json ? JSON.stringify({ publicKey, keyFile: file, created }) : `public key ${publicKey}\nkey file   ${file}${created ? '' : ' (existing)'}`)
    return 0
  },
}

export const nodeIdCommand: CommandSpec = {
  brief: "print a node folder's libp2p peer id (creating its host key if needed)",
  usage: 'node-id --dir DIR [--json]',
  summary:
    'Prints the peer id a `zklight node --dir DIR` listens as, creating DIR and its host key on first use, so the\n' +
    "other validators' --peer multiaddrs (/ip4/IP/tcp/PORT/p2p/ID) can be written before any node starts.",
  options: {
    dir: { type: 'string', arg: 'DIR', help: 'node data folder (required)' },
    json: { type: 'boolean', help: 'print one JSON object' },
  },
  async run(values) {
    const dir = resolve(required(values, 'dir', 'DIR'))
    await mkdir(dir, { recursive: true })
    const [{ peerIdOf }, { loadOrCreateIdentity }] = await Promise.all([import('../net/keys.ts'), import('./identity.ts')])
    const peerId = peerIdOf((await loadOrCreateIdentity(dir)).hostKey)
    out(values.json ? JSON.stringify({ peerId, dir }) : peerId)
    return 0
  },
}

export const genesisCommand: CommandSpec = {
  brief: 'write the chain spec (genesis.json) a network shares',
  usage: 'genesis --validator HEX… --account ADDRESS=BALANCE… [--profile devnet|test] [--ceremony DIR] [--out FILE]',
  summary:
    'Assembles a chain spec: the validator set (public keys, in order: the order is their index), the funded\n' +
    'accounts, a fresh network id, and the circuit keys of --ceremony DIR (a finalized `zklight ceremony`) or, without\n' +
    'it, of the INSECURE dev setup (built or taken from the cache). Prints the chain id, genesis hash and trust anchor.',
  options: {
    validator: { type: 'string', multiple: true, arg: 'HEX', help: 'a validator public key (from zklight validator-key), in index order' },
    account: { type: 'string', multiple: true, arg: 'ADDRESS=BALANCE', help: 'a funded account at genesis' },
    profile: { type: 'string', arg: 'NAME', help: 'circuit profile: test or devnet (default: the ceremony’s, else devnet)' },
    ceremony: { type: 'string', arg: 'DIR', help: 'finalized ceremony folder whose keys the chain uses' },
    'genesis-time': { type: 'string', arg: 'MS', help: 'genesis timestamp, ms since 1970 (default: now)' },
    out: { type: 'string', arg: 'FILE', help: 'where to write the chain spec (refuses to overwrite)', default: 'genesis.json' },
    json: { type: 'boolean', help: 'print one JSON object' },
  },
  async run(values) {
    const file = resolve(str(values, 'out') ?? 'genesis.json')
    if (existsSync(file)) throw new UsageError(`${file} exists; pass another --out`)
    const validators = list(values, 'validator').map((v, i) => {
      if (!/^[0-9a-fA-F]{64}$/.test(v)) throw new UsageError(`--validator #${i + 1} is not 32 bytes of hex`)
      return hexToBytes(v.toLowerCase())
    })
    if (validators.length === 0) throw new UsageError('at least one --validator HEX is required')
    const accounts = list(values, 'account').map((a) => {
      const m = /^([^=]+)=(\d+)$/.exec(a)
      if (!m) throw new UsageError(`--account "${a}" is not ADDRESS=BALANCE`)
      const d = decodeAddress(m[1] as string)
      if (!d.ok) throw new UsageError(`--account "${a}": not a zklight address`)
      const balance = BigInt(m[2] as string)
      if (balance > MAX_AMOUNT) throw new UsageError(`--account "${a}": balance above 2^64-1`)
      return { index: d.value.index, pubKey: d.value.pubKey, balance }
    })
    const ceremony = str(values, 'ceremony')
    const log = (m: string) => process.stderr.write(`${m}\n`)
    let artifacts
    if (ceremony !== undefined) {
      const { loadCeremonyArtifacts } = await import('./ceremony.ts')
      artifacts = await loadCeremonyArtifacts(ceremony, log)
    } else {
      let profile
      try {
        profile = getProfile(str(values, 'profile') ?? 'devnet')
      } catch {
        throw new UsageError(`--profile must be test or devnet, got "${str(values, 'profile')}"`)
      }
      const { ensureCircuitArtifacts } = await import('../zk/artifacts.ts')
      artifacts = await ensureCircuitArtifacts(profile, { log })
    }
    const profile = getProfile(String(artifacts.vk.zklightProfile))
    if (str(values, 'profile') !== undefined && str(values, 'profile') !== profile.name) throw new UsageError(`the ceremony's keys are for profile ${profile.name}`)
    const spec: ChainSpec = {
      profile,
      networkId: new Uint8Array(randomBytes(32)),
      genesisTime: int(values, 'genesis-time', Date.now(), 0, Number.MAX_SAFE_INTEGER),
      validators,
      accounts,
      vk: artifacts.vk,
      setup: genesisSetupOf(artifacts.setup),
    }
    // Round trip through the parser: the same checks every node makes when it loads the file.
    const json = chainSpecToJson(spec)
    const checked = parseChainSpec(json)
    await writeFileAtomic(file, new TextEncoder().encode(json))
    const id = chainIdentity(checked)
    const anchor = bytesToHex(encodeTrustAnchor(id.anchor))
    const facts = { chainSpec: file, chainId: id.chainId, genesisHash: bytesToHex(id.genesisHash), setupClass: spec.setup.setupClass, anchor }
    out(values.json ? JSON.stringify(facts) : `chain spec   ${file}\nchain id     ${id.chainId}\ngenesis hash ${facts.genesisHash}\nsetup        ${facts.setupClass}\nanchor       ${anchor}`)
    return 0
  },
}
