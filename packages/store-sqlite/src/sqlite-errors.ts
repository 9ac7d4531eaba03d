import Database from 'better-sqlite3';

/**
 * SQLite failures that come from the environment (another process holds the lock, the disk is
 * full or failing, the file was damaged underneath us): expected, so they become `unavailable`.
 * Anything else (SQL errors, assertion failures) is a bug and is rethrown.
 */
const ENVIRONMENT_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_PROTOCOL',
  'SQLITE_NOMEM',
];

/** The environment failure's description, or null when `error` is not one (and must be rethrown). */
export function environmentFailure(error: unknown): string | null {
  if (!(error instanceof Database.SqliteError)) return null;
  const code = error.code;
  if (!ENVIRONMENT_CODES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`))) {
    return null;
  }
  return `${code}: ${error.message}`;
}
