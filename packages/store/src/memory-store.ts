import type { HistoryEvent, LeaseRecord } from '@leasehold/core';
import type {
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
} from './lease-store';
import { assertWritable, pageLimit } from './write-checks';

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
}

export class MemoryStore implements LeaseStore {
  readonly #records = new Map<string, VersionedRecord>();
  #history: HistoryEntry[] = [];
  #seq = 0;
  #closed = false;
  readonly #historyEntriesMax: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#historyEntriesMax = options.historyEntriesMax ?? Infinity;
  }

  async read(resource: string): Promise<ReadResult> {
    return this.readNow(resource);
  }

  /** Synchronous read, for harnesses that schedule the store themselves. */
  readNow(resource: string): ReadResult {
    this.#assertOpen();
    const entry = this.#records.get(resource);
    if (entry === undefined) return { kind: 'ok', record: null, version: 0 };
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
    const version = current?.version ?? 0;
    // A stale write is a conflict, whatever it carries; only a write that would apply is checked
    // against the current record (a stale decision may well carry a lower token).
    if (version !== expectedVersion) return { kind: 'conflict', version };
    assertWritable(resource, expectedVersion, current?.record ?? null, record, event);
    const next = { record: deepFreeze(structuredClone(record)), version: version + 1 };
    this.#records.set(resource, next);
    this.#seq += 1;
    this.#history.push(Object.freeze({ ...event, seq: this.#seq }));
    if (this.#history.length >= 2 * this.#historyEntriesMax) {
      this.#history = this.#history.slice(-this.#historyEntriesMax);
    }
    return { kind: 'ok', version: next.version };
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

  async close(): Promise<void> {
    this.#closed = true;
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

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
