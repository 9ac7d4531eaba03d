import type Database from 'better-sqlite3';

/**
 * Marks a file as ours in the SQLite header (`PRAGMA application_id`): "LSHD". A file with
 * tables and another application id is someone else's, and is never touched.
 */
export const APPLICATION_ID = 0x4c534844;

/**
 * Versioned migrations, applied in order on open, each in the same IMMEDIATE transaction that
 * records it in `leasehold_schema`. Never edit a released migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: records keyed by UTF-16BE resource bytes (see resource-key.ts), history with a sequence
  // that AUTOINCREMENT never reuses, so `seq` keeps increasing in commit order after pruning.
  `
  CREATE TABLE leases (
    key BLOB PRIMARY KEY,
    version INTEGER NOT NULL CHECK (version >= 1),
    token INTEGER NOT NULL CHECK (token >= 1),
    status TEXT NOT NULL CHECK (status IN ('held', 'free')),
    holder TEXT,
    record TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX leases_by_holder ON leases (holder, key) WHERE holder IS NOT NULL;
  CREATE TABLE lease_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key BLOB NOT NULL,
    kind TEXT NOT NULL,
    holder TEXT NOT NULL,
    token INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    previous_holder TEXT
  );
  CREATE INDEX lease_history_by_key ON lease_history (key, seq);
  CREATE INDEX lease_history_by_time ON lease_history (at_ms);
  `,
  // 2: the durability ledger of recovery.ts: the ceilings that issued tokens, record versions and
  // TTLs stay under (raised by a synced commit before they are passed); the processes that commit
  // without syncing (a row each, from open to a clean close); the quarantine of the last recovery.
  // Files of version 1 were written with synchronous=FULL only, so their ceilings start at what
  // the records hold.
  `
  CREATE TABLE leasehold_meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    token_ceiling INTEGER NOT NULL CHECK (token_ceiling >= 0),
    version_ceiling INTEGER NOT NULL CHECK (version_ceiling >= 0),
    ttl_ceiling_ms INTEGER NOT NULL CHECK (ttl_ceiling_ms >= 0),
    recovery_token INTEGER,
    recovery_version INTEGER,
    recovery_at_ms INTEGER,
    recovery_ttl_ms INTEGER,
    recovery_boot_id TEXT,
    recoveries INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE leasehold_unsynced_writers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    boot_id TEXT NOT NULL,
    pid INTEGER NOT NULL,
    opened_at_ms INTEGER NOT NULL
  );
  INSERT INTO leasehold_meta (id, token_ceiling, version_ceiling, ttl_ceiling_ms)
    SELECT 1, COALESCE(MAX(token), 0), COALESCE(MAX(version), 0),
      COALESCE(MAX(CASE WHEN status = 'held' THEN json_extract(record, '$.ttlMs') END), 0)
    FROM leases;
  `,
  // 3: named settings kept beside the leases (the lease service's runtime configuration).
  `
  CREATE TABLE leasehold_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 4: a lease's own limits (maxRenewals, maxAgeMs), given at acquire and kept in its record's
  // JSON. The held records of an older file were granted without any: each gets both as null, so
  // every record of the file has the shape the decisions write (record-codec.ts still reads one
  // without them as none: a process of an older leasehold may be writing to the file).
  `
  UPDATE leases
    SET record = json_set(record, '$.maxRenewals', json('null'), '$.maxAgeMs', json('null'))
    WHERE status = 'held' AND json_type(record, '$.maxRenewals') IS NULL;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export type SchemaCheck =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'ours'; readonly version: number }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * Decides whether a file may be used, by reading only: a foreign or newer file is refused before
 * anything is written to it.
 */
export function checkSchema(db: Database.Database): SchemaCheck {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{
      name: string;
    }>
  ).map((row) => row.name);
  if (applicationId === 0 && tables.length === 0) return { kind: 'fresh' };
  if (applicationId !== APPLICATION_ID) {
    return {
      kind: 'refused',
      reason:
        `is a SQLite database of another application (application_id ${applicationId}, ` +
        `tables: ${tables.slice(0, 5).join(', ') || 'none'}); refusing to use or change it`,
    };
  }
  if (!tables.includes('leasehold_schema')) {
    return { kind: 'refused', reason: 'is marked as leasehold but has no schema table (damaged)' };
  }
  const row = db.prepare('SELECT MAX(version) AS version FROM leasehold_schema').get() as {
    version: number | null;
  };
  const version = row.version ?? 0;
  if (version > SCHEMA_VERSION) {
    return {
      kind: 'refused',
      reason: `has schema version ${version}, newer than this leasehold (${SCHEMA_VERSION}); upgrade leasehold`,
    };
  }
  return { kind: 'ours', version };
}

/**
 * Applies the missing migrations in one IMMEDIATE transaction. Several processes may open a new
 * file at once: the check is repeated under the write lock, so each migration runs exactly once.
 */
export function migrate(db: Database.Database, nowMs: number): SchemaCheck {
  return db
    .transaction((): SchemaCheck => {
      const check = checkSchema(db);
      if (check.kind === 'refused') return check;
      let version = check.kind === 'fresh' ? 0 : check.version;
      if (check.kind === 'fresh') {
        db.pragma(`application_id = ${APPLICATION_ID}`);
        db.exec(
          'CREATE TABLE leasehold_schema (version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)',
        );
      }
      const record = db.prepare(
        'INSERT INTO leasehold_schema (version, applied_at_ms) VALUES (?, ?)',
      );
      for (; version < SCHEMA_VERSION; version++) {
        db.exec(MIGRATIONS[version]!);
        record.run(version + 1, nowMs);
      }
      return { kind: 'ours', version };
    })
    .immediate();
}
