// What the pure rings get from the platform as arguments instead of reaching for it:
// a clock and a source of randomness. Implementations live at the edges
// (src/client/deps.ts: the system clock and crypto.getRandomValues).

/** Time and timers. Pure code takes `now` as a number; loops and waits take a Clock. */
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** `n` fresh bytes from a CSPRNG (crypto.getRandomValues, node:crypto); tests inject a seeded one. */
export type RandomBytes = (n: number) => Uint8Array
