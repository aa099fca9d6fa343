// The node's side of the wire protocol (docs/protocol.md): status, headers, proofs,
// bodies-free header-proofs, account proofs and transfer submission, all served only up
// to the proven head.
// Caps, timeouts and penalties for malformed or oversized requests come from src/net;
// submits are rate-limited per peer here, and bad signatures counted against their sender.
import type { Transfer } from '../core/types.ts'
import type { BlockEntry } from '../core/types.ts'
import { HEADER_PROOFS, type HeaderProof } from '../net/header-proofs-messages.ts'
import type { ErrorResponse, HeaderEntry, SubmitRefusal, SubmitResponse } from '../net/messages.ts'
import { ACCOUNT, HEADERS, PROOFS, STATUS, SUBMIT } from '../net/protocols.ts'
import { serve, type PeerPenalties, type RpcHost } from '../net/rpc.ts'
import type { ChainState } from './chain.ts'
import type { SubmitLimiter } from './submit-limiter.ts'

export interface WireServiceDeps {
  chain: ChainState
  /** Queues (or forwards) a transfer; a refusal carries the rule or node condition that refused it (an upstream's, verbatim). */
  submit: (t: Transfer) => Promise<{ ok: true } | { ok: false; reason: SubmitRefusal | string }>
  penalties: PeerPenalties
  /** Each submit takes a token of its peer's bucket first. */
  limiter: SubmitLimiter
}

const notFound = (message: string): ErrorResponse => ({ kind: 'error', code: 'not-found', message })
const refused = (reason: string): SubmitResponse => ({ kind: 'submit', accepted: false, reason })

export async function serveWire(host: RpcHost, deps: WireServiceDeps): Promise<void> {
  const { chain, penalties } = deps
  const opts = { penalties }
  const top = () => chain.servedHead.header.height

  await serve(
    host,
    STATUS,
    () => {
      const head = chain.servedHead
      return {
        kind: 'status',
        chainId: chain.identity.chainId,
        genesisHash: chain.genesisHash,
        headHeight: head.header.height,
        headHeader: head.header,
        headQc: head.qc,
      }
    },
    opts,
  )

  await serve(
    host,
    HEADERS,
    async ({ from, count }) => {
      const last = Math.min(from + count - 1, top())
      if (from > last) return notFound(`no proven header at ${from}`)
      const headers: HeaderEntry[] = []
      for (let h = from; h <= last; h++) {
        const header = await chain.store.getHeader(h)
        if (!header) break
        headers.push({ header, qc: (await chain.store.getQc(h)) ?? null })
      }
      // An answer holds at least one entry (docs/protocol.md#range-requests). Below its history
      // (a snapshot proven from a pinned header) a node has the genesis header, and that header alone.
      if (headers.length === 0) return notFound(from < chain.historyHeight ? `no header below ${chain.historyHeight} (joined by snapshot)` : `no proven header at ${from}`)
      return { kind: 'headers', headers }
    },
    opts,
  )

  await serve(
    host,
    PROOFS,
    async ({ from, count }, ctx) => {
      const last = Math.min(from + count - 1, top())
      if (from > last) return notFound(`no proven block at ${from}`)
      if (from < chain.historyHeight) return notFound(`no block below ${chain.historyHeight} (joined by snapshot)`)
      const entries: BlockEntry[] = []
      for (let h = from; h <= last && !ctx.signal.aborted; h++) {
        const block = await chain.store.getBlock(h)
        if (!block) break
        const proof = block.transfers.length > 0 ? await chain.store.getProof(h) : undefined
        if (block.transfers.length > 0 && !proof) break
        entries.push({ block, proof: proof ?? null, qc: (await chain.store.getQc(h)) ?? null })
      }
      if (entries.length === 0) return notFound(`no proven block at ${from}`)
      return { kind: 'proofs', entries }
    },
    opts,
  )

  // The same blocks as a proofs answer, without their transfers and with one certificate,
  // the last block's (docs/protocol.md#header-proofs). Every block the node serves is
  // certified, so the answer ends where a proofs answer would.
  await serve(
    host,
    HEADER_PROOFS,
    async ({ from, count }, ctx) => {
      const last = Math.min(from + count - 1, top())
      if (from > last) return notFound(`no proven block at ${from}`)
      if (from < chain.historyHeight) return notFound(`no block below ${chain.historyHeight} (joined by snapshot)`)
      const entries: HeaderProof[] = []
      for (let h = from; h <= last && !ctx.signal.aborted; h++) {
        const header = await chain.store.getHeader(h)
        if (!header) break
        const proof = header.txRoot !== 0n ? await chain.store.getProof(h) : undefined
        if (header.txRoot !== 0n && !proof) break
        entries.push({ header, proof: proof ?? null })
      }
      // Cut after the last block with a certificate: the answer's one certificate is that block's.
      for (let n = entries.length; n > 0; n--) {
        const qc = await chain.store.getQc((entries[n - 1] as HeaderProof).header.height)
        if (qc) return { kind: 'header-proofs', entries: entries.slice(0, n), qc }
      }
      return notFound(`no proven block at ${from}`)
    },
    opts,
  )

  await serve(
    host,
    ACCOUNT,
    async ({ index, height }) => {
      if (index >= 2 ** chain.spec.profile.depth) return { kind: 'error', code: 'bad-request', message: 'account index outside the tree' }
      const a = await chain.accountProof(index, height)
      if (!a) return notFound(`no state kept at height ${height}`)
      return { kind: 'account', height: a.header.height, header: a.header, qc: a.qc, accountProof: a.proof }
    },
    opts,
  )

  await serve(
    host,
    SUBMIT,
    async ({ transfer }, ctx): Promise<SubmitResponse> => {
      // Before any work: a flood costs the node one map lookup per submit, not a signature check.
      if (!deps.limiter.take(ctx.peer)) return refused('rate-limited')
      const r = await deps.submit(transfer)
      if (r.ok) return { kind: 'submit', accepted: true }
      // An honest signer never sends one: counted, and the peer is hung up on and banned after a few.
      if (r.reason === 'bad-signature') ctx.report?.('bad-signature')
      return refused(r.reason)
    },
    opts,
  )
}
