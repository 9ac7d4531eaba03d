import { assert, type HistoryEvent, type LeaseRecord } from '@leasehold/core';
import type {
  SettingResult,
  CasResult,
  HistoryEntry,
  HistoryOptions,
  HistoryResult,
  LeaseStore,
  ListOptions,
  ListResult,
  PruneResult,
  ReadResult,
  VersionedRecord,
} from './lease-store.js';
import {
  ceilingsAfterRecovery,
  exceedsCeilings,
  NO_CEILINGS,
  quarantineEvent,
  quarantineRecord,
  raisedCeilings,
  recoveryMark,
  type Ceilings,
  type RecoveryMark,
  type RecoveryRule,
} from './recovery.js';
import { CEILING_STEP } from './limits.js';
import { ResourceWatchers } from './resource-watchers.js';
import { assertSetting, assertWritable, pageLimit } from './write-checks.js';

/**
 * The in-memory store: a reference implementation of the contract, the store for tests, and the
 * durable state behind the simulator's store. Records are frozen so nobody can mutate a record
 * after it was written (the write path is the only path).
 */
export interface MemoryStoreOptions {
  /**
   * Retention: keep at least this many of the newest history events (at most twice as many), so a
   * long-lived store's memory stays flat. Unlimited by default.
   */
  readonly historyEntriesMax?: number;
  /**
   * Models a store that acknowledges commits before they are on disk (SQLite with
   * synchronous=normal), for the simulator's power-loss fault: up to this many commits stay
   * unsynced (then a checkpoint syncs them), except that a commit passing a durability ceiling is
   * synced at once (recovery.ts). `powerLoss` forgets unsynced commits. Off by default.
   */
  readonly unsyncedCommitsMax?: number;
  /** The quarantine rule of `powerLoss` (default: recovery.ts's; the simulator's tests break it). */
  readonly recoveryRule?: RecoveryRule;
  /** How far a synced commit raises the token and version ceilings (default CEILING_STEP). */
  readonly ceilingStep?: number;
}

/** One write of a recovery's quarantine, as the store applied it. */
export interface QuarantineWrite {
  readonly before: LeaseRecord | null;
  readonly record: LeaseRecord;
  readonly event: HistoryEvent;
}

/** What a power loss forgot, and the recovery that followed. */
export interface PowerLoss {
  /** History events of the forgotten commits, oldest first. */
  readonly lost: readonly HistoryEvent[];
  readonly mark: RecoveryMark;
  readonly quarantined: readonly QuarantineWrite[];
}

interface UnsyncedCommit {
  readonly resource: string;
  readonly previous: VersionedRecord | undefined;
  readonly seq: number;
  readonly event: HistoryEvent;
}

export class MemoryStore implements LeaseStore {
  readonly #records = new Map<string, VersionedRecord>();
  readonly #settings = new Map<string, string>();
  #history: HistoryEntry[] = [];
  #seq = 0;
  #closed = false;
  readonly #historyEntriesMax: number;
  readonly #unsyncedCommitsMax: number;
  readonly #recoveryRule: RecoveryRule;
  readonly #ceilingStep: number;
  #unsynced: UnsyncedCommit[] = [];
  #ceilings: Ceilings = NO_CEILINGS;
  /** The last recovery, and the secret of its quarantine (resources without a record). */
  #quarantine: { readonly mark: RecoveryMark; readonly ownerKey: string } | null = null;
  readonly #watchers = new ResourceWatchers();

  constructor(options: MemoryStoreOptions = {}) {
    this.#historyEntriesMax = options.historyEntriesMax ?? Infinity;
    this.#unsyncedCommitsMax = options.unsyncedCommitsMax ?? 0;
    this.#recoveryRule = options.recoveryRule ?? recoveryMark;
    this.#ceilingStep = options.ceilingStep ?? CEILING_STEP;
  }

  async read(resource: string): Promise<ReadResult> {
    return this.readNow(resource);
  }

  /** Synchronous read, for harnesses that schedule the store themselves. */
  readNow(resource: string): ReadResult {
    this.#assertOpen();
    const entry = this.#records.get(resource);
    if (entry === undefined) {
      return { kind: 'ok', record: this.#absent(resource), version: this.#absentVersion() };
    }
    return { kind: 'ok', record: entry.record, version: entry.version };
  }

  async compareAndSet(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): Promise<CasResult> {
    return this.compareAndSetNow(resource, expectedVersion, record, event);
  }

  /** Synchronous compare-and-set, for harnesses that schedule the store themselves. */
  compareAndSetNow(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): CasResult {
    this.#assertOpen();
    const current = this.#records.get(resource);
    const version = current?.version ?? this.#absentVersion();
    // A stale write is a conflict, whatever it carries; only a write that would apply is checked
    // against the current record (a stale decision may well carry a lower token).
    if (version !== expectedVersion) return { kind: 'conflict', version };
    assertWritable(
      resource,
      expectedVersion,
      current?.record ?? this.#absent(resource),
      record,
      event,
    );
    this.#commit(resource, current, version + 1, record, event);
    this.#sync(record, version + 1);
    this.#watchers.wake(resource);
    return { kind: 'ok', version: version + 1 };
  }

  #commit(
    resource: string,
    current: VersionedRecord | undefined,
    version: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): void {
    const next = { record: frozenCopy(record), version };
    this.#records.set(resource, next);
    this.#seq += 1;
    this.#history.push(Object.freeze({ ...event, seq: this.#seq }));
    if (this.#history.length >= 2 * this.#historyEntriesMax) {
      this.#history = this.#history.slice(-this.#historyEntriesMax);
    }
    if (this.#unsyncedCommitsMax > 0) {
      this.#unsynced.push({ resource, previous: current, seq: this.#seq, event });
    }
  }

  /** After a commit of `record`: a commit passing a ceiling, or a checkpoint, syncs them all. */
  #sync(record: LeaseRecord, version: number): void {
    // A store that does not model unsynced commits has nothing to sync (the simulator's hot path).
    if (this.#unsyncedCommitsMax === 0) return;
    if (exceedsCeilings(record, version, this.#ceilings)) {
      this.#ceilings = raisedCeilings(this.#ceilings, record, version, this.#ceilingStep);
      this.#unsynced = [];
    }
    if (this.#unsynced.length >= this.#unsyncedCommitsMax) this.#unsynced = [];
  }

  /** Commits a power loss would forget now (0 unless `unsyncedCommitsMax` is set). */
  unsyncedCommits(): number {
    return this.#unsynced.length;
  }

  /**
   * Power loss, then the recovery of the next start: forgets every unsynced commit after the first
   * `keep` (what survives is a prefix), then quarantines every resource from `atMs` (recovery.ts),
   * the quarantine's owner key being `ownerKey`.
   */
  powerLoss(keep: number, atMs: number, ownerKey: string): PowerLoss {
    this.#assertOpen();
    assert(this.#unsyncedCommitsMax > 0, 'powerLoss needs a store made with unsyncedCommitsMax');
    const forgotten = this.#unsynced.slice(keep);
    for (const commit of [...forgotten].reverse()) {
      if (commit.previous === undefined) this.#records.delete(commit.resource);
      else this.#records.set(commit.resource, commit.previous);
    }
    const firstLostSeq = forgotten[0]?.seq ?? Infinity;
    this.#history = this.#history.filter((entry) => entry.seq < firstLostSeq);
    const highest = { token: 0, version: 0 };
    for (const entry of this.#records.values()) {
      highest.token = Math.max(highest.token, entry.record.token);
      highest.version = Math.max(highest.version, entry.version);
    }
    const mark = this.#recoveryRule(this.#ceilings, highest, atMs);
    const quarantined: QuarantineWrite[] = [];
    for (const resource of [...this.#records.keys()].sort(compareResources)) {
      const current = this.#records.get(resource)!;
      const record = quarantineRecord(resource, current.record, mark, ownerKey);
      const event = quarantineEvent(record, current.record);
      this.#commit(resource, current, mark.version, record, event);
      quarantined.push({ before: current.record, record, event });
    }
    // The recovery is one synced commit: nothing before it can be lost any more.
    this.#unsynced = [];
    this.#ceilings = ceilingsAfterRecovery(this.#ceilings, mark, this.#ceilingStep);
    this.#quarantine = { mark, ownerKey };
    this.#watchers.wakeAll();
    return { lost: forgotten.map((commit) => commit.event), mark, quarantined };
  }

  /** The version a resource without a record reads at: 0, or the last recovery's. */
  #absentVersion(): number {
    return this.#quarantine?.mark.version ?? 0;
  }

  /** A resource without a record: never written, or written only in commits a power loss lost. */
  #absent(resource: string): LeaseRecord | null {
    const q = this.#quarantine;
    return q === null ? null : quarantineRecord(resource, null, q.mark, q.ownerKey);
  }

  async list(options: ListOptions = {}): Promise<ListResult> {
    return { kind: 'ok', records: this.#page(() => true, options) };
  }

  async listByHolder(holder: string, options: ListOptions = {}): Promise<ListResult> {
    const held = (r: LeaseRecord): boolean => r.status === 'held' && r.holder === holder;
    return { kind: 'ok', records: this.#page(held, options) };
  }

  async history(resource: string, options: HistoryOptions = {}): Promise<HistoryResult> {
    this.#assertOpen();
    const limit = pageLimit(options.limit);
    const afterSeq = options.afterSeq ?? 0;
    const events: HistoryEntry[] = [];
    for (const entry of this.#history) {
      if (events.length >= limit) break;
      if (entry.resource === resource && entry.seq > afterSeq) events.push(entry);
    }
    return { kind: 'ok', events };
  }

  async pruneHistory(beforeMs: number): Promise<PruneResult> {
    this.#assertOpen();
    const before = this.#history.length;
    this.#history = this.#history.filter((entry) => entry.atMs >= beforeMs);
    return { kind: 'ok', removed: before - this.#history.length };
  }

  /** Resolves on the next committed write to `resource`, or when `signal` aborts. */
  watch(resource: string, signal: AbortSignal): Promise<void> {
    this.#assertOpen();
    return this.#watchers.wait(resource, signal);
  }

  /** Watches waiting now (bounded by WATCHERS_MAX; each is removed when it ends). */
  watchers(): number {
    return this.#watchers.size;
  }

  async readSetting(name: string): Promise<SettingResult> {
    this.#assertOpen();
    assertSetting(name);
    return { kind: 'ok', value: this.#settings.get(name) ?? null };
  }

  async writeSetting(name: string, value: string): Promise<{ readonly kind: 'ok' }> {
    this.#assertOpen();
    assertSetting(name, value);
    this.#settings.set(name, value);
    return { kind: 'ok' };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watchers.wakeAll();
  }

  #page(keep: (record: LeaseRecord) => boolean, options: ListOptions): VersionedRecord[] {
    this.#assertOpen();
    const limit = pageLimit(options.limit);
    const after = options.afterResource;
    const resources = [...this.#records.keys()].sort(compareResources);
    const page: VersionedRecord[] = [];
    for (const resource of resources) {
      if (page.length >= limit) break;
      if (after !== undefined && compareResources(resource, after) <= 0) continue;
      const entry = this.#records.get(resource)!;
      if (keep(entry.record)) page.push(entry);
    }
    return page;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('MemoryStore is closed');
  }
}

/** Resource order of every listing: by UTF-16 code units, as JavaScript compares strings. */
export function compareResources(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * A deep copy of a record, frozen: nobody holding the written object can change what the store
 * keeps. Records are plain data (strings, numbers, arrays and objects of them, as every store
 * serializes them), so a plain copy is complete, and several times faster than structuredClone
 * on the simulator's hot path.
 */
function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    copy[key] = frozenCopy((value as Record<string, unknown>)[key]);
  return Object.freeze(copy) as T;
}
