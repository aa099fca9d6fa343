// An in-memory pair of connected ByteDuplex ends, for protocol-handler tests and
// in-memory peers: what one end writes the other reads, chunk for chunk.
import { StreamClosed } from './errors.ts'
import type { ByteDuplex } from './exchange.ts'

/** One direction of a stream: a queue of chunks that ends or fails (also used by rpc.ts's libp2p adapter). */
export class ChunkQueue implements AsyncIterable<Uint8Array> {
  private chunks: Uint8Array[] = []
  private ended = false
  private error: Error | undefined
  private waiting: ((r: IteratorResult<Uint8Array>) => void) | undefined
  private failing: ((e: Error) => void) | undefined

  push(chunk: Uint8Array): void {
    if (this.ended || this.error) return // late bytes after the end are dropped, as a closed socket would
    // Copy so that later mutation by the writer cannot change what was "sent".
    this.chunks.push(chunk.slice())
    this.wake()
  }

  end(): void {
    this.ended = true
    this.wake()
  }

  fail(err: Error): void {
    if (this.error) return
    this.error = err
    this.chunks = []
    this.wake()
  }

  private wake(): void {
    const resolve = this.waiting
    const reject = this.failing
    if (!resolve || !reject) return
    if (this.error) {
      this.waiting = this.failing = undefined
      reject(this.error)
      return
    }
    const chunk = this.chunks.shift()
    if (chunk) {
      this.waiting = this.failing = undefined
      resolve({ done: false, value: chunk })
    } else if (this.ended) {
      this.waiting = this.failing = undefined
      resolve({ done: true, value: undefined })
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () =>
        new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
          this.waiting = resolve
          this.failing = reject
          this.wake()
        }),
      return: async () => ({ done: true, value: undefined }),
    }
  }
}

export interface MemoryDuplex extends ByteDuplex {
  /** True once this end aborted or was aborted by the other end. */
  readonly aborted: boolean
  /** True once this end closed its writing side. */
  readonly writeClosed: boolean
}

/** Returns two connected ends: `a` writes to `b.source`, `b` writes to `a.source`. */
export function memoryDuplexPair(): [MemoryDuplex, MemoryDuplex] {
  const aToB = new ChunkQueue()
  const bToA = new ChunkQueue()
  const state = { aborted: false }
  const end = (inbox: ChunkQueue, outbox: ChunkQueue): MemoryDuplex => {
    let writeClosed = false
    return {
      source: inbox,
      get aborted() {
        return state.aborted
      },
      get writeClosed() {
        return writeClosed
      },
      write: async (bytes) => {
        if (state.aborted || writeClosed) throw new StreamClosed('write after close')
        outbox.push(bytes)
      },
      closeWrite: async () => {
        if (writeClosed || state.aborted) return
        writeClosed = true
        outbox.end()
      },
      abort: (err) => {
        if (state.aborted) return
        state.aborted = true
        // The aborting end sees its own error; the other end sees a reset.
        inbox.fail(err)
        outbox.fail(new StreamClosed('stream reset by the remote end'))
      },
    }
  }
  return [end(bToA, aToB), end(aToB, bToA)]
}
