import type { HistoryEvent, LeaseRecord } from '@leasehold/core';

/**
 * The contract every store implements (memory, SQLite, etcd, simulated). A store keeps one record
 * per resource with a version, and applies a record and its history event in one atomic
 * compare-and-set. It makes no lease decisions: those are `@leasehold/core`'s, run by the client.
 *
 * Expected failures are values. `unavailable` means the store could not be reached or answered too
 * late; for a compare-and-set it is indeterminate (`maybeApplied`), and the caller must re-read.
 * `maybeApplied` is false only when the write can never apply: a transport that may deliver a
 * request again (a retrying proxy, a duplicated packet) must say true even when the store refused
 * the copy that answered.
 * Programmer errors (a record for another resource, a token going down) throw.
 */
export interface LeaseStore {
  /** The record of `resource` and its version (0 and null when it has never been written). */
  read(resource: string): Promise<ReadResult>;
  /**
   * Writes `record` and appends `event` to history, atomically, if and only if the current
   * version is `expectedVersion`. Versions start at 1 and increase by one per write. A write that
   * would apply but lowers the resource's token, gives it a token below 1, or carries a record or
   * event of another resource is a caller's bug: it throws and changes nothing (write-checks.ts).
   * The store keeps its own copy of `record`, and what `read` answers cannot change what it holds.
   */
  compareAndSet(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): Promise<CasResult>;
  /** Records in resource order, `limit` at most, starting after `afterResource`. */
  list(options?: ListOptions): Promise<ListResult>;
  /** Records whose current holder is `holder`, in resource order. */
  listByHolder(holder: string, options?: ListOptions): Promise<ListResult>;
  /** History events of `resource`, oldest first, `limit` at most, after sequence `afterSeq`. */
  history(resource: string, options?: HistoryOptions): Promise<HistoryResult>;
  /** Deletes history events with `atMs` before `beforeMs` (retention). Records are never deleted. */
  pruneHistory(beforeMs: number): Promise<PruneResult>;
  /**
   * Optional: resolves when the record of `resource` may have changed (a write committed after the
   * call) or when `signal` aborts, whichever comes first; it may also resolve spuriously, so the
   * caller re-reads. A blocking acquire waits on it to take a released lease at once, instead of
   * sleeping until the holder's lease could have expired. It never rejects. A store without it
   * leaves the caller to its timer (the simulator's store has none: its schedule stays as it was).
   */
  watch?(resource: string, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional: a named setting kept beside the leases (the lease service's runtime configuration),
   * as text; null when never written. Stores that lack it leave settings to the caller's memory.
   */
  readSetting?(name: string): Promise<SettingResult>;
  writeSetting?(name: string, value: string): Promise<{ readonly kind: 'ok' } | Unavailable>;
}

export type SettingResult = { readonly kind: 'ok'; readonly value: string | null } | Unavailable;

export interface Unavailable {
  readonly kind: 'unavailable';
  readonly reason: string;
}

export interface VersionedRecord {
  readonly record: LeaseRecord;
  readonly version: number;
}

export type ReadResult =
  | { readonly kind: 'ok'; readonly record: LeaseRecord | null; readonly version: number }
  | Unavailable;

export type CasResult =
  | { readonly kind: 'ok'; readonly version: number }
  | { readonly kind: 'conflict'; readonly version: number }
  | (Unavailable & { readonly maybeApplied: boolean });

export interface ListOptions {
  readonly limit?: number;
  readonly afterResource?: string;
}

export type ListResult =
  { readonly kind: 'ok'; readonly records: readonly VersionedRecord[] } | Unavailable;

export interface HistoryOptions {
  readonly limit?: number;
  readonly afterSeq?: number;
}

export interface HistoryEntry extends HistoryEvent {
  /** Store-wide sequence number, increasing in commit order. */
  readonly seq: number;
}

export type HistoryResult =
  { readonly kind: 'ok'; readonly events: readonly HistoryEntry[] } | Unavailable;

export type PruneResult = { readonly kind: 'ok'; readonly removed: number } | Unavailable;
