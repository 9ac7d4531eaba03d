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
import { APPEND_HISTORY_SQL, historyParams } from './history-row';
import { RECOVERY_BATCH_ROWS } from './limits';
import { decodeRecord, encodeRecord, type RecordRow } from './record-codec';
import { resourceOfKey } from './resource-key';

/**
 * Recovery after an unclean restart, for files written with synchronous=NORMAL. The rules and the
 * argument for them are in `@leasehold/store`'s recovery.ts; this file keeps their state in the
 * SQLite file.
 *
 * With NORMAL, SQLite syncs the WAL only at checkpoints, so power loss or a kernel crash may
 * forget the last commits (never a process crash: the page cache keeps them); the WAL checksums
 * make what survives a prefix of the commits. The ceilings live in `leasehold_meta`; a commit that
 * passes one raises it and is synced. A process that commits without syncing first records its
 * boot id, synced. On open, a file whose unsynced boot is not the running boot may have lost
 * commits: before anything else, one synced transaction quarantines every resource.
 */

export interface StoreMeta extends Ceilings {
  readonly unsyncedBootId: string | null;
  readonly recovery: RecoveryMark | null;
  readonly recoveries: number;
}

interface MetaRow {
  readonly token_ceiling: number;
  readonly version_ceiling: number;
  readonly ttl_ceiling_ms: number;
  readonly unsynced_boot_id: string | null;
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
    unsyncedBootId: row.unsynced_boot_id,
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
 * Runs on open, in one IMMEDIATE transaction that the caller commits with synchronous=FULL:
 * quarantines every resource when the file may have lost commits (see above), and records that
 * this process will commit without syncing when `unsynced` is set. Several processes may open the
 * file at once: the check is repeated under the write lock, so only the first one recovers.
 */
export function recoverIfNeeded(
  db: Database.Database,
  bootId: string | null,
  unsynced: boolean,
  nowMs: number,
): Recovery {
  const meta = readMeta(db);
  const mayHaveLost = meta.unsyncedBootId !== null && meta.unsyncedBootId !== bootId;
  const unsyncedBootId = unsynced ? bootId : mayHaveLost ? null : meta.unsyncedBootId;
  if (!mayHaveLost) {
    if (unsyncedBootId !== meta.unsyncedBootId) {
      db.prepare('UPDATE leasehold_meta SET unsynced_boot_id = ? WHERE id = 1').run(unsyncedBootId);
    }
    return { kind: 'none' };
  }
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
       unsynced_boot_id = ?, recovery_token = ?, recovery_version = ?, recovery_at_ms = ?,
       recovery_ttl_ms = ?, recovery_boot_id = ?, recoveries = recoveries + 1
     WHERE id = 1`,
  ).run(
    after.tokenCeiling,
    after.versionCeiling,
    after.ttlCeilingMs,
    unsyncedBootId,
    mark.token,
    mark.version,
    mark.atMs,
    mark.ttlMs,
    bootId,
  );
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
