// Failures of the storage ring, as named Error subclasses (docs/architecture.md#errors: failures throw,
// rejections are values). Tests assert `name`, never message text.

/** A stored record that the codec cannot decode: disk or database damage, or a bug. */
export class StoreCorrupt extends Error {
  override name = 'StoreCorrupt'
  constructor(
    readonly what: string,
    readonly reason: string,
  ) {
    super(`store record ${what} is corrupt: ${reason}`)
  }
}

/** A checkpoint handed to a store that belongs to another chain (a caller bug). */
export class ForeignCheckpoint extends Error {
  override name = 'ForeignCheckpoint'
}

/** A write that would break the store's invariants: out-of-order block, proof for a missing block. */
export class StoreMisuse extends Error {
  override name = 'StoreMisuse'
}

/** A key file that other users could read: refused, as ssh refuses such a key. */
export class InsecureKeyFile extends Error {
  override name = 'InsecureKeyFile'
}
