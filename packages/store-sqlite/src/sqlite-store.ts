import { assert, type HistoryEvent, type HistoryKind, type LeaseRecord } from '@leasehold/core';
import {
  assertSetting,
  assertWritable,
  exceedsCeilings,
  pageLimit,
  raisedCeilings,
  ResourceWatchers,
  type Ceilings,
  type RecoveryMark,
  type CasResult,
  type HistoryEntry,
  type HistoryOptions,
  type HistoryResult,
  type LeaseStore,
  type ListOptions,
  type ListResult,
  type PruneResult,
  type ReadResult,
  type SettingResult,
  type Unavailable,
  type VersionedRecord,
} from '@leasehold/store';
import type Database from 'better-sqlite3';
import { APPEND_HISTORY_SQL, historyParams } from './history-row.js';
import {
  HANDOFF_POLLS_MAX,
  HANDOFF_POLL_MS,
  PRUNE_BATCHES_MAX,
  PRUNE_BATCH_ROWS,
} from './limits.js';
import { pollUntilChanged, type PolledVersion } from './poll-version.js';
import { decodeRecord, encodeRecord, type RecordRow } from './record-codec.js';
import { absentUnderQuarantine, closeUnsyncedWriter, type Recovery } from './recovery.js';
import { resourceKey, resourceOfKey } from './resource-key.js';
import { environmentFailure } from './sqlite-errors.js';

interface ListRow extends RecordRow {
  readonly key: Buffer;
}

interface HistoryRow {
  readonly seq: number;
  readonly key: Buffer;
  readonly kind: HistoryKind;
  readonly holder: string;
  readonly token: number;
  readonly at_ms: number;
  readonly request_id: string;
  readonly previous_holder: string | null;
}

/** How an open store commits, and what its file went through (set by openSqliteStore). */
export interface SqliteStoreState {
  readonly synchronous: 'full' | 'normal';
  readonly bootId: string | null;
  /** The file's ceilings as last read or written: a guess of whether a write must be synced. */
  readonly ceilings: Ceilings;
  /** The file's last recovery: resources without a record read as held under it. */
  readonly quarantine: RecoveryMark | null;
  /** What this open did: `recovered` when it found the file after an unclean restart. */
  readonly recovery: Recovery;
  /** This process's row among the writers that commit without syncing (null with `full`). */
  readonly writerId: number | null;
}

/** A write found above a ceiling without being synced: it is tried again, synced. */
const MUST_SYNC = Symbol('must sync');

/** `PRAGMA synchronous` reads FULL as 2. */
const SYNCHRONOUS_FULL = 2;

/** Listings start after the empty key: every resource is non-empty, so every key sorts after it. */
const KEY_BEFORE_ALL = Buffer.alloc(0);

/**
 * A LeaseStore on one SQLite file (opened by `openSqliteStore`). better-sqlite3 is synchronous:
 * each call runs to completion on the calling thread, and the only wait inside it is SQLite's busy
 * timeout for another process's write lock, so every call is bounded by that timeout. A
 * compare-and-set is one IMMEDIATE transaction: the write lock is taken before the version is
 * read, so two processes can never both see the same version and both write (I-1, I-8).
 */
export class SqliteStore implements LeaseStore {
  readonly path: string;
  readonly synchronous: 'full' | 'normal';
  readonly bootId: string | null;
  /** What opening this store did: `recovered` after an unclean restart (recovery.ts). */
  readonly recovery: Recovery;
  readonly #db: Database.Database;
  readonly #statements;
  readonly #quarantine: RecoveryMark | null;
  readonly #writerId: number | null;
  #ceilings: Ceilings;
  #closed = false;
  /** Watches woken by this object's own commits (other writers are seen by polling). */
  readonly #watchers = new ResourceWatchers();
  #commits = 0;
  #syncedCommits = 0;

  constructor(db: Database.Database, path: string, state: SqliteStoreState) {
    this.#db = db;
    this.path = path;
    this.synchronous = state.synchronous;
    this.bootId = state.bootId;
    this.recovery = state.recovery;
    this.#quarantine = state.quarantine;
    this.#writerId = state.writerId;
    this.#ceilings = state.ceilings;
    this.#statements = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      ceilings: db.prepare(
        `SELECT token_ceiling AS tokenCeiling, version_ceiling AS versionCeiling,
           ttl_ceiling_ms AS ttlCeilingMs FROM leasehold_meta WHERE id = 1`,
      ),
      setCeilings: db.prepare(
        `UPDATE leasehold_meta SET token_ceiling = ?, version_ceiling = ?, ttl_ceiling_ms = ?
         WHERE id = 1`,
      ),
      read: db.prepare('SELECT version, token, record FROM leases WHERE key = ?'),
      update: db.prepare(
        `UPDATE leases SET version = @version, token = @token, status = @status, holder = @holder,
           record = @record WHERE key = @key`,
      ),
      upsert: db.prepare(
        `INSERT INTO leases (key, version, token, status, holder, record)
         VALUES (@key, @version, @token, @status, @holder, @record)
         ON CONFLICT (key) DO UPDATE SET version = excluded.version, token = excluded.token,
           status = excluded.status, holder = excluded.holder, record = excluded.record`,
      ),
      appendHistory: db.prepare(APPEND_HISTORY_SQL),
      list: db.prepare(
        'SELECT key, version, token, record FROM leases WHERE key > ? ORDER BY key LIMIT ?',
      ),
      listByHolder: db.prepare(
        `SELECT key, version, token, record FROM leases
         WHERE holder = ? AND key > ? ORDER BY key LIMIT ?`,
      ),
      history: db.prepare(
        `SELECT seq, key, kind, holder, token, at_ms, request_id, previous_holder
         FROM lease_history WHERE key = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
      readSetting: db.prepare('SELECT value FROM leasehold_settings WHERE name = ?'),
      writeSetting: db.prepare(
        `INSERT INTO leasehold_settings (name, value) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
      ),
      prune: db.prepare(
        `DELETE FROM lease_history WHERE seq IN
           (SELECT seq FROM lease_history WHERE at_ms < ? ORDER BY at_ms LIMIT ?)`,
      ),
    };
  }

  async read(resource: string): Promise<ReadResult> {
    return this.readNow(resource);
  }

  readNow(resource: string): ReadResult {
    this.#assertOpen();
    try {
      const row = this.#statements.read.get(resourceKey(resource)) as RecordRow | undefined;
      if (row === undefined) {
        return { kind: 'ok', record: this.#absent(resource), version: this.#absentVersion() };
      }
      return { kind: 'ok', record: decodeRecord(resource, row), version: row.version };
    } catch (error) {
      return { kind: 'unavailable', reason: unavailableReason(error) };
    }
  }

  async compareAndSet(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): Promise<CasResult> {
    return this.compareAndSetNow(resource, expectedVersion, record, event);
  }

  compareAndSetNow(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): CasResult {
    this.#assertOpen();
    // A write above a ceiling raises it and is synced, whatever the connection's mode
    // (recovery.ts). Whether it is above one is decided on the ceilings read under the write
    // lock; the copy kept here only guesses in advance whether to sync (SQLite fixes that before
    // the transaction), and a wrong guess costs one more try.
    const guess =
      this.synchronous === 'full' || exceedsCeilings(record, expectedVersion + 1, this.#ceilings);
    const first = this.#syncedIf(guess, () =>
      this.#compareAndSet(resource, expectedVersion, record, event, guess),
    );
    const result =
      first !== MUST_SYNC
        ? first
        : this.#syncedIf(true, () =>
            this.#compareAndSet(resource, expectedVersion, record, event, true),
          );
    assert(result !== MUST_SYNC, 'a synced write never asks to be synced');
    if (result.kind === 'ok') this.#watchers.wake(resource);
    return result;
  }

  /**
   * Resolves when the record of `resource` may have changed, or when `signal` aborts: at once on a
   * commit by this store object, and within about HANDOFF_POLL_MS of a commit by anyone else on
   * the file (another process, another store object), which only a read of the version can see.
   */
  async watch(resource: string, signal: AbortSignal): Promise<void> {
    this.#assertOpen();
    if (signal.aborted) return;
    const ended = new AbortController();
    const end = (): void => ended.abort();
    signal.addEventListener('abort', end, { once: true });
    try {
      const from = this.#pollVersion(resource);
      await Promise.race([
        this.#watchers.wait(resource, ended.signal),
        pollUntilChanged(
          () => this.#pollVersion(resource),
          from,
          ended.signal,
          HANDOFF_POLL_MS,
          HANDOFF_POLLS_MAX,
        ),
      ]);
    } finally {
      signal.removeEventListener('abort', end);
      ended.abort();
    }
  }

  #pollVersion(resource: string): PolledVersion {
    if (this.#closed) return 'closed';
    const read = this.readNow(resource);
    return read.kind === 'ok' ? read.version : 'unavailable';
  }

  /** Runs `write` with synchronous=FULL when `synced` on a NORMAL connection. */
  #syncedIf<T>(synced: boolean, write: () => T): T {
    if (!synced || this.synchronous === 'full') return write();
    // Not a prepared statement: SQLite applies `PRAGMA synchronous` when it compiles it.
    this.#db.exec('PRAGMA synchronous = FULL');
    try {
      return write();
    } finally {
      this.#db.exec('PRAGMA synchronous = NORMAL');
    }
  }

  #compareAndSet(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
    synced: boolean,
  ): CasResult | typeof MUST_SYNC {
    const key = resourceKey(resource);
    const s = this.#statements;
    try {
      s.begin.run();
    } catch (error) {
      // BEGIN IMMEDIATE failed (typically SQLITE_BUSY past the timeout): nothing was written.
      return { kind: 'unavailable', reason: unavailableReason(error), maybeApplied: false };
    }
    let committing = false;
    try {
      const row = s.read.get(key) as RecordRow | undefined;
      const current = row === undefined ? this.#absent(resource) : decodeRecord(resource, row);
      const version = row?.version ?? this.#absentVersion();
      // The token check (I-5) compares with the record the write would replace, so it only
      // applies when the versions match: a stale write is a conflict, whatever its token.
      assertWritable(
        resource,
        expectedVersion,
        version === expectedVersion ? current : null,
        record,
        event,
      );
      if (version !== expectedVersion) {
        s.rollback.run();
        return { kind: 'conflict', version };
      }
      const ceilings = s.ceilings.get() as Ceilings;
      this.#ceilings = ceilings;
      const raise = exceedsCeilings(record, version + 1, ceilings);
      if (raise && !synced) {
        s.rollback.run();
        return MUST_SYNC;
      }
      (row === undefined ? s.upsert : s.update).run({
        key,
        version: version + 1,
        token: record.token,
        status: record.status,
        holder: record.status === 'held' ? record.holder : null,
        record: encodeRecord(record),
      });
      s.appendHistory.run(...historyParams(key, event));
      const raised = raise ? raisedCeilings(ceilings, record, version + 1) : null;
      if (raised !== null) {
        assert(
          this.#db.pragma('synchronous', { simple: true }) === SYNCHRONOUS_FULL,
          'a commit that raises a durability ceiling must be synced (recovery.ts)',
        );
        s.setCeilings.run(raised.tokenCeiling, raised.versionCeiling, raised.ttlCeilingMs);
      }
      committing = true;
      s.commit.run();
      this.#commits++;
      if (synced) this.#syncedCommits++;
      if (raised !== null) this.#ceilings = raised;
      return { kind: 'ok', version: version + 1 };
    } catch (error) {
      this.#rollbackQuietly();
      // A failed COMMIT may have reached the disk (an I/O error after the commit frame was
      // written): the caller must treat it as indeterminate and re-read.
      return { kind: 'unavailable', reason: unavailableReason(error), maybeApplied: committing };
    }
  }

  /**
   * Writes committed by this connection, and how many of them waited for an fsync: all of them
   * with synchronous `full`; with `normal`, those that raised a durability ceiling (and, rarely, one
   * synced on a guess that another writer had already raised it; SQLite's own checkpoints sync
   * too, and are not counted).
   */
  commitCounts(): { readonly commits: number; readonly synced: number } {
    return { commits: this.#commits, synced: this.#syncedCommits };
  }

  async list(options: ListOptions = {}): Promise<ListResult> {
    this.#assertOpen();
    const after = afterKey(options);
    return this.#page(() => this.#statements.list.all(after, pageLimit(options.limit)));
  }

  async listByHolder(holder: string, options: ListOptions = {}): Promise<ListResult> {
    this.#assertOpen();
    const after = afterKey(options);
    return this.#page(() =>
      this.#statements.listByHolder.all(holder, after, pageLimit(options.limit)),
    );
  }

  async history(resource: string, options: HistoryOptions = {}): Promise<HistoryResult> {
    this.#assertOpen();
    const limit = pageLimit(options.limit);
    try {
      const rows = this.#statements.history.all(
        resourceKey(resource),
        options.afterSeq ?? 0,
        limit,
      ) as HistoryRow[];
      return { kind: 'ok', events: rows.map((row) => historyEntry(resource, row)) };
    } catch (error) {
      return { kind: 'unavailable', reason: unavailableReason(error) };
    }
  }

  async pruneHistory(beforeMs: number): Promise<PruneResult> {
    this.#assertOpen();
    assert(Number.isSafeInteger(beforeMs), `beforeMs must be an integer (got ${beforeMs})`);
    let removed = 0;
    try {
      for (let batch = 0; batch < PRUNE_BATCHES_MAX; batch++) {
        const changes = this.#statements.prune.run(beforeMs, PRUNE_BATCH_ROWS).changes;
        removed += changes;
        if (changes < PRUNE_BATCH_ROWS) break;
      }
    } catch (error) {
      // Batches already deleted stay deleted; the next call continues where this one stopped.
      return { kind: 'unavailable', reason: `${unavailableReason(error)} (${removed} removed)` };
    }
    return { kind: 'ok', removed };
  }

  async readSetting(name: string): Promise<SettingResult> {
    this.#assertOpen();
    assertSetting(name);
    try {
      const row = this.#statements.readSetting.get(name) as { value: string } | undefined;
      return { kind: 'ok', value: row?.value ?? null };
    } catch (error) {
      return { kind: 'unavailable', reason: unavailableReason(error) };
    }
  }

  async writeSetting(name: string, value: string): Promise<{ readonly kind: 'ok' } | Unavailable> {
    this.#assertOpen();
    assertSetting(name, value);
    try {
      this.#statements.writeSetting.run(name, value);
      return { kind: 'ok' };
    } catch (error) {
      return { kind: 'unavailable', reason: unavailableReason(error) };
    }
  }

  /**
   * Closes the file. With `normal`, first one synced commit makes every earlier commit durable and
   * takes this process off the list of writers that commit without syncing, so the next boot does
   * not need a recovery on its account. If that commit fails (the disk, or the busy timeout), the
   * process stays listed, which only costs the next boot a quarantine.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watchers.wakeAll();
    try {
      if (this.#writerId !== null) closeUnsyncedWriter(this.#db, this.#writerId);
    } catch (error) {
      if (environmentFailure(error) === null) throw error;
    } finally {
      this.#db.close();
    }
  }

  /** The version a resource without a record reads at: 0, or the last recovery's. */
  #absentVersion(): number {
    return this.#quarantine?.version ?? 0;
  }

  /** A resource without a record: never written, or written only in commits a recovery lost. */
  #absent(resource: string): LeaseRecord | null {
    return this.#quarantine === null ? null : absentUnderQuarantine(resource, this.#quarantine);
  }

  #page(query: () => unknown[]): ListResult {
    try {
      const rows = query() as ListRow[];
      const records: VersionedRecord[] = rows.map((row) => ({
        record: decodeRecord(resourceOfKey(row.key), row),
        version: row.version,
      }));
      return { kind: 'ok', records };
    } catch (error) {
      return { kind: 'unavailable', reason: unavailableReason(error) };
    }
  }

  /** Rolls back after a failure; a failed rollback leaves nothing to undo (SQLite already did). */
  #rollbackQuietly(): void {
    if (!this.#db.inTransaction) return;
    try {
      this.#statements.rollback.run();
    } catch (error) {
      if (environmentFailure(error) === null) throw error;
    }
  }

  #assertOpen(): void {
    assert(!this.#closed, `SqliteStore ${this.path} is closed`);
  }
}

function afterKey(options: ListOptions): Buffer {
  return options.afterResource === undefined ? KEY_BEFORE_ALL : resourceKey(options.afterResource);
}

function historyEntry(resource: string, row: HistoryRow): HistoryEntry {
  assert(resourceOfKey(row.key) === resource, 'history row read under another resource');
  return {
    kind: row.kind,
    resource,
    holder: row.holder,
    token: row.token,
    atMs: row.at_ms,
    requestId: row.request_id,
    previousHolder: row.previous_holder,
    seq: row.seq,
  };
}

/** The reason of an environment failure; anything else is a bug and is rethrown. */
function unavailableReason(error: unknown): string {
  const reason = environmentFailure(error);
  if (reason === null) throw error;
  return `sqlite: ${reason}`;
}
