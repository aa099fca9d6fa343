// How a chain's Groth16 keys were made, as the circuit build records it in the
// verification key's metadata (`zklightSetup`), read into the form a genesis commits to.
import type { SetupClass } from '../core/types.ts'

export interface SetupInfo {
  setupClass: SetupClass
  /** Phase-2 contributions the keys carry. */
  contributions: number
  /** Hash of the ordered contributions (32 bytes; zero when the build recorded none). */
  transcriptHash: Uint8Array
}

const CLASSES: readonly SetupClass[] = ['insecure-dev', 'single-party', 'ceremony']

/**
 * Reads `vk.zklightSetup`: a record `{ class, contributions, transcriptHash }`, or the
 * older string form, where 'ceremony' only ever meant "a ptau file was given" with one
 * build-time contribution, which is a single-party setup.
 */
export function setupInfoOf(vk: Record<string, unknown>): SetupInfo {
  const s = vk.zklightSetup
  if (s !== null && typeof s === 'object') {
    const r = s as { class?: unknown; contributions?: unknown; transcriptHash?: unknown }
    const setupClass = CLASSES.find((c) => c === r.class) ?? 'single-party'
    const contributions = typeof r.contributions === 'number' && Number.isInteger(r.contributions) && r.contributions >= 0 ? r.contributions : 0
    const hex = typeof r.transcriptHash === 'string' && /^[0-9a-f]{64}$/.test(r.transcriptHash) ? r.transcriptHash : undefined
    return { setupClass, contributions, transcriptHash: hex ? Uint8Array.from(hex.match(/../g) as string[], (b) => parseInt(b, 16)) : new Uint8Array(32) }
  }
  return { setupClass: s === 'insecure-dev' ? 'insecure-dev' : 'single-party', contributions: 1, transcriptHash: new Uint8Array(32) }
}
