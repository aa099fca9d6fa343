// Browser globals that ffjavascript and some libp2p dependencies expect from Node.
// Imported first by every browser entry (page and workers).
import { Buffer } from 'buffer'

const g = globalThis as Record<string, unknown>
g.Buffer ??= Buffer
g.process ??= { env: {}, browser: true, version: '', versions: {}, nextTick: (f: (...a: unknown[]) => void, ...a: unknown[]) => queueMicrotask(() => f(...a)) }
export {}
