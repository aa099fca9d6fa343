// A tiny typed event emitter that works the same in browsers, workers and Node
// (no dependency on node:events). A throwing listener never breaks the sync loop.
import { silentLogger, type Logger } from '../core/logger.ts'

export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(arg: any) => void>>()

  constructor(private readonly logger: Logger = silentLogger) {}

  on<K extends keyof Events>(event: K, fn: (arg: Events[K]) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(fn)
    return () => this.off(event, fn)
  }

  off<K extends keyof Events>(event: K, fn: (arg: Events[K]) => void): void {
    this.listeners.get(event)?.delete(fn)
  }

  emit<K extends keyof Events>(event: K, arg: Events[K]): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) {
      try {
        fn(arg)
      } catch (err) {
        // A listener's bug is the application's, not a reason to stop verifying.
        this.logger.error(`'${String(event)}' listener threw`, err)
      }
    }
  }
}
