// One precedence for every range request, on every server: bad-request (a malformed
// range) before range-too-long before not-found. Runs the shared table against the
// protocol layer and the light client's own server (the node's is in test/node).
import { describe, expect, it } from 'vitest'
import { createServeHandlers } from '../../src/client/serve-source.ts'
import { SERVABLE_PROTOCOLS } from '../../src/client/libp2p-network.ts'
import { BLOCKS } from '../../src/net/consensus-protocols.ts'
import { MAX_BLOCKS_PER_REQUEST } from '../../src/net/constants.ts'
import { HEADER_PROOFS } from '../../src/net/header-proofs-messages.ts'
import { decodeAnswer, HEADERS, PROOFS, toBytesHandler } from '../../src/net/protocols.ts'
import { RANGE_PROTOCOLS, rangeCases } from './range-cases.ts'

const ctx = { peer: 'asker', signal: new AbortController().signal }
const SPECS = { headers: HEADERS, proofs: PROOFS, 'header-proofs': HEADER_PROOFS } as const

describe('range requests: bad-request > range-too-long > not-found', () => {
  it('blocks (validators catching up): the protocol layer', async () => {
    const handler = toBytesHandler(BLOCKS, () => ({ kind: 'error', code: 'not-found', message: 'above the head' }))
    for (const c of rangeCases(MAX_BLOCKS_PER_REQUEST)) {
      const answer = decodeAnswer(BLOCKS, await handler(BLOCKS.encodeRequest(c), ctx))
      expect({ what: c.what, answer }).toMatchObject({ what: c.what, answer: { kind: 'error', code: c.code } })
    }
  })

  for (const [name, max] of RANGE_PROTOCOLS) {
    // Both specs share the request type; the answer type does not matter to these checks.
    const spec = SPECS[name] as typeof HEADERS
    it(`${name}: the protocol layer, over a server that holds nothing there`, async () => {
      const handler = toBytesHandler(spec, () => ({ kind: 'error', code: 'not-found', message: 'above the head' }))
      for (const c of rangeCases(max)) {
        const answer = decodeAnswer(spec, await handler(spec.encodeRequest(c), ctx))
        expect({ what: c.what, answer }).toMatchObject({ what: c.what, answer: { kind: 'error', code: c.code } })
      }
    })

    it(`${name}: a light client serving its verified cache`, async () => {
      const handlers = createServeHandlers({ status: () => undefined, headers: () => [], proofs: () => [], headerProofs: () => undefined })
      const handler = handlers.get(spec.id)
      if (!handler) throw new Error(`no ${name} handler`)
      for (const c of rangeCases(max)) {
        const answer = decodeAnswer(spec, await handler(spec.encodeRequest(c), ctx))
        expect({ what: c.what, answer }).toMatchObject({ what: c.what, answer: { kind: 'error', code: c.code } })
      }
    })
  }
})

it("every protocol a light client serves is one its libp2p network registers (with that protocol's request limits)", () => {
  const served = [...createServeHandlers({ status: () => undefined, headers: () => [], proofs: () => [], headerProofs: () => undefined }).keys()]
  expect(served).toContain(HEADER_PROOFS.id)
  for (const id of served) expect(SERVABLE_PROTOCOLS.map((p) => p.id)).toContain(id)
})
