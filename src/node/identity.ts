// A node's network identity on disk: its libp2p key (peer id), its WebRTC-Direct
// certificate (certhash) and the ports it last listened on, so its multiaddrs stay
// the same across restarts. Secrets are 0600 key files.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { certificateFromPem, generateWebRTCDirectCertificate, type WebRTCDirectCertificate } from '../net/certificate.ts'
import { generateHostKey, hostKeyFromBytes, hostKeyToBytes, type HostKey } from '../net/keys.ts'
import { writeFileAtomic } from '../store/atomic-file.ts'
import { loadKeyFile, saveKeyFile } from '../store/key-file.ts'
import { BadKeyFile } from './errors.ts'

export interface NodeIdentity {
  hostKey: HostKey
  certificate: WebRTCDirectCertificate
}

export interface ListenPorts {
  tcp: number
  ws: number
  webrtc: number
}

export function nodePaths(dir: string) {
  return {
    blocks: join(dir, 'blocks'),
    hostKey: join(dir, 'host.key'),
    certificate: join(dir, 'webrtc-direct.key'),
    ports: join(dir, 'ports.json'),
    spec: join(dir, 'genesis.json'),
    /** A validator's votes (never delete: it is what stops a restarted validator from signing twice). */
    votes: join(dir, 'votes.log'),
    evidence: join(dir, 'evidence.jsonl'),
  }
}

/** Loads the node's key and certificate from `dir`, creating them on first start. */
export async function loadOrCreateIdentity(dir: string): Promise<NodeIdentity> {
  const paths = nodePaths(dir)
  let keyBytes = await loadKeyFile(paths.hostKey)
  if (keyBytes === undefined) {
    keyBytes = hostKeyToBytes(await generateHostKey())
    await saveKeyFile(paths.hostKey, keyBytes)
  }
  let hostKey: HostKey
  try {
    hostKey = hostKeyFromBytes(keyBytes)
  } catch {
    throw new BadKeyFile(`${paths.hostKey} is not a libp2p private key`)
  }
  const certBytes = await loadKeyFile(paths.certificate)
  let certificate: WebRTCDirectCertificate
  if (certBytes === undefined) {
    certificate = await generateWebRTCDirectCertificate()
    await saveKeyFile(paths.certificate, new TextEncoder().encode(JSON.stringify({ pem: certificate.pem, privateKey: certificate.privateKey })))
  } else {
    try {
      const j = JSON.parse(new TextDecoder().decode(certBytes)) as { pem: string; privateKey: string }
      certificate = certificateFromPem(j.pem, j.privateKey)
    } catch {
      throw new BadKeyFile(`${paths.certificate} is not a saved WebRTC-Direct certificate`)
    }
  }
  return { hostKey, certificate }
}

/** The ports of the last run (undefined on first start or if the file is unreadable: ports are only a convenience). */
export async function loadPorts(dir: string): Promise<ListenPorts | undefined> {
  try {
    const j = JSON.parse(await readFile(nodePaths(dir).ports, 'utf8')) as Partial<ListenPorts>
    const ok = (p: unknown) => Number.isInteger(p) && (p as number) > 0 && (p as number) < 65536
    return ok(j.tcp) && ok(j.ws) && ok(j.webrtc) ? (j as ListenPorts) : undefined
  } catch {
    return undefined
  }
}

export async function savePorts(dir: string, ports: ListenPorts): Promise<void> {
  await writeFileAtomic(nodePaths(dir).ports, new TextEncoder().encode(JSON.stringify(ports)))
}

/** The listening ports found in a host's multiaddrs. */
export function portsOf(multiaddrs: string[]): Partial<ListenPorts> {
  const out: Partial<ListenPorts> = {}
  for (const a of multiaddrs) {
    const tcp = /\/tcp\/(\d+)(\/ws)?(\/|$)/.exec(a)
    const udp = /\/udp\/(\d+)\/webrtc-direct/.exec(a)
    if (tcp && tcp[2]) out.ws = Number(tcp[1])
    else if (tcp) out.tcp = Number(tcp[1])
    if (udp) out.webrtc = Number(udp[1])
  }
  return out
}
