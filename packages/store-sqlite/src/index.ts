// The public API of @leasehold/store-sqlite.
export {
  PRUNE_BATCHES_MAX,
  PRUNE_BATCH_ROWS,
  SQLITE_TIMEOUT_MS_DEFAULT,
  SQLITE_TIMEOUT_MS_MAX,
  SQLITE_TIMEOUT_MS_MIN,
} from './limits';
export { openSqliteStore } from './open-sqlite-store';
export type { OpenSqliteResult, SqliteStoreOptions } from './open-sqlite-store';
export { APPLICATION_ID, SCHEMA_VERSION } from './schema';
export { SqliteStore } from './sqlite-store';
