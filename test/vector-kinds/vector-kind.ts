// The contract between test/vectors.test.ts and one vector kind: register one test
// per case and report which rejections the file expects (for the coverage check).
import { it } from 'vitest'

export interface VectorKind {
  /** Called inside the file's describe block; returns the expected rejections as `category:reason`. */
  register(file: any): string[]
}

/** A case with an op this runner does not know must fail, not be skipped. */
export function unknownOp(c: { name?: string; op?: string }): void {
  it(`${c.name ?? '(unnamed)'}: known op`, ({ expect }) => {
    expect.fail(`unknown op ${String(c.op)}`)
  })
}

export type Expect = { ok: true } | { ok: false; reason: string }

/** `category:reason` when the case expects a rejection. */
export function rejection(category: string, expect: Expect | string): string[] {
  if (typeof expect === 'string') return expect === 'ok' ? [] : [`${category}:${expect}`]
  return expect.ok ? [] : [`${category}:${expect.reason}`]
}
