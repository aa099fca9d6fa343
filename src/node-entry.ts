// The package's `zklight/node` entry: everything of the main entry plus what only Node has
// (a checkpoint store in a file). The light client in Node dials TCP and WebSockets.
import './polyfill.ts'

export * from './index.ts'
export { FileCheckpointStore, type FileCheckpointStoreOptions } from './store/file-checkpoint-store.ts'
