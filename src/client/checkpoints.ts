// Choosing where to start (the stored checkpoint or the pinned one) and saving a
// checkpoint after verified heads, throttled. A stored record that is corrupt, of
// another chain or another validator set is reported and ignored, never trusted.
import { bytesToHex, equalBytes } from '../core/bytes.ts'
import { hashValidatorSet } from '../core/header.ts'
import type { Checkpoint } from '../core/types.ts'
import type { Clock } from './deps.ts'

/** The slice of src/store's CheckpointStore the client uses. */
export interface CheckpointStoreLike {
  load(): Promise<{ checkpoint: Checkpoint } | { checkpoint: undefined; problem?: string }>
  /** `force` replaces a higher stored record (stores otherwise keep the highest). */
  save(cp: Checkpoint, options?: { force?: boolean }): Promise<void>
}

export interface StartPoint {
  checkpoint: Checkpoint
  source: 'store' | 'pinned'
  /** Why a stored record was not used (absent when there was none or it was simply older). */
  problem?: string
}

export async function chooseStartPoint(pinned: Checkpoint, store: CheckpointStoreLike | undefined): Promise<StartPoint> {
  if (!store) return { checkpoint: pinned, source: 'pinned' }
  let loaded: Awaited<ReturnType<CheckpointStoreLike['load']>>
  try {
    loaded = await store.load()
  } catch (err) {
    return { checkpoint: pinned, source: 'pinned', problem: `store-error: ${err instanceof Error ? err.name : String(err)}` }
  }
  const stored = loaded.checkpoint
  if (!stored) return loaded.problem ? { checkpoint: pinned, source: 'pinned', problem: loaded.problem } : { checkpoint: pinned, source: 'pinned' }
  if (stored.chainId !== pinned.chainId) return { checkpoint: pinned, source: 'pinned', problem: 'foreign-chain' }
  if (!equalBytes(hashValidatorSet(stored.validatorSet), hashValidatorSet(pinned.validatorSet))) {
    return { checkpoint: pinned, source: 'pinned', problem: 'foreign-validator-set' }
  }
  if (stored.height < pinned.height) return { checkpoint: pinned, source: 'pinned' }
  if (stored.height === pinned.height) {
    if (!equalBytes(stored.headerHash, pinned.headerHash)) return { checkpoint: pinned, source: 'pinned', problem: 'conflicts-with-pinned' }
    return { checkpoint: pinned, source: 'pinned' }
  }
  return { checkpoint: stored, source: 'store' }
}

/** Saves at most one checkpoint per `intervalMs`, always the newest, one write at a time. */
export class CheckpointSaver {
  private lastSaved = -Infinity
  private savedHash = ''
  private next: Checkpoint | undefined
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

  offer(cp: Checkpoint): void {
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
      const hash = bytesToHex(cp.headerHash)
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
