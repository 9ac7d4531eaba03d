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
export { CEILING_STEP, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from './limits';
export { compareResources, MemoryStore } from './memory-store';
export type { MemoryStoreOptions, PowerLoss, QuarantineWrite } from './memory-store';
export {
  ceilingsAfterRecovery,
  exceedsCeilings,
  NO_CEILINGS,
  quarantineEvent,
  quarantineRecord,
  raisedCeilings,
  RECOVERY_HOLDER,
  recoveryMark,
} from './recovery';
export type { Ceilings, RecoveryMark, RecoveryRule } from './recovery';
export { assertWritable, pageLimit } from './write-checks';
