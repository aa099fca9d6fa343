// What this client serves to other light clients: only data it has verified, and
// ranges cut after a block whose certificate it checked (so the asker can adopt them).
// Blocks it synced without their transfers it serves the same way, through header-proofs
// only: a light client that caught up bodies-free holds no bodies for them, and one
// syncing from it from further back needs them all the same.
import type { BlockEntry, Header, QuorumCertificate } from '../core/types.ts'
import { HEADER_PROOFS } from '../net/header-proofs-messages.ts'
import { HEADERS, PROOFS, STATUS, toBytesHandler } from '../net/protocols.ts'
import type { HeaderProofsAnswer, PeerStatus, ServeHandler, ServeSource } from './network.ts'
import type { VerifiedChain } from './verified-chain.ts'

/** Byte handlers for status, headers, proofs and header-proofs (light clients serve no accounts and take no transfers). */
export function createServeHandlers(source: ServeSource): Map<string, ServeHandler> {
  const handlers = new Map<string, ServeHandler>()
  handlers.set(
    STATUS.id,
    toBytesHandler(STATUS, () => {
      const s = source.status()
      if (!s) return { kind: 'error' as const, code: 'unavailable' as const, message: 'no certified head yet' }
      return { kind: 'status' as const, chainId: s.chainId, genesisHash: s.genesisHash, headHeight: s.head.height, headHeader: s.head, headQc: s.qc }
    }),
  )
  handlers.set(
    HEADERS.id,
    toBytesHandler(HEADERS, (q) => {
      const headers = source.headers(q.from, q.count)
      if (headers.length === 0) return { kind: 'error' as const, code: 'not-found' as const, message: "not in this client's verified cache" }
      return { kind: 'headers' as const, headers: headers.map((header) => ({ header, qc: null })) }
    }),
  )
  handlers.set(
    PROOFS.id,
    toBytesHandler(PROOFS, (q) => {
      const entries = source.proofs(q.from, q.count)
      if (entries.length === 0) return { kind: 'error' as const, code: 'not-found' as const, message: "not in this client's verified cache" }
      return { kind: 'proofs' as const, entries }
    }),
  )
  handlers.set(
    HEADER_PROOFS.id,
    toBytesHandler(HEADER_PROOFS, (q) => {
      const range = source.headerProofs(q.from, q.count)
      if (!range) return { kind: 'error' as const, code: 'not-found' as const, message: "not in this client's verified cache" }
      return { kind: 'header-proofs' as const, entries: range.entries, qc: range.qc }
    }),
  )
  return handlers
}

export function createServeSource(chain: VerifiedChain): ServeSource {
  return {
    status(): PeerStatus | undefined {
      const tip = chain.tip
      // Serve a head only with a certificate; the checkpoint header alone has none.
      const head = tip?.qc ? tip : lastCertified(chain)
      return head?.qc ? { chainId: chain.chainId, genesisHash: chain.genesisHash, head: head.header, qc: head.qc } : undefined
    },
    headers(from: number, count: number): Header[] {
      const out: Header[] = []
      for (let h = from; h < from + count; h++) {
        const header = chain.headerAt(h)
        if (!header) break
        out.push(header)
      }
      return out
    },
    proofs(from: number, count: number): BlockEntry[] {
      return chain.certifiedRange(from, count).map((b) => ({ block: b.block, proof: b.proof, qc: b.qc }))
    },
    headerProofs(from: number, count: number): HeaderProofsAnswer | undefined {
      const blocks = chain.certifiedRange(from, count, false)
      const qc = blocks[blocks.length - 1]?.qc
      if (!qc) return undefined
      return { entries: blocks.map((b) => ({ header: b.block.header, proof: b.block.header.txRoot !== 0n ? b.proof : null })), qc }
    },
  }
}

function lastCertified(chain: VerifiedChain): { header: Header; qc: QuorumCertificate | null } | undefined {
  for (let h = chain.height; h > chain.height - 64 && h >= 0; h--) {
    const b = chain.block(h)
    if (b?.qc) return { header: b.block.header, qc: b.qc }
  }
  return undefined
}
