// The checkpoint store edge of the client: reading where to start (the choice itself
// is the pure rule in rules/start-point.ts) and saving a checkpoint after verified
// heads, throttled.
import { bytesToHex } from '../core/bytes.ts'
import type { Clock } from '../core/platform.ts'
import type { CertifiedCheckpoint, TrustAnchor } from '../core/types.ts'
import type { CheckpointStore } from '../store/checkpoint-store.ts'
import { chooseStart, pinnedStart, type StartPoint } from './rules/start-point.ts'

/** The part of a checkpoint store (src/store) the client uses: any store, or a test's own. */
export type CheckpointStoreLike = Pick<CheckpointStore, 'load' | 'save'>

/** Reads the store (a failed read is reported, not thrown) and chooses with the pure rule. */
export async function chooseStartPoint(anchor: TrustAnchor, store: CheckpointStoreLike | undefined): Promise<StartPoint> {
  if (!store) return pinnedStart(anchor)
  let loaded: Awaited<ReturnType<CheckpointStoreLike['load']>>
  try {
    loaded = await store.load()
  } catch (err) {
    return pinnedStart(anchor, `store-error: ${err instanceof Error ? err.name : String(err)}`)
  }
  return chooseStart(anchor, loaded)
}

/** Saves at most one checkpoint per `intervalMs`, always the newest, one write at a time. */
export class CheckpointSaver {
  private lastSaved = -Infinity
  private savedHash = ''
  private next: CertifiedCheckpoint | undefined
  private timer: unknown
  private writing: Promise<void> = Promise.resolve()
  private frozen = false

  /**
   * `replaceStored`: the stored record was rejected at start (corrupt, foreign,
   * conflicting), so the first save must overwrite it even if it claims a greater height.
   */
  constructor(
    private readonly store: CheckpointStoreLike | undefined,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
    private replaceStored = false,
  ) {}

  offer(cp: CertifiedCheckpoint): void {
    if (!this.store || this.frozen) return
    this.next = cp
    if (this.timer !== undefined) return
    const wait = this.lastSaved + this.intervalMs - this.clock.now()
    if (wait <= 0) void this.flush()
    else
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined
        void this.flush()
      }, wait)
  }

  /** Writes the newest offered checkpoint now (also used on stop). */
  flush(): Promise<void> {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer)
      this.timer = undefined
    }
    const cp = this.next
    this.next = undefined
    if (!cp || !this.store || this.frozen) return this.writing
    const store = this.store
    this.lastSaved = this.clock.now()
    this.writing = this.writing.then(async () => {
      const hash = bytesToHex(cp.checkpoint.headerHash)
      if (hash === this.savedHash) return
      try {
        await store.save(cp, this.replaceStored ? { force: true } : undefined)
        this.replaceStored = false
        this.savedHash = hash
      } catch (err) {
        this.onError(err)
      }
    })
    return this.writing
  }

  /** Stops all further writes (the client halted): the last safe checkpoint stays. */
  freeze(): void {
    this.frozen = true
    this.next = undefined
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }
}
