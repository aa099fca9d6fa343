// What a page of the web app takes from its URL besides `?peers=`: switches between the
// client's current paths and older ones, so that one bench run can time both in the same
// browser (scripts/bench/sync-bench.ts). The defaults are the app's; nothing here weakens
// a check, it only picks how the same checks are fetched and run.
import { DEFAULT_BACKEND, isVerifierBackend, type VerifierBackend } from '../zk/verifier-backend.ts'
import type { VerifierPoolOptions } from '../zk/verifier-pool.ts'

export interface PageOptions {
  /** `?verifier=reference|mcl`: the verifier backend the workers run. */
  backend: VerifierBackend
  /** `?workers=late`: start the verifier workers with the client (after the page's code and the key loaded), not first thing. */
  earlyWorkers: boolean
  /**
   * `?sync=proofs`: the older catch-up, proofs-by-range only (every block with its transfers)
   * and one round of ranges at a time; by default header-proofs below the body window, the
   * next ranges asked for while the last ones verify.
   */
  newSync: boolean
  /**
   * The verifier pool's scheduling. `?pool=split`: the older pool, which splits every batch
   * across all its workers at once; by default batches that arrive while the workers are busy
   * wait and go out together.
   */
  pool: VerifierPoolOptions
}

export function pageOptions(search: string = globalThis.location?.search ?? ''): PageOptions {
  const q = new URLSearchParams(search)
  const backend = q.get('verifier')
  return {
    backend: isVerifierBackend(backend) ? backend : DEFAULT_BACKEND,
    earlyWorkers: q.get('workers') !== 'late',
    newSync: q.get('sync') !== 'proofs',
    pool: { coalesce: q.get('pool') !== 'split' },
  }
}
