// Named failures of the wire layer. Callers switch on `name` (and `reason`),
// never on message text; src/client/network.ts classifies them the same way.

/** A frame's length prefix announced more bytes than the cap for that message. */
export class MessageTooLarge extends Error {
  override name = 'MessageTooLarge'
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(`frame of ${size} bytes exceeds the cap of ${max}`)
  }
}

/** Why bytes from a peer were malformed: framing trouble or a message decode rejection. */
export type BadMessageReason = 'bad-varint' | 'truncated' | 'trailing-bytes' | 'bad-tag' | 'bad-version' | 'out-of-range' | 'too-long' | 'not-canonical'

/** Bytes from a peer that do not form a valid frame or message. */
export class BadMessage extends Error {
  override name = 'BadMessage'
  constructor(readonly reason: BadMessageReason) {
    super(`malformed message: ${reason}`)
  }
}

/** The exchange did not complete within its timeout. */
export class RequestTimeout extends Error {
  override name = 'RequestTimeout'
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`)
  }
}

/** The stream closed or reset before the exchange completed (not a protocol violation by itself). */
export class StreamClosed extends Error {
  override name = 'StreamClosed'
  constructor(message = 'stream closed before the exchange completed') {
    super(message)
  }
}

/** Every dial attempt failed; `errors` holds each attempt's error in order. */
export class DialFailed extends Error {
  override name = 'DialFailed'
  constructor(readonly errors: unknown[]) {
    super(`dial failed after ${errors.length} attempt(s): ${errors.map((e) => (e instanceof Error ? e.name : String(e))).join(', ')}`)
  }
}

/**
 * The peer does not speak the protocol asked for (multistream-select found no match:
 * libp2p's UnsupportedProtocolError). Not misbehaviour: an older peer, or one that serves
 * less (a light client); the caller asks it the older way or asks another peer.
 */
export function isUnsupportedProtocol(err: unknown): boolean {
  return err instanceof Error && err.name === 'UnsupportedProtocolError'
}

/** Error codes a server may answer with instead of a response (docs/protocol.md#messages). */
export type RefusalCode = 'not-found' | 'range-too-long' | 'bad-request' | 'unavailable'

/**
 * A peer answered with an error response where the caller needed data: not a protocol
 * violation. `unavailable` is a fault of the peer (docs/protocol.md#clients); a client
 * that sent a well-formed request and hears `bad-request` or `range-too-long` has met a
 * broken peer. (`not-found` is a normal answer and is not thrown.)
 */
export class PeerRefused extends Error {
  override name = 'PeerRefused'
  constructor(readonly code: RefusalCode) {
    super(`peer refused: ${code}`)
  }
}
