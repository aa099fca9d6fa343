// Crash-safe whole-file writes for Node: write a temporary file, fsync it, rename it
// over the target, fsync the folder. A reader sees the old file or the new one, never
// a mix. Also a per-path lock so read-compare-write sequences in one process serialise.
import { open, readFile, rename, unlink } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

export interface AtomicWriteOptions {
  /** File mode for a newly created file, e.g. 0o600 for keys. Default 0o644. */
  mode?: number
}

let tempCounter = 0

export async function writeFileAtomic(path: string, bytes: Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  // Unique per process and call; a crash leaves at most a stray `.tmp` file, never a torn target.
  const temp = `${path}.${process.pid}.${tempCounter++}.tmp`
  const handle = await open(temp, 'wx', options.mode ?? 0o644)
  try {
    await handle.writeFile(bytes)
    await handle.sync()
  } catch (err) {
    await handle.close().catch(() => {})
    await unlink(temp).catch(() => {})
    throw err
  }
  await handle.close()
  try {
    await rename(temp, path)
  } catch (err) {
    await unlink(temp).catch(() => {})
    throw err
  }
  await syncDirectory(dirname(path))
}

/**
 * Flushes a file another writer produced (e.g. snarkjs) and renames it over `path`: the
 * same old-or-new guarantee as writeFileAtomic for files too large to hold in memory.
 */
export async function moveFileDurably(from: string, path: string): Promise<void> {
  const handle = await open(from, 'r+')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(from, path)
  await syncDirectory(dirname(path))
}

/** Removes `path` (absent is fine) and makes the removal durable. */
export async function removeFileDurably(path: string): Promise<void> {
  try {
    await unlink(path)
  } catch (err) {
    if (isNotFound(err)) return
    throw err
  }
  await syncDirectory(dirname(path))
}

/** The file's bytes, or undefined when it does not exist. */
export async function readFileIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path))
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

/** A rename is only durable once the folder entry is flushed too. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ENOENT'
}

const locks = new Map<string, Promise<unknown>>()

/**
 * Runs `fn` after every earlier `withPathLock` call on the same path in this process.
 * WARNING: does not exclude other processes; one process owns a store file.
 */
export function withPathLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const key = resolve(path)
  const previous = locks.get(key) ?? Promise.resolve() // tails never reject
  const run = previous.then(fn)
  const tail = run.catch(() => {})
  locks.set(key, tail)
  void tail.then(() => {
    if (locks.get(key) === tail) locks.delete(key)
  })
  return run
}
