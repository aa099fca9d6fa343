// How a peer's behaviour is judged, for every ring that talks to peers (light client,
// follower node): proven offences cost the peer at once, faults only lower its score.
// One function turns a failed request into one or the other.

/** Proven misbehaviour: the bytes themselves show the peer lied or broke the protocol. */
export type Offence = 'proof-invalid' | 'broken-link' | 'bad-block' | 'bad-certificate' | 'malformed' | 'bad-account-proof' | 'foreign-chain' | 'bad-snapshot-chunk'

/** Unproven trouble: could be the network or a busy peer; costs score, not an immediate ban. `stale`: an answer from an older state than asked for. */
export type Fault = 'timeout' | 'unavailable' | 'error' | 'stale'

export type RequestJudgement = { kind: 'offence'; offence: 'malformed' } | { kind: 'fault'; fault: Fault } | { kind: 'aborted' }

/**
 * Judges a request that threw (docs/protocol.md#clients): bytes that do not decode or
 * break a cap are an offence (`BadMessage`, `MessageTooLarge`); silence is a timeout
 * fault; an `unavailable` answer (`PeerRefused`) is an unavailable fault; our own abort
 * blames nobody; anything else (a refused dial, a reset stream, a peer refusing a
 * well-formed request) is an ordinary fault. A `not-found` answer never gets here: it is
 * a normal answer, at no cost to the peer.
 */
export function judgeRequestError(err: unknown): RequestJudgement {
  const name = err instanceof Error ? err.name : ''
  if (name === 'BadMessage' || name === 'MessageTooLarge') return { kind: 'offence', offence: 'malformed' }
  if (name === 'PeerRefused' && (err as { code?: unknown }).code === 'unavailable') return { kind: 'fault', fault: 'unavailable' }
  if (name === 'RequestTimeout' || name === 'TimeoutError') return { kind: 'fault', fault: 'timeout' }
  if (name === 'AbortError') return { kind: 'aborted' }
  return { kind: 'fault', fault: 'error' }
}

/** Where judgements go: the light client's peer manager, a node's ban list. */
export interface PeerReports {
  offence(peer: string, offence: Offence, detail: string): void
  fault(peer: string, fault: Fault): void
}

/** Judges a failed request to `peer` about `what` and reports it; returns the judgement (callers rethrow on 'aborted'). */
export function reportRequestError(reports: PeerReports, peer: string, err: unknown, what: string): RequestJudgement {
  const j = judgeRequestError(err)
  if (j.kind === 'offence') reports.offence(peer, j.offence, `${what}: ${err instanceof Error ? err.message : String(err)}`)
  else if (j.kind === 'fault') reports.fault(peer, j.fault)
  return j
}
