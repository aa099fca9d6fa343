// WebRTC-Direct TLS certificates: a self-signed ECDSA P-256 X.509 certificate,
// built with WebCrypto and a few lines of DER, whose hash goes into the node's
// /webrtc-direct/certhash address. Persist it and the address survives restarts.
import { sha256 } from '@noble/hashes/sha2.js'
import { base64, base64urlnopad } from '@scure/base'

/** What @libp2p/webrtc's `webRTCDirect({ certificate })` takes (its TransportCertificate). */
export interface WebRTCDirectCertificate {
  /** PKCS#8 private key, PEM. Secret. */
  privateKey: string
  /** X.509 certificate, PEM. */
  pem: string
  /** Multibase base64url multihash (sha2-256) of the certificate's DER: the `/certhash/` component. */
  certhash: string
}

/** Chromium checks the fingerprint, not the dates, of a WebRTC peer's certificate; a year keeps tools like openssl content. */
const DEFAULT_LIFESPAN_MS = 365 * 24 * 3600 * 1000

// --- DER ---

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]
  if (n > 0xffff) throw new RangeError('DER element too long')
  return Uint8Array.from([tag, ...len, ...content])
}
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]))
const seq = (...parts: Uint8Array[]) => tlv(0x30, concat(...parts))
const set = (...parts: Uint8Array[]) => tlv(0x31, concat(...parts))

/** A non-negative INTEGER from big-endian magnitude bytes. */
function int(magnitude: Uint8Array): Uint8Array {
  let i = 0
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++
  const m = magnitude.subarray(i)
  return tlv(0x02, (m[0] as number) & 0x80 ? concat(Uint8Array.of(0), m) : m)
}

function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]]
  const out = [40 * a + b]
  for (const arc of rest) {
    const bytes = [arc & 0x7f]
    for (let v = arc >> 7; v > 0; v >>= 7) bytes.unshift((v & 0x7f) | 0x80)
    out.push(...bytes)
  }
  return tlv(0x06, Uint8Array.from(out))
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(ms: number): Uint8Array {
  const iso = new Date(ms).toISOString() // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z'
  const year = new Date(ms).getUTCFullYear()
  return year < 2050 ? tlv(0x17, new TextEncoder().encode(digits.slice(2))) : tlv(0x18, new TextEncoder().encode(digits))
}

const ECDSA_WITH_SHA256 = seq(oid('1.2.840.10045.4.3.2'))

function pem(label: string, der: Uint8Array): string {
  const lines = base64.encode(der).match(/.{1,64}/g) ?? []
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join('\n')
}

function pemToDer(text: string, label: string): Uint8Array {
  const m = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(text)
  if (!m?.[1]) throw new RangeError(`no PEM ${label} block`)
  return base64.decode(m[1].replace(/\s+/g, ''))
}

/** WebCrypto gives ECDSA signatures as r ‖ s; X.509 wants SEQUENCE { INTEGER r, INTEGER s }. */
function ecdsaSigToDer(raw: Uint8Array): Uint8Array {
  return seq(int(raw.subarray(0, 32)), int(raw.subarray(32, 64)))
}

/** The `/certhash/` value of a certificate: 'u' + base64url(0x12 0x20 ‖ sha256(DER)). */
export function certhashOfPem(certPem: string): string {
  const digest = sha256(pemToDer(certPem, 'CERTIFICATE'))
  return 'u' + base64urlnopad.encode(concat(Uint8Array.of(0x12, 0x20), digest))
}

/** Rebuilds the transport certificate from stored PEMs (the hash is recomputed, never trusted from storage). */
export function certificateFromPem(certPem: string, privateKeyPem: string): WebRTCDirectCertificate {
  return { pem: certPem, privateKey: privateKeyPem, certhash: certhashOfPem(certPem) }
}

/**
 * Generates a fresh self-signed ECDSA P-256 certificate (the only curve
 * Chromium, Pion and webrtc-rs all accept). `now` is the start of validity.
 */
export async function generateWebRTCDirectCertificate(opts: { now?: number; lifespanMs?: number } = {}): Promise<WebRTCDirectCertificate> {
  const subtle = globalThis.crypto.subtle
  const keys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
  const spki = new Uint8Array(await subtle.exportKey('spki', keys.publicKey))
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', keys.privateKey))
  const now = Math.floor((opts.now ?? Date.now()) / 1000) * 1000
  const serial = globalThis.crypto.getRandomValues(new Uint8Array(16))
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01 // positive and non-zero, at most 16 bytes
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, new TextEncoder().encode('zklight webrtc-direct')))))
  // basicConstraints, critical, cA = false (as @libp2p/webrtc's own certificates).
  const basicConstraints = seq(oid('2.5.29.19'), tlv(0x01, Uint8Array.of(0xff)), tlv(0x04, seq()))
  const tbs = seq(
    tlv(0xa0, int(Uint8Array.of(2))),
    int(serial),
    ECDSA_WITH_SHA256,
    name,
    seq(time(now), time(now + (opts.lifespanMs ?? DEFAULT_LIFESPAN_MS))),
    name,
    spki,
    tlv(0xa3, seq(basicConstraints)),
  )
  const sig = new Uint8Array(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, new Uint8Array(tbs)))
  const der = seq(tbs, ECDSA_WITH_SHA256, tlv(0x03, concat(Uint8Array.of(0), ecdsaSigToDer(sig))))
  return certificateFromPem(pem('CERTIFICATE', der), pem('PRIVATE KEY', pkcs8))
}
