import { randomUUID } from 'node:crypto';
import {
  assert,
  TTL_MS_LIMIT_MIN,
  type HeldRecord,
  type HistoryEvent,
  type LeaseRecord,
} from '@leasehold/core';
import type Database from 'better-sqlite3';
import { RECOVERY_BATCH_ROWS, TOKEN_CEILING_STEP } from './limits';
import { decodeRecord, encodeRecord, type RecordRow } from './record-codec';
import { resourceOfKey } from './resource-key';

/**
 * Recovery after an unclean restart, for files written with synchronous=NORMAL.
 *
 * With NORMAL, SQLite syncs the WAL only at checkpoints, so power loss or a kernel crash may
 * forget the last commits (never a process crash: the page cache keeps them). The WAL checksums
 * make what survives a prefix of the commits. A forgotten grant is dangerous twice over: its
 * holder (say, a remote agent of a lease service) may still believe it holds the lease (I-1), and
 * its token would be issued again (I-5, I-6). Two durable ceilings and one rule close both:
 *
 * - Every issued token stays at or below `token_ceiling`, and every granted TTL at or below
 *   `ttl_ceiling_ms`. A commit that would exceed a ceiling raises it in the same transaction and
 *   is synced (FULL), which also syncs every commit before it.
 * - A process that commits without syncing first records its boot id, synced. On open, a file
 *   whose unsynced boot is not the running boot may have lost commits: before anything else, one
 *   synced transaction hands every resource to RECOVERY_HOLDER with token `token_ceiling + 1` for
 *   `ttl_ceiling_ms` (the quarantine). Resources without a record read as the same quarantine.
 *
 * So every token issued after a recovery is above every token issued before it, lost or not (the
 * version jump of FoundationDB's recovery), and no one is granted anything until every lease
 * granted before the loss has expired by the usual claim rule (the lease wait of Chubby's master
 * fail-over). An operator may end a quarantine early with a force-release.
 */

/** Holds every resource during a quarantine; never a real client (its owner key is random). */
export const RECOVERY_HOLDER = 'leasehold:recovery';

/** What a recovery handed out: the token and the lease that every resource is held under. */
export interface RecoveryMark {
  readonly token: number;
  readonly atMs: number;
  readonly ttlMs: number;
  readonly bootId: string | null;
}

export interface Ceilings {
  readonly tokenCeiling: number;
  readonly ttlCeilingMs: number;
}

export interface StoreMeta extends Ceilings {
  readonly unsyncedBootId: string | null;
  readonly recovery: RecoveryMark | null;
  readonly recoveries: number;
}

interface MetaRow {
  readonly token_ceiling: number;
  readonly ttl_ceiling_ms: number;
  readonly unsynced_boot_id: string | null;
  readonly recovery_token: number | null;
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
          atMs: row.recovery_at_ms ?? 0,
          ttlMs: row.recovery_ttl_ms ?? TTL_MS_LIMIT_MIN,
          bootId: row.recovery_boot_id,
        };
  return {
    tokenCeiling: row.token_ceiling,
    ttlCeilingMs: row.ttl_ceiling_ms,
    unsyncedBootId: row.unsynced_boot_id,
    recovery,
    recoveries: row.recoveries,
  };
}

/** True when `record` would go above a ceiling: its commit must raise it and be synced. */
export function exceedsCeilings(record: LeaseRecord, ceilings: Ceilings): boolean {
  return (
    record.token > ceilings.tokenCeiling ||
    (record.status === 'held' && record.ttlMs > ceilings.ttlCeilingMs)
  );
}

/** Raises the ceilings over `record`, inside the caller's write transaction; returns the new ones. */
export function raiseCeilings(db: Database.Database, record: LeaseRecord): Ceilings {
  const meta = readMeta(db);
  const raised: Ceilings = {
    tokenCeiling:
      record.token > meta.tokenCeiling ? record.token + TOKEN_CEILING_STEP : meta.tokenCeiling,
    ttlCeilingMs:
      record.status === 'held' ? Math.max(meta.ttlCeilingMs, record.ttlMs) : meta.ttlCeilingMs,
  };
  db.prepare('UPDATE leasehold_meta SET token_ceiling = ?, ttl_ceiling_ms = ? WHERE id = 1').run(
    raised.tokenCeiling,
    raised.ttlCeilingMs,
  );
  return raised;
}

/**
 * The record a quarantine puts in place of `current` (null: a resource with no record). The grant
 * marks of `current` are kept, so an acquire retried after the recovery is still recognised (I-8).
 */
export function quarantineRecord(
  resource: string,
  current: LeaseRecord | null,
  mark: RecoveryMark,
): HeldRecord {
  assert(current === null || mark.token > current.token, 'I-5: a quarantine raises the token');
  return {
    status: 'held',
    resource,
    token: mark.token,
    updatedAtMs: mark.atMs,
    requestId: recoveryRequestId(mark),
    recentGrants: current?.recentGrants ?? [],
    holder: RECOVERY_HOLDER,
    ownerKey: randomUUID(),
    ttlMs: mark.ttlMs,
    acquiredAtMs: mark.atMs,
    expiresAtMs: mark.atMs + mark.ttlMs,
    renewals: 0,
  };
}

function recoveryRequestId(mark: RecoveryMark): string {
  return `leasehold-recovery-${mark.token}`;
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
  const highest = db.prepare('SELECT COALESCE(MAX(token), 0) AS token FROM leases').get() as {
    token: number;
  };
  const mark: RecoveryMark = {
    token: Math.max(meta.tokenCeiling, highest.token) + 1,
    atMs: nowMs,
    ttlMs: Math.max(meta.ttlCeilingMs, TTL_MS_LIMIT_MIN),
    bootId,
  };
  const records = quarantineAll(db, mark);
  db.prepare(
    `UPDATE leasehold_meta SET token_ceiling = ?, ttl_ceiling_ms = ?, unsynced_boot_id = ?,
       recovery_token = ?, recovery_at_ms = ?, recovery_ttl_ms = ?, recovery_boot_id = ?,
       recoveries = recoveries + 1
     WHERE id = 1`,
  ).run(
    mark.token + TOKEN_CEILING_STEP,
    Math.max(meta.ttlCeilingMs, mark.ttlMs),
    unsyncedBootId,
    mark.token,
    mark.atMs,
    mark.ttlMs,
    mark.bootId,
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
  const append = db.prepare(
    `INSERT INTO lease_history (key, kind, holder, token, at_ms, request_id, previous_holder)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  let after: Buffer = Buffer.alloc(0);
  let count = 0;
  for (;;) {
    const rows = page.all(after, RECOVERY_BATCH_ROWS) as KeyedRow[];
    for (const row of rows) {
      const resource = resourceOfKey(row.key);
      const current = decodeRecord(resource, row);
      const next = quarantineRecord(resource, current, mark);
      const event = quarantineEvent(next, current);
      update.run(row.version + 1, next.token, next.holder, encodeRecord(next), row.key);
      append.run(
        row.key,
        event.kind,
        event.holder,
        event.token,
        event.atMs,
        event.requestId,
        event.previousHolder,
      );
    }
    count += rows.length;
    if (rows.length < RECOVERY_BATCH_ROWS) return count;
    after = rows.at(-1)!.key;
  }
}

/** The history event of a quarantine: a grant to RECOVERY_HOLDER over whoever held the record. */
function quarantineEvent(next: HeldRecord, current: LeaseRecord): HistoryEvent {
  return {
    kind: 'granted',
    resource: next.resource,
    holder: next.holder,
    token: next.token,
    atMs: next.acquiredAtMs,
    requestId: next.requestId,
    previousHolder: current.status === 'held' ? current.holder : null,
  };
}
