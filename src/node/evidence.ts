// Evidence of double signing: every validator vote a node sees (in promises, vote
// answers, certificates) is remembered per height and validator for recent heights; a
// second, valid vote for another header at the same height is evidence. Evidence is
// logged, appended to DIR/evidence.jsonl, and served to peers (docs/protocol.md#evidence).
// Light clients halt on their own when two certificates conflict; evidence names who signed both.
import { appendFile, readFile } from 'node:fs/promises'
import { bytesToHex, equalBytes, hexToBytes } from '../core/bytes.ts'
import { isDoubleVote, type SeenVote } from '../core/consensus.ts'
import type { Logger } from '../core/logger.ts'
import type { ValidatorSet } from '../core/types.ts'
import type { Evidence } from '../net/consensus-messages.ts'
import { MAX_EVIDENCE_PER_RESPONSE } from '../net/constants.ts'

/** Heights whose votes are remembered: a double vote is caught while the height is being decided or just after. */
const REMEMBER_HEIGHTS = 64

export class EvidenceBook {
  private readonly seen = new Map<number, Map<number, SeenVote>>()
  private readonly found: Evidence[] = []

  private constructor(
    private readonly path: string,
    private readonly genesisHash: Uint8Array,
    private readonly validators: ValidatorSet,
    private readonly logger: Logger,
  ) {}

  /** Reads the evidence kept in `path` (missing: none); records that do not verify are skipped. */
  static async open(path: string, genesisHash: Uint8Array, validators: ValidatorSet, logger: Logger): Promise<EvidenceBook> {
    const book = new EvidenceBook(path, genesisHash, validators, logger)
    let text = ''
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      try {
        const j = JSON.parse(line) as { height: number; validator: number; a: { headerHash: string; signature: string }; b: { headerHash: string; signature: string } }
        const e: Evidence = {
          height: j.height,
          validator: j.validator,
          a: { headerHash: hexToBytes(j.a.headerHash), signature: hexToBytes(j.a.signature) },
          b: { headerHash: hexToBytes(j.b.headerHash), signature: hexToBytes(j.b.signature) },
        }
        if (book.verify(e)) book.found.push(e)
      } catch {
        logger.warn(`${path}: skipping an unreadable evidence line`)
      }
    }
    return book
  }

  /** Whether `e` proves a double vote by its validator. */
  verify(e: Evidence): boolean {
    const key = this.validators[e.validator]
    return key !== undefined && isDoubleVote(this.genesisHash, key, e.a, e.b)
  }

  /**
   * Notes a vote that was already checked to be `validator`'s signature on `headerHash`
   * at `height`. Returns the evidence when it conflicts with an earlier one.
   */
  async saw(height: number, validator: number, vote: SeenVote): Promise<Evidence | undefined> {
    let at = this.seen.get(height)
    if (!at) {
      at = new Map()
      this.seen.set(height, at)
      for (const h of this.seen.keys()) if (h < height - REMEMBER_HEIGHTS) this.seen.delete(h)
    }
    const earlier = at.get(validator)
    if (!earlier) {
      at.set(validator, vote)
      return undefined
    }
    if (equalBytes(earlier.headerHash, vote.headerHash)) return undefined
    const e: Evidence = { height, validator, a: earlier, b: vote }
    if (!this.verify(e)) return undefined
    if (this.found.some((f) => f.height === height && f.validator === validator)) return undefined
    this.found.push(e)
    this.logger.error(`EVIDENCE: validator ${validator} voted for two headers at height ${height} (${bytesToHex(e.a.headerHash).slice(0, 16)}…, ${bytesToHex(e.b.headerHash).slice(0, 16)}…)`)
    const line = { height, validator, a: hexPair(e.a), b: hexPair(e.b) }
    await appendFile(this.path, `${JSON.stringify(line)}\n`, { mode: 0o600 })
    return e
  }

  /** Evidence at heights ≥ `from`, oldest first, at most one answer's worth. */
  since(from: number): Evidence[] {
    return this.found
      .filter((e) => e.height >= from)
      .sort((a, b) => a.height - b.height || a.validator - b.validator)
      .slice(0, MAX_EVIDENCE_PER_RESPONSE)
  }

  get all(): readonly Evidence[] {
    return this.found
  }
}

const hexPair = (v: SeenVote) => ({ headerHash: bytesToHex(v.headerHash), signature: bytesToHex(v.signature) })
