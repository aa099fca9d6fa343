// Browser-safe entry of the storage ring: checkpoint stores (memory, IndexedDB) and
// the errors. Node-only stores (file, block, key files)
// are imported by path so bundlers never see node:fs.
export * from './checkpoint-store.ts'
export { CHECKPOINT_RECORD_VERSION, type ChainExpectation } from './checkpoint-record.ts'
export * from './idb-checkpoint-store.ts'
export * from './errors.ts'
