import { randomUUID } from 'node:crypto';
import {
  ceilingsAfterRecovery,
  quarantineEvent,
  quarantineRecord,
  recoveryMark,
  type Ceilings,
  type RecoveryMark,
} from '@leasehold/store';
import { assert, TTL_MS_LIMIT_MIN, type LeaseRecord } from '@leasehold/core';
import type Database from 'better-sqlite3';
import { APPEND_HISTORY_SQL, historyParams } from './history-row.js';
import { RECOVERY_BATCH_ROWS } from './limits.js';
import { decodeRecord, encodeRecord, type RecordRow } from './record-codec.js';
import { resourceOfKey } from './resource-key.js';

/**
 * Recovery after an unclean restart, for files written with synchronous=NORMAL. The rules and the
 * argument for them are in `@leasehold/store`'s recovery.ts; this file keeps their state in the
 * SQLite file.
 *
 * With NORMAL, SQLite syncs the WAL only at checkpoints, so power loss or a kernel crash may
 * forget the last commits (never a process crash: the page cache keeps them); the WAL checksums
 * make what survives a prefix of the commits. The ceilings live in `leasehold_meta`; a commit that
 * passes one raises it and is synced. A process that commits without syncing first records itself
 * (its boot id), synced, and removes that row when it closes the file cleanly, synced. On open, a
 * row left by a process of an earlier boot means commits may have been lost: before anything
 * else, one synced transaction quarantines every resource.
 */

export interface StoreMeta extends Ceilings {
  readonly recovery: RecoveryMark | null;
  readonly recoveries: number;
}

interface MetaRow {
  readonly token_ceiling: number;
  readonly version_ceiling: number;
  readonly ttl_ceiling_ms: number;
  readonly recovery_token: number | null;
  readonly recovery_version: number | null;
  readonly recovery_at_ms: number | null;
  readonly recovery_ttl_ms: number | null;
  readonly recovery_boot_id: string | null;
  readonly recoveries: number;
}

export function readMeta(db: Database.Database): StoreMeta {
  const row = db.prepare('SELECT * FROM leasehold_meta WHERE id = 1').get() as MetaRow | undefined;
  assert(row !== undefined, 'leasehold_meta has no row (migration 2 writes it)');
  const recovery =
    row.recovery_token === null
      ? null
      : {
          token: row.recovery_token,
          version: row.recovery_version ?? 0,
          atMs: row.recovery_at_ms ?? 0,
          ttlMs: row.recovery_ttl_ms ?? TTL_MS_LIMIT_MIN,
        };
  return {
    tokenCeiling: row.token_ceiling,
    versionCeiling: row.version_ceiling,
    ttlCeilingMs: row.ttl_ceiling_ms,
    recovery,
    recoveries: row.recoveries,
  };
}

/** The quarantine of a resource with no record (a secret owner key each time). */
export function absentUnderQuarantine(resource: string, mark: RecoveryMark): LeaseRecord {
  return quarantineRecord(resource, null, mark, randomUUID());
}

export type Recovery =
  | { readonly kind: 'none' }
  | { readonly kind: 'recovered'; readonly mark: RecoveryMark; readonly records: number };

/**
 * Runs on open, in one IMMEDIATE transaction that the caller commits with synchronous=FULL.
 * Quarantines every resource when the file may have lost commits: a process that committed
 * without syncing in an earlier boot never closed the file cleanly (its row is still there).
 * Registers this process when it will commit without syncing (`unsynced`), and returns its row id
 * for `closeUnsyncedWriter`. Several processes may open the file at once: the check is repeated
 * under the write lock, so only the first one recovers.
 */
export function recoverIfNeeded(
  db: Database.Database,
  bootId: string | null,
  unsynced: boolean,
  nowMs: number,
): { readonly recovery: Recovery; readonly writerId: number | null } {
  const earlier = db
    .prepare('SELECT COUNT(*) AS n FROM leasehold_unsynced_writers WHERE boot_id IS NOT ?')
    .get(bootId) as { n: number };
  const recovery: Recovery = earlier.n > 0 ? quarantine(db, bootId, nowMs) : { kind: 'none' };
  if (!unsynced) return { recovery, writerId: null };
  assert(bootId !== null, 'a process that commits without syncing needs a boot id');
  const inserted = db
    .prepare('INSERT INTO leasehold_unsynced_writers (boot_id, pid, opened_at_ms) VALUES (?, ?, ?)')
    .run(bootId, process.pid, nowMs);
  return { recovery, writerId: Number(inserted.lastInsertRowid) };
}

/**
 * A clean close of a process that committed without syncing: one synced commit, which makes every
 * earlier commit durable (its own and everyone's), removes its row. Without it (a crash, or power
 * loss), the row stays and the first open in a later boot recovers.
 */
export function closeUnsyncedWriter(db: Database.Database, writerId: number): void {
  db.exec('PRAGMA synchronous = FULL');
  db.prepare('DELETE FROM leasehold_unsynced_writers WHERE id = ?').run(writerId);
}

function quarantine(db: Database.Database, bootId: string | null, nowMs: number): Recovery {
  const meta = readMeta(db);
  const highest = db
    .prepare(
      'SELECT COALESCE(MAX(token), 0) AS token, COALESCE(MAX(version), 0) AS version FROM leases',
    )
    .get() as { token: number; version: number };
  const mark = recoveryMark(meta, highest, nowMs);
  const records = quarantineAll(db, mark);
  const after = ceilingsAfterRecovery(meta, mark);
  db.prepare(
    `UPDATE leasehold_meta SET token_ceiling = ?, version_ceiling = ?, ttl_ceiling_ms = ?,
       recovery_token = ?, recovery_version = ?, recovery_at_ms = ?, recovery_ttl_ms = ?,
       recovery_boot_id = ?, recoveries = recoveries + 1
     WHERE id = 1`,
  ).run(
    after.tokenCeiling,
    after.versionCeiling,
    after.ttlCeilingMs,
    mark.token,
    mark.version,
    mark.atMs,
    mark.ttlMs,
    bootId,
  );
  // The commits of those processes are now accounted for.
  db.prepare('DELETE FROM leasehold_unsynced_writers WHERE boot_id IS NOT ?').run(bootId);
  return { kind: 'recovered', mark, records };
}

interface KeyedRow extends RecordRow {
  readonly key: Buffer;
}

/** Hands every record to RECOVERY_HOLDER, page by page in key order; returns how many. */
function quarantineAll(db: Database.Database, mark: RecoveryMark): number {
  const page = db.prepare(
    'SELECT key, version, token, record FROM leases WHERE key > ? ORDER BY key LIMIT ?',
  );
  const update = db.prepare(
    `UPDATE leases SET version = ?, token = ?, status = 'held', holder = ?, record = ?
     WHERE key = ?`,
  );
  const append = db.prepare(APPEND_HISTORY_SQL);
  let after: Buffer = Buffer.alloc(0);
  let count = 0;
  for (;;) {
    const rows = page.all(after, RECOVERY_BATCH_ROWS) as KeyedRow[];
    for (const row of rows) {
      const resource = resourceOfKey(row.key);
      const current = decodeRecord(resource, row);
      const next = quarantineRecord(resource, current, mark, randomUUID());
      const event = quarantineEvent(next, current);
      update.run(mark.version, next.token, next.holder, encodeRecord(next), row.key);
      append.run(...historyParams(row.key, event));
    }
    count += rows.length;
    if (rows.length < RECOVERY_BATCH_ROWS) return count;
    after = rows.at(-1)!.key;
  }
}
