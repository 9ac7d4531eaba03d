import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_TIMEOUT_MS_DEFAULT, SQLITE_TIMEOUT_MS_MAX, SQLITE_TIMEOUT_MS_MIN } from './limits';
import { checkSchema, migrate } from './schema';
import { environmentFailure } from './sqlite-errors';
import { SqliteStore } from './sqlite-store';

export interface SqliteStoreOptions {
  /**
   * Longest wait, in ms, for another process's write lock (SQLite busy timeout); past it a call
   * answers `unavailable`. Default SQLITE_TIMEOUT_MS_DEFAULT.
   */
  readonly timeoutMs?: number;
  /**
   * `full` (default): every commit is fsynced before it returns, so a grant survives power loss
   * and its token is never issued twice (I-5). `normal` fsyncs only at WAL checkpoints: faster,
   * survives a process crash, but power loss may forget the last commits, and a forgotten grant's
   * token would be issued again. Choose it only for leases that need not survive power loss.
   */
  readonly synchronous?: 'full' | 'normal';
}

export type OpenSqliteResult =
  | { readonly kind: 'ok'; readonly store: SqliteStore }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * Opens (creating if needed) a lease store in the SQLite file at `path`: checks the file is ours
 * or empty, then WAL, durable commits, the busy timeout, and pending migrations. A foreign,
 * corrupt or newer file is refused with a reason and left exactly as it was.
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): OpenSqliteResult {
  const timeoutMs = options.timeoutMs ?? SQLITE_TIMEOUT_MS_DEFAULT;
  if (
    !Number.isInteger(timeoutMs) ||
    timeoutMs < SQLITE_TIMEOUT_MS_MIN ||
    timeoutMs > SQLITE_TIMEOUT_MS_MAX
  ) {
    return refused(
      path,
      `timeoutMs must be a whole number from ${SQLITE_TIMEOUT_MS_MIN} to ${SQLITE_TIMEOUT_MS_MAX}`,
    );
  }
  if (path !== ':memory:') {
    if (!existsSync(dirname(path)))
      return refused(path, `directory ${dirname(path)} does not exist`);
    if (existsSync(path) && !statSync(path).isFile()) return refused(path, 'is not a regular file');
  }
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: timeoutMs });
  } catch (error) {
    return refused(path, describe(error));
  }
  const opened = prepare(db, options.synchronous ?? 'full');
  if (opened !== null) {
    db.close();
    return refused(path, opened);
  }
  return { kind: 'ok', store: new SqliteStore(db, path) };
}

/** Checks, configures and migrates an open file; returns why it was refused, or null. */
function prepare(db: Database.Database, synchronous: 'full' | 'normal'): string | null {
  try {
    // Read-only checks first: nothing is written to a file until it is known to be ours or empty.
    // One read transaction, so the header and the table list come from the same snapshot: another
    // process may be creating the schema right now (found by the SIGKILL test).
    const check = db.transaction(() => checkSchema(db)).deferred();
    if (check.kind === 'refused') return check.reason;
    const integrity = db.pragma('quick_check', { simple: true });
    if (integrity !== 'ok') return `is damaged (quick_check: ${String(integrity)})`;
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') return `cannot use write-ahead logging (journal_mode is ${String(mode)})`;
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    const migrated = migrate(db, Date.now());
    return migrated.kind === 'refused' ? migrated.reason : null;
  } catch (error) {
    return describe(error);
  }
}

function describe(error: unknown): string {
  const failure = environmentFailure(error);
  if (failure === null) throw error;
  if (failure.startsWith('SQLITE_NOTADB')) {
    return 'is not a SQLite database (a foreign or corrupt file); refusing to use or change it';
  }
  return failure;
}

function refused(path: string, reason: string): OpenSqliteResult {
  return { kind: 'refused', reason: `${path} ${reason}` };
}
