// zklight's package entry: the light client, plus the core helpers an application
// needs around it (addresses, signed transfers, checkpoints) and the checkpoint stores.
export * from './client/index.ts'
export { encodeAddress, decodeAddress } from './core/address.ts'
export { signTransfer, derivePublicKey, hashTransfer } from './core/transfer.ts'
export { checkpointFromHeader } from './core/checkpoint.ts'
export { encodeCheckpoint, decodeCheckpoint, encodeTransfer, decodeTransfer } from './core/codec.ts'
export type { Checkpoint, Header, Transfer, Account, AccountProof } from './core/types.ts'
export { MemoryCheckpointStore, type CheckpointStore } from './store/checkpoint-store.ts'
export { IdbCheckpointStore } from './store/idb-checkpoint-store.ts'
