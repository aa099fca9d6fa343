// The shape shared by every file under test/vectors/: test/vectors.test.ts dispatches on `kind`.
import type { Json } from '../../test/fixtures/vector-json.ts'

export interface VectorFile {
  kind: string
  version: number
  description: string
  cases: Json[]
}

/** Thrown when the implementation disagrees with a case's stated expectation: the vectors are never written then. */
export class VectorMismatchError extends Error {
  override name = 'VectorMismatchError'
}

/** The stated expectation of a case, checked against what the code returns. */
export function expected<R extends string>(name: string, actual: { ok: true } | { ok: false; reason: R }, want: 'ok' | R): { ok: true } | { ok: false; reason: R } {
  const got = actual.ok ? 'ok' : actual.reason
  if (got !== want) throw new VectorMismatchError(`${name}: expected ${want}, the code says ${got}`)
  return want === 'ok' ? { ok: true } : { ok: false, reason: want as R }
}
