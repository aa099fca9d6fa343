// The precedence of range-request errors (docs/protocol.md#range-requests) as data, so
// every server of headers and proofs (the node, a light client serving other tabs) runs
// the same table: a malformed range, then a range too long, then what the server holds.
import { LATEST_HEIGHT, MAX_HEADERS_PER_REQUEST, MAX_PROOFS_PER_REQUEST } from '../../src/net/constants.ts'
import type { ErrorCode } from '../../src/net/messages.ts'

export interface RangeCase {
  what: string
  from: number
  count: number
  code: ErrorCode
}

/** Cases for a server whose highest height is far below 2^40 (`max` is the protocol's count limit). */
export function rangeCases(max: number): RangeCase[] {
  const far = 2 ** 40
  return [
    { what: 'count 0', from: 5, count: 0, code: 'bad-request' },
    // 2^53 - 2 + 3 is not a float64: the end must be computed without rounding.
    { what: 'a range ending one above 2^53 - 1', from: LATEST_HEIGHT - 1, count: 3, code: 'bad-request' },
    { what: 'a range ending above 2^53 - 1 from the last height', from: LATEST_HEIGHT, count: 2, code: 'bad-request' },
    { what: 'malformed and too long', from: LATEST_HEIGHT - 1, count: max + 1, code: 'bad-request' },
    { what: 'too long and above the head', from: far, count: max + 1, code: 'range-too-long' },
    { what: 'above the head', from: far, count: max, code: 'not-found' },
    { what: 'the last wire height', from: LATEST_HEIGHT, count: 1, code: 'not-found' },
  ]
}

export const RANGE_PROTOCOLS = [
  ['headers', MAX_HEADERS_PER_REQUEST],
  ['proofs', MAX_PROOFS_PER_REQUEST],
  ['header-proofs', MAX_PROOFS_PER_REQUEST],
] as const
