// Node identity material on disk (libp2p private key, validator seed): written
// atomically with mode 0600, and refused on load if other users could read it.
import { stat } from 'node:fs/promises'
import { isNotFound, readFileIfExists, writeFileAtomic } from './atomic-file.ts'
import { InsecureKeyFile } from './errors.ts'

/** Owner read/write only. */
export const KEY_FILE_MODE = 0o600

export async function saveKeyFile(path: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomic(path, bytes, { mode: KEY_FILE_MODE })
}

/**
 * The key bytes, or undefined when there is no key file yet (the caller generates
 * one and saves it). Throws InsecureKeyFile if group or others have any access.
 */
export async function loadKeyFile(path: string): Promise<Uint8Array | undefined> {
  try {
    const { mode } = await stat(path)
    if ((mode & 0o077) !== 0) throw new InsecureKeyFile(`${path} has mode ${(mode & 0o777).toString(8)}; expected 600`)
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
  return readFileIfExists(path)
}
