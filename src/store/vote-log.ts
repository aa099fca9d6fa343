// A validator's memory of what it signed: one line per vote (height, round, header hash,
// signature, the block), appended and fsynced before the vote leaves the process, read
// back on start. It is what makes a restarted validator refuse to sign a second header
// at a height: losing it is the one way an honest validator could double-sign.
import { open, readFile, truncate } from 'node:fs/promises'
import { writeFileAtomic } from './atomic-file.ts'
import { bytesToHex, equalBytes, hexToBytes } from '../core/bytes.ts'
import { decodeBlock, encodeBlock } from '../core/codec.ts'
import type { CastVote } from '../core/consensus.ts'
import type { Block } from '../core/types.ts'

export interface LoggedVote extends CastVote {
  /** The certificate signature (the vote itself). */
  signature: Uint8Array
  /** The proposer's signature on the proposal voted for: what makes the round checkable when the vote is reported. */
  proposalSignature: Uint8Array
  /** The block voted for: a later proposer may have to propose it again, even after a restart. */
  block: Block
}

/**
 * Votes kept: a validator never votes below the highest height it voted at, so votes
 * more than this far below it are of no use. The file is rewritten with only these once
 * it holds twice as many lines, so it stays bounded on a long chain.
 */
const KEEP_HEIGHTS = 1024

function lineOf(v: LoggedVote): string {
  return `${JSON.stringify({
    height: v.height,
    round: v.round,
    headerHash: bytesToHex(v.headerHash),
    signature: bytesToHex(v.signature),
    proposalSignature: bytesToHex(v.proposalSignature),
    block: bytesToHex(encodeBlock(v.block)),
  })}\n`
}

export class VoteLog {
  private readonly byHeight = new Map<number, LoggedVote>()
  private lines = 0

  private constructor(
    private readonly path: string,
    private readonly keep = KEEP_HEIGHTS,
  ) {}

  /** Reads `path` (a missing file is an empty log; a torn last line, from a crash mid-append, is dropped). */
  static async open(path: string, keep = KEEP_HEIGHTS): Promise<VoteLog> {
    const log = new VoteLog(path, keep)
    let text = ''
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      // Created durably (the directory entry too) before the first vote is appended to it.
      await writeFileAtomic(path, new Uint8Array(), { mode: 0o600 })
    }
    // Every complete line ends in a newline; what follows the last one is a line torn by a
    // crash before its fsync returned, so that vote was never sent: cut it off, or the next
    // append would continue it.
    const end = text.lastIndexOf('\n') + 1
    if (end < text.length) await truncate(path, Buffer.byteLength(text.slice(0, end)))
    const lines = text.slice(0, end).split('\n')
    for (const [i, line] of lines.entries()) {
      if (line === '') continue
      try {
        const j = JSON.parse(line) as { height: number; round: number; headerHash: string; signature: string; proposalSignature: string; block: string }
        const block = decodeBlock(hexToBytes(j.block))
        if (!block.ok) throw new Error(block.reason)
        const v: LoggedVote = {
          height: j.height,
          round: j.round,
          headerHash: hexToBytes(j.headerHash),
          signature: hexToBytes(j.signature),
          proposalSignature: hexToBytes(j.proposalSignature),
          block: block.value,
        }
        if (!Number.isSafeInteger(v.height) || !Number.isInteger(v.round) || v.headerHash.length !== 32 || v.signature.length !== 64 || v.proposalSignature.length !== 64) throw new Error('bad field')
        const earlier = log.byHeight.get(v.height)
        // Two different votes at one height in one's own log: refuse to run rather than guess.
        if (earlier && !equalBytes(earlier.headerHash, v.headerHash)) throw new Error(`two headers voted at height ${v.height}`)
        log.byHeight.set(v.height, v)
        log.lines++
        if (log.byHeight.size > 2 * keep) log.prune(v.height)
      } catch (err) {
        throw new VoteLogCorrupt(`${path}:${i + 1}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    return log
  }

  /** The highest height voted at (0: none): a validator never votes below it, so forgetting older votes is safe. */
  get highest(): number {
    let top = 0
    for (const h of this.byHeight.keys()) if (h > top) top = h
    return top
  }

  /** The vote cast at `height`, if any. */
  at(height: number): LoggedVote | undefined {
    return this.byHeight.get(height)
  }

  /** Appends a vote and fsyncs before resolving: only then may the vote be sent. */
  async record(v: LoggedVote): Promise<void> {
    const fh = await open(this.path, 'a', 0o600)
    try {
      await fh.appendFile(lineOf(v))
      await fh.sync()
    } finally {
      await fh.close()
    }
    this.byHeight.set(v.height, v)
    this.lines++
    if (this.lines > 2 * this.keep) await this.compact(v.height)
  }

  /** Rewrites the file with the votes of the last `keep` heights (atomic: a crash leaves the old file or the new one). */
  private async compact(top: number): Promise<void> {
    this.prune(top)
    const kept = [...this.byHeight.values()].sort((a, b) => a.height - b.height)
    await writeFileAtomic(this.path, new TextEncoder().encode(kept.map(lineOf).join('')), { mode: 0o600 })
    this.lines = kept.length
  }

  private prune(top: number): void {
    for (const h of this.byHeight.keys()) if (h < top - this.keep) this.byHeight.delete(h)
  }
}

/** A vote log line that is not the last one does not parse: the file was damaged. */
export class VoteLogCorrupt extends Error {
  override name = 'VoteLogCorrupt'
}
