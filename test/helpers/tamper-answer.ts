// What a hostile proxy does to a node's answer before passing it on: every proof in a
// proofs-by-range or header-proofs answer goes through `tamper`; any other answer, and
// an error answer, passes unchanged. Returns the bytes to send and how many proofs changed.
import { decodeHeaderProofsResponse, encodeHeaderProofsResponse, HEADER_PROOFS } from '../../src/net/header-proofs-messages.ts'
import { decodeProofsResponse, encodeProofsResponse } from '../../src/net/messages.ts'
import { PROOFS } from '../../src/net/protocols.ts'
import { MAX_PROOFS_RESPONSE_BYTES } from '../../src/net/constants.ts'

export function tamperAnswer(protocol: string, answer: Uint8Array, tamper: (proof: Uint8Array) => Uint8Array): { bytes: Uint8Array; tampered: number } {
  let tampered = 0
  const each = <E extends { proof: Uint8Array | null }>(e: E): E => {
    if (!e.proof) return e
    tampered++
    return { ...e, proof: tamper(e.proof) }
  }
  if (protocol === PROOFS.id) {
    const d = decodeProofsResponse(answer)
    if (!d.ok || d.value.kind !== 'proofs') return { bytes: answer, tampered }
    const bytes = encodeProofsResponse({ entries: d.value.entries.map(each) }, MAX_PROOFS_RESPONSE_BYTES)
    return { bytes, tampered }
  }
  if (protocol === HEADER_PROOFS.id) {
    const d = decodeHeaderProofsResponse(answer)
    if (!d.ok || d.value.kind !== 'header-proofs') return { bytes: answer, tampered }
    const bytes = encodeHeaderProofsResponse({ entries: d.value.entries.map(each), qc: d.value.qc })
    return { bytes, tampered }
  }
  return { bytes: answer, tampered }
}
