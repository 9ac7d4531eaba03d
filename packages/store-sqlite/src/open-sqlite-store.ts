import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  BOOT_ID_LENGTH_MAX,
  SQLITE_TIMEOUT_MS_DEFAULT,
  SQLITE_TIMEOUT_MS_MAX,
  SQLITE_TIMEOUT_MS_MIN,
} from './limits.js';
import { currentBootId } from './boot-id.js';
import { readMeta, recoverIfNeeded, type Recovery } from './recovery.js';
import { checkSchema, migrate } from './schema.js';
import { environmentFailure } from './sqlite-errors.js';
import { SqliteStore } from './sqlite-store.js';
import { systemWallMs } from './system-time.js';

export interface SqliteStoreOptions {
  /**
   * Longest wait, in ms, for another process's write lock (SQLite busy timeout); past it a call
   * answers `unavailable`. Default SQLITE_TIMEOUT_MS_DEFAULT.
   */
  readonly timeoutMs?: number;
  /**
   * `normal` (the default where the platform gives a boot id, see boot-id.ts): commits are synced
   * at WAL checkpoints, and by the rare commit that raises a durability ceiling; after power loss
   * or a kernel crash the next open runs a recovery (recovery.ts) that quarantines every resource
   * until all leases granted before the loss have expired and issues every later token above all
   * earlier ones, so I-1 and I-5 hold through the lost commits (`close()` on shutdown spares the
   * next boot that wait). `full`: every commit is synced
   * before it returns (about 3x slower on a typical disk); nothing is ever lost and no
   * quarantine is needed after a restart. Processes may mix the two on one file.
   */
  readonly synchronous?: 'full' | 'normal';
  /**
   * The running operating-system boot (default: the kernel's boot id on Linux, null elsewhere).
   * `normal` needs one to tell a restart that may have lost commits. Given for tests that stage a
   * power loss, and for platforms where another source of a per-boot id exists.
   */
  readonly bootId?: string | null;
  /** Wall clock for the start of a quarantine and the schema log (default: the system clock). */
  readonly wallMs?: () => number;
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
  const bootId = options.bootId === undefined ? currentBootId() : options.bootId;
  if (bootId !== null && (bootId.length === 0 || bootId.length > BOOT_ID_LENGTH_MAX)) {
    return refused(path, `bootId must have 1 to ${BOOT_ID_LENGTH_MAX} characters`);
  }
  const synchronous = options.synchronous ?? (bootId === null ? 'full' : 'normal');
  if (synchronous === 'normal' && bootId === null) {
    return refused(
      path,
      "synchronous 'normal' needs a boot id to recognise a restart that may have lost commits, " +
        "and this platform gives none: use synchronous 'full' or pass bootId",
    );
  }
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: timeoutMs });
  } catch (error) {
    return refused(path, describe(error));
  }
  const wallMs = options.wallMs ?? systemWallMs;
  const opened = prepare(db, synchronous, bootId, wallMs);
  if (opened.kind === 'refused') {
    db.close();
    return refused(path, opened.reason);
  }
  const meta = readMeta(db);
  const store = new SqliteStore(db, path, {
    synchronous,
    bootId,
    ceilings: meta,
    quarantine: meta.recovery,
    recovery: opened.recovery,
    writerId: opened.writerId,
  });
  return { kind: 'ok', store };
}

type Prepared =
  | { readonly kind: 'ok'; readonly recovery: Recovery; readonly writerId: number | null }
  | { readonly kind: 'refused'; readonly reason: string };

/** Checks, configures, migrates and, after an unclean restart, recovers an open file. */
function prepare(
  db: Database.Database,
  synchronous: 'full' | 'normal',
  bootId: string | null,
  wallMs: () => number,
): Prepared {
  try {
    // Read-only checks first: nothing is written to a file until it is known to be ours or empty.
    // One read transaction, so the header and the table list come from the same snapshot: another
    // process may be creating the schema right now (found by the SIGKILL test).
    const check = db.transaction(() => checkSchema(db)).deferred();
    if (check.kind === 'refused') return check;
    const integrity = db.pragma('quick_check', { simple: true });
    if (integrity !== 'ok') return refusal(`is damaged (quick_check: ${String(integrity)})`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      return refusal(`cannot use write-ahead logging (journal_mode is ${String(mode)})`);
    }
    // Migrations and recovery are always synced, whatever the connection uses afterwards.
    db.pragma('synchronous = FULL');
    const migrated = migrate(db, wallMs());
    if (migrated.kind === 'refused') return migrated;
    const { recovery, writerId } = db
      .transaction(() => recoverIfNeeded(db, bootId, synchronous === 'normal', wallMs()))
      .immediate();
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    return { kind: 'ok', recovery, writerId };
  } catch (error) {
    return refusal(describe(error));
  }
}

function refusal(reason: string): Prepared {
  return { kind: 'refused', reason };
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
