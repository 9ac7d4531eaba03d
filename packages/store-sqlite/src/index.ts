// The public API of @leasehold/store-sqlite.
export {
  BOOT_ID_LENGTH_MAX,
  HANDOFF_POLLS_MAX,
  HANDOFF_POLL_MS,
  PRUNE_BATCHES_MAX,
  PRUNE_BATCH_ROWS,
  RECOVERY_BATCH_ROWS,
  SQLITE_TIMEOUT_MS_DEFAULT,
  SQLITE_TIMEOUT_MS_MAX,
  SQLITE_TIMEOUT_MS_MIN,
} from './limits.js';
export { currentBootId } from './boot-id.js';
export { openSqliteStore } from './open-sqlite-store.js';
export type { OpenSqliteResult, SqliteStoreOptions } from './open-sqlite-store.js';
export type { Recovery } from './recovery.js';
export { APPLICATION_ID, SCHEMA_VERSION } from './schema.js';
export { SqliteStore } from './sqlite-store.js';
