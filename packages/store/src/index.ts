// The public API of @leasehold/store. The conformance suite is a separate entry,
// '@leasehold/store/conformance', so production code never imports vitest.
export type {
  CasResult,
  HistoryEntry,
  HistoryOptions,
  HistoryResult,
  LeaseStore,
  ListOptions,
  ListResult,
  PruneResult,
  ReadResult,
  Unavailable,
  VersionedRecord,
} from './lease-store';
export { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from './limits';
export { compareResources, MemoryStore } from './memory-store';
export type { MemoryStoreOptions } from './memory-store';
export { assertWritable, pageLimit } from './write-checks';
