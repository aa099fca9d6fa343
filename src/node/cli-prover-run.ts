// What `zklight prover` runs (its spec, in cli-prover.ts, loads this only once the
// arguments are parsed): learn the node's circuit, load the matching keys, then lease →
// prove (worker threads) → submit until SIGTERM; one JSON ready line on stdout, progress on stderr.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { bytesToHex, equalBytes } from '../core/bytes.ts'
import { hashVerificationKey } from '../core/vk-hash.ts'
import { isPeerIdString, parseMultiaddr, peerIdStringOf } from '../net/dial.ts'
import { createNodeHost } from '../net/host.ts'
import { generateHostKey, hostKeyFromBytes, hostKeyToBytes, peerIdOf, type HostKey } from '../net/keys.ts'
import { loadKeyFile, saveKeyFile } from '../store/key-file.ts'
import { artifactKey, CIRCUIT_CACHE, ensureCircuitArtifacts, type CircuitArtifacts, type VerificationKeyJson } from '../zk/artifacts.ts'
import { getProfile, type CircuitProfile } from '../zk/profiles.ts'
import { Prover } from '../zk/prover.ts'
import { parseSetupRecord } from '../zk/setup-record.ts'
import { loadCeremonyArtifacts } from './ceremony.ts'
import { int, str, type Values } from './cli-options.ts'
import { BadKeyFile, UsageError } from './errors.ts'
import { stderrLogger } from './log.ts'
import { fetchProveInfo, NodeJobSource, ProverSetupError } from './prover-client.ts'
import { ProverSlots } from './prover-slots.ts'
import { DEFAULT_PROVER_KEY as DEFAULT_KEY } from './cli-prover.ts'

export async function runProver(values: Values): Promise<number> {
  const logger = stderrLogger('zklight/prover')
  const keyPath = resolve(str(values, 'key') ?? DEFAULT_KEY)
  const key = await loadOrCreateKey(keyPath)
  const peerId = peerIdOf(key)
  if (values['print-id'] === true) {
    process.stdout.write(`${JSON.stringify({ peerId })}\n`)
    return 0
  }
  const peer = str(values, 'peer')
  if (peer === undefined) throw new UsageError('--peer MULTIADDR is required')
  let target
  try {
    target = parseMultiaddr(peer)
  } catch {
    throw new UsageError(`--peer "${peer}" is not a multiaddr`)
  }
  const nodeId = peerIdStringOf(target)
  if (nodeId === undefined || !isPeerIdString(nodeId)) throw new UsageError(`--peer "${peer}" does not end in /p2p/<peer id>`)
  const workers = int(values, 'workers', 1, 1, 64)
  const ceremony = str(values, 'ceremony')
  const artifactsDir = str(values, 'artifacts')
  if (ceremony !== undefined && artifactsDir !== undefined) throw new UsageError('--artifacts and --ceremony exclude each other')

  const stop = new AbortController()
  // Every signal is handled (a second one while stopping is ignored, not fatal).
  const onSignal = (sig: string) => {
    if (!stop.signal.aborted) logger.info(`${sig}: stopping`)
    stop.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  logger.info(`prover ${peerId} (key ${keyPath}); node ${peer}`)
  const host = await createNodeHost({ privateKey: key, tcpPort: null, wsPort: null, webrtcDirectPort: null, relayServer: false })
  let fatal: ProverSetupError | undefined
  try {
    const info = await fetchProveInfo(host, target, logger, stop.signal)
    if (!info) return 0
    const profile = profileOf(info.profile, info.batch, info.depth)
    logger.info(
      `node: chain ${info.chainId}, profile ${profile.name} (B=${profile.batch}, D=${profile.depth}), key ${bytesToHex(info.vkHash).slice(0, 16)}…, leases of ${Math.round(info.leaseMs / 1000)} s`,
    )
    const log = (m: string) => logger.child('circuits').info(m)
    const artifacts = ceremony ? await loadCeremonyArtifacts(ceremony, log) : artifactsDir ? loadArtifactsFolder(artifactsDir) : await cachedArtifacts(profile, log)
    const mine = hashVerificationKey(artifacts.vk)
    if (!mine.ok || !equalBytes(mine.value, info.vkHash)) {
      throw new ProverSetupError('wrong-circuit', `the circuit keys in ${artifacts.dir} are not the node's (its key hash is ${bytesToHex(info.vkHash)}): pass --artifacts or --ceremony`)
    }
    const source = new NodeJobSource({
      host,
      node: target,
      workers,
      vkHash: info.vkHash,
      logger,
      onFatal: (err) => {
        fatal = err
        stop.abort()
      },
    })
    const slots = new ProverSlots({ workers, spawn: () => new Prover(artifacts), source, logger })
    slots.start()
    process.stdout.write(`${JSON.stringify({ event: 'ready', peerId, node: peer, profile: profile.name, workers })}\n`)
    logger.info(`ready: ${workers} worker(s)`)
    await new Promise<void>((done) => (stop.signal.aborted ? done() : stop.signal.addEventListener('abort', () => done(), { once: true })))
    await slots.stop()
    logger.info(`stopped after ${source.counts.accepted} accepted proof(s) (${source.counts.refused} refused)`)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await host.stop()
  }
  if (fatal) throw fatal
  return 0
}

/** A prover's libp2p key from `path`, created (0600) when missing: its peer id is what a node allows. */
export async function loadOrCreateKey(path: string): Promise<HostKey> {
  let bytes = await loadKeyFile(path)
  if (bytes === undefined) {
    bytes = hostKeyToBytes(await generateHostKey())
    await saveKeyFile(path, bytes)
  }
  try {
    return hostKeyFromBytes(bytes)
  } catch {
    throw new BadKeyFile(`${path} is not a libp2p private key`)
  }
}

function profileOf(name: string, batch: number, depth: number): CircuitProfile {
  let profile: CircuitProfile
  try {
    profile = getProfile(name)
  } catch {
    throw new ProverSetupError('unknown-profile', `the node runs circuit profile "${name}", which this version does not know`)
  }
  if (profile.batch !== batch || profile.depth !== depth) {
    throw new ProverSetupError('unknown-profile', `the node's profile ${name} is B=${batch}, D=${depth}; this version's is B=${profile.batch}, D=${profile.depth}`)
  }
  return profile
}

/**
 * The keys this machine's cache holds for the profile. Never a fresh build: a build makes
 * its own random phase-2 contribution, so its keys could not match the node's.
 */
async function cachedArtifacts(profile: CircuitProfile, log: (m: string) => void): Promise<CircuitArtifacts> {
  const dir = join(CIRCUIT_CACHE, `${profile.name}-${artifactKey(profile)}`)
  if (!existsSync(join(dir, 'DONE'))) {
    throw new ProverSetupError(
      'no-keys',
      `no circuit keys for profile ${profile.name} on this machine (${dir}); a build here would make other keys than the node's: copy the node's circuit folder and pass --artifacts DIR, or pass --ceremony DIR`,
    )
  }
  return ensureCircuitArtifacts(profile, { log })
}

/** A circuit folder as artifacts.ts writes it (copied from the node's machine). */
function loadArtifactsFolder(dirIn: string): CircuitArtifacts {
  const dir = resolve(dirIn)
  const paths = { wasm: join(dir, 'main_js', 'main.wasm'), zkey: join(dir, 'final.zkey'), r1cs: join(dir, 'main.r1cs'), vkPath: join(dir, 'vk.json') }
  for (const p of [paths.wasm, paths.zkey, paths.vkPath]) if (!existsSync(p)) throw new ProverSetupError('no-keys', `${p} is missing`)
  const vk = JSON.parse(readFileSync(paths.vkPath, 'utf8')) as VerificationKeyJson
  const setup = parseSetupRecord(vk.zklightSetup)
  if (!setup) throw new ProverSetupError('no-keys', `${paths.vkPath} has no valid setup record`)
  return { dir, ...paths, vk, setup }
}
