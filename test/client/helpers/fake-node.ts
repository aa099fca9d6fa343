// A ledger node for light-client tests, serving a TestChain through the real
// protocol codecs, with hooks that let a test turn it hostile (tampered proofs,
// broken links, forged certificates, garbage bytes, silence).
import { hashHeader } from '../../../src/core/header.ts'
import type { Header, QuorumCertificate, Transfer } from '../../../src/core/types.ts'
import type { ServeHandler } from '../../../src/client/network.ts'
import type { BlockEntry } from '../../../src/core/types.ts'
import { LATEST_HEIGHT } from '../../../src/net/constants.ts'
import { encodeHeadAnnouncement } from '../../../src/net/messages.ts'
import { ACCOUNT, HEADERS, PROOFS, STATUS, SUBMIT, toBytesHandler } from '../../../src/net/protocols.ts'
import { HEADER_PROOFS, type HeaderProofsResponse } from '../../../src/net/header-proofs-messages.ts'
import type { Body } from '../../../src/net/messages.ts'
import { accountProofAt, type TestChain } from './test-chain.ts'

export interface FakeNodeOptions {
  /** Highest height served (defaults to the chain's tip). */
  height?: number
  /** Rewrites each proofs answer before encoding (header-proofs answers are cut from the rewritten blocks too). */
  proofs?: (entries: BlockEntry[]) => BlockEntry[]
  /** false: an older node that does not speak header-proofs (the protocol is not served). */
  headerProofs?: boolean
  /** Rewrites each header-proofs answer before encoding. */
  headerProofsAnswer?: (a: Body<HeaderProofsResponse>) => Body<HeaderProofsResponse>
  /** Replaces the status head. */
  status?: (head: { header: Header; qc: QuorumCertificate | null }) => { header: Header; qc: QuorumCertificate | null }
  /** Rewrites answer bytes of any protocol (for malformed-bytes tests). */
  bytes?: (protocol: string, answer: Uint8Array) => Uint8Array
  /** Never answers (a silent peer). */
  silent?: boolean
  /** Only account proofs at the latest height (like a node without history). */
  latestOnly?: boolean
  onSubmit?: (t: Transfer) => { accepted: true } | { accepted: false; reason: string }
}

export interface FakeNode {
  handlers: Map<string, ServeHandler>
  options: FakeNodeOptions
  /** Counts of requests per protocol id. */
  served: Map<string, number>
}

export function createFakeNode(chain: TestChain, options: FakeNodeOptions = {}): FakeNode {
  const served = new Map<string, number>()
  const top = () => Math.min(options.height ?? chain.entries.length - 1, chain.entries.length - 1)
  const entry = (h: number) => (h <= top() ? chain.entries[h] : undefined)
  const handlers = new Map<string, ServeHandler>()
  const add = (id: string, h: ServeHandler) =>
    handlers.set(id, async (req, ctx) => {
      served.set(id, (served.get(id) ?? 0) + 1)
      if (options.silent) return new Promise<Uint8Array>(() => {})
      const answer = await h(req, ctx)
      return options.bytes ? options.bytes(id, answer) : answer
    })

  add(
    STATUS.id,
    toBytesHandler(STATUS, () => {
      const e = entry(top()) as BlockEntry
      const head = options.status ? options.status({ header: e.block.header, qc: e.qc }) : { header: e.block.header, qc: e.qc }
      return { kind: 'status' as const, chainId: chain.chainId, genesisHash: hashHeader(chain.genesis), headHeight: head.header.height, headHeader: head.header, headQc: head.qc }
    }),
  )
  add(
    HEADERS.id,
    toBytesHandler(HEADERS, (q) => {
      const headers = []
      for (let h = q.from; h < q.from + q.count && entry(h); h++) headers.push({ header: (entry(h) as BlockEntry).block.header, qc: (entry(h) as BlockEntry).qc })
      if (headers.length === 0) return { kind: 'error' as const, code: 'not-found' as const, message: 'beyond head' }
      return { kind: 'headers' as const, headers }
    }),
  )
  add(
    PROOFS.id,
    toBytesHandler(PROOFS, (q) => {
      let entries: BlockEntry[] = []
      for (let h = q.from; h < q.from + q.count && entry(h); h++) entries.push(entry(h) as BlockEntry)
      if (entries.length === 0) return { kind: 'error' as const, code: 'not-found' as const, message: 'beyond head' }
      if (options.proofs) entries = options.proofs(entries.map((e) => ({ ...e, block: { ...e.block, header: { ...e.block.header } } })))
      return { kind: 'proofs' as const, entries }
    }),
  )
  // Like the node: the blocks of the proofs answer without transfers, cut after the last certified one.
  if (options.headerProofs !== false)
    add(
      HEADER_PROOFS.id,
      toBytesHandler(HEADER_PROOFS, (q) => {
        let entries: BlockEntry[] = []
        for (let h = q.from; h < q.from + q.count && entry(h); h++) entries.push(entry(h) as BlockEntry)
        if (options.proofs) entries = options.proofs(entries.map((e) => ({ ...e, block: { ...e.block, header: { ...e.block.header } } })))
        const last = entries.map((e) => e.qc !== null).lastIndexOf(true)
        if (last < 0) return { kind: 'error' as const, code: 'not-found' as const, message: 'beyond head' }
        const body = { entries: entries.slice(0, last + 1).map((e) => ({ header: e.block.header, proof: e.proof })), qc: (entries[last] as BlockEntry).qc as QuorumCertificate }
        return { kind: 'header-proofs' as const, ...(options.headerProofsAnswer ? options.headerProofsAnswer(body) : body) }
      }),
    )
  add(
    ACCOUNT.id,
    toBytesHandler(ACCOUNT, (q) => {
      const height = q.height === LATEST_HEIGHT ? top() : q.height
      if (height > top() || (options.latestOnly && height !== top())) return { kind: 'error' as const, code: 'not-found' as const, message: 'no state at that height' }
      const e = entry(height) as BlockEntry
      return { kind: 'account' as const, height, header: e.block.header, qc: e.qc, accountProof: accountProofAt(chain, q.index, height) }
    }),
  )
  add(
    SUBMIT.id,
    toBytesHandler(SUBMIT, (q) => ({ kind: 'submit' as const, ...(options.onSubmit ? options.onSubmit(q.transfer) : { accepted: true as const }) })),
  )
  return { handlers, options, served }
}

/** Gossip bytes announcing block `height` of the chain (or a given header and certificate). */
export function announce(chain: TestChain, height: number): Uint8Array {
  const e = chain.entries[height] as BlockEntry
  return encodeHeadAnnouncement({ header: e.block.header, qc: e.qc as QuorumCertificate })
}
