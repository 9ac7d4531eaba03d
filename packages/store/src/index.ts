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
  SettingResult,
  Unavailable,
  VersionedRecord,
} from './lease-store.js';
export {
  CEILING_STEP,
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  SETTING_NAME_LENGTH_MAX,
  SETTING_VALUE_LENGTH_MAX,
  WATCHERS_MAX,
} from './limits.js';
export { compareResources, MemoryStore } from './memory-store.js';
export type { MemoryStoreOptions, PowerLoss, QuarantineWrite } from './memory-store.js';
export {
  ceilingsAfterRecovery,
  exceedsCeilings,
  NO_CEILINGS,
  quarantineEvent,
  quarantineRecord,
  raisedCeilings,
  RECOVERY_HOLDER,
  recoveryMark,
} from './recovery.js';
export type { Ceilings, RecoveryMark, RecoveryRule } from './recovery.js';
export { upgradeRecord } from './record-upgrade.js';
export { ResourceWatchers } from './resource-watchers.js';
export { assertSetting, assertWritable, pageLimit } from './write-checks.js';
