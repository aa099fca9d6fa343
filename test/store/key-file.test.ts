// Key files: written atomically with mode 0600, absent reads as undefined, and a file
// that group or others can read is refused.
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadKeyFile, saveKeyFile } from '../../src/store/key-file.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zklight-key-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('key files', () => {
  it('reads a missing key file as undefined', async () => {
    expect(await loadKeyFile(join(dir, 'node.key'))).toBeUndefined()
  })

  it('saves with mode 0600, loads the same bytes, and replaces without leaving temporary files', async () => {
    const path = join(dir, 'node.key')
    await saveKeyFile(path, Uint8Array.of(1, 2, 3))
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(await loadKeyFile(path)).toEqual(Uint8Array.of(1, 2, 3))
    await saveKeyFile(path, Uint8Array.of(9, 8))
    expect(await loadKeyFile(path)).toEqual(Uint8Array.of(9, 8))
    expect(await readdir(dir)).toEqual(['node.key'])
  })

  it('refuses a key file that others can read', async () => {
    const path = join(dir, 'node.key')
    await saveKeyFile(path, Uint8Array.of(1))
    await chmod(path, 0o644)
    await expect(loadKeyFile(path)).rejects.toMatchObject({ name: 'InsecureKeyFile' })
  })
})
