import { assert, type HistoryEvent, type LeaseRecord } from '@leasehold/core';
import {
  assertSetting,
  assertWritable,
  pageLimit,
  type CasResult,
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
import type { Etcd3, IKeyValue, IRangeResponse, IResponseHeader } from 'etcd3';
import { boundedCall, type Bounded } from './bounded-call.js';
import { decodeEvent, decodeRecord, encodeJson, int64 } from './codec.js';
import type { Keys } from './keys.js';
import type { LeaderRoute } from './leader-route.js';
import {
  ETCD_TXN_OPS_MAX,
  ETCD_WATCH_RETRY_MS,
  ETCD_WATCHES_MAX,
  READ_CACHE_ENTRIES_MAX,
  SCAN_PAGES_MAX,
  SCAN_PAGE_KEYS,
} from './limits.js';
import { watchRecord } from './watch-record.js';

/** What the store last saw of a record: enough to check a write against it without a read. */
interface Seen {
  readonly version: number;
  readonly modRevision: number;
  readonly record: LeaseRecord | null;
}

/**
 * A LeaseStore on an etcd cluster (opened by `openEtcdStore`). A record's version is its etcd key
 * version (1 on create, +1 per put; records are never deleted), and a compare-and-set is one etcd
 * transaction: if the key's version (and modification revision) are the expected ones, put the
 * record and its history event together, else read the current version. The history event's `seq`
 * is the revision of the transaction that wrote it: store-wide, in commit order.
 */
export class EtcdStore implements LeaseStore {
  readonly #pool: Etcd3;
  readonly #route: LeaderRoute;
  readonly #keys: Keys;
  readonly #timeoutMs: number;
  readonly #seen = new Map<string, Seen>();
  #closed = false;
  #watches = 0;
  /** The newest revision any reply has carried: a watch starts just after it. 0 before any. */
  #revision = 0n;

  constructor(pool: Etcd3, route: LeaderRoute, keys: Keys, timeoutMs: number) {
    this.#pool = pool;
    this.#route = route;
    this.#keys = keys;
    this.#timeoutMs = timeoutMs;
  }

  /** The endpoint requests go to (the raft leader's), or null while they use every endpoint. */
  leaderEndpoint(): string | null {
    return this.#route.leaderEndpoint();
  }

  /** Resolves once the search for the leader in flight, if any, has finished. */
  async routeSettled(): Promise<void> {
    await this.#route.settled();
  }

  /** The client for the next request: the leader's when the route knows it. */
  #client(): Etcd3 {
    return this.#route.client();
  }

  /** Tells the route how a call through `used` went (a reply's raft term, or a failure). */
  #outcome<T extends { readonly header: IResponseHeader }>(used: Etcd3, got: Bounded<T>): void {
    if (got.kind === 'ok') {
      this.#route.observed(got.value.header);
      const revision = BigInt(got.value.header.revision);
      if (revision > this.#revision) this.#revision = revision;
    } else this.#route.failed(used);
  }

  async read(resource: string): Promise<ReadResult> {
    this.#assertOpen();
    const key = this.#keys.record(resource);
    const client = this.#client();
    const got = await boundedCall(this.#timeoutMs, 'read', (deadline) =>
      client.get(key).options({ deadline }).exec(),
    );
    this.#outcome(client, got);
    if (got.kind === 'failed') return { kind: 'unavailable', reason: got.reason };
    const seen = this.#remember(resource, got.value.kvs[0]);
    return { kind: 'ok', record: seen.record, version: seen.version };
  }

  async compareAndSet(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): Promise<CasResult> {
    this.#assertOpen();
    assertWritable(resource, expectedVersion, null, record, event);
    const current = await this.#currentAt(resource, expectedVersion);
    if (current.kind === 'unavailable') return { ...current, maybeApplied: false };
    if (current.kind === 'conflict') return current;
    // The token check (I-5) against the record this write replaces.
    assertWritable(resource, expectedVersion, current.seen.record, record, event);
    return this.#commit(resource, expectedVersion, current.seen, record, event);
  }

  async #commit(
    resource: string,
    expectedVersion: number,
    seen: Seen,
    record: LeaseRecord,
    event: HistoryEvent,
  ): Promise<CasResult> {
    const key = this.#keys.record(resource);
    const value = encodeJson(record);
    const client = this.#client();
    const txn = await boundedCall(this.#timeoutMs, 'compare-and-set', (deadline) => {
      let compare = client.if(key, 'Version', '==', expectedVersion);
      if (expectedVersion > 0) compare = compare.and(key, 'Mod', '==', seen.modRevision);
      return compare
        .then(
          client.put(key).value(value),
          client.put(this.#keys.history(resource, expectedVersion + 1)).value(encodeJson(event)),
        )
        .else(client.get(key))
        .options({ deadline })
        .commit();
    });
    this.#outcome(client, txn);
    if (txn.kind === 'failed') {
      this.#seen.delete(resource);
      // The transaction may have been applied and only its reply lost: indeterminate.
      return { kind: 'unavailable', reason: txn.reason, maybeApplied: true };
    }
    const version = expectedVersion + 1;
    if (txn.value.succeeded) {
      const modRevision = int64(txn.value.header.revision);
      this.#cache(resource, { version, modRevision, record });
      return { kind: 'ok', version };
    }
    const kv = txn.value.responses[0]?.response_range.kvs[0];
    const now = this.#remember(resource, kv);
    // The etcd client retries a request whose connection failed; if the first attempt was applied,
    // the retry finds our own record (same bytes: it carries our request id) one version up.
    if (kv !== undefined && now.version === version && kv.value.equals(value)) {
      return { kind: 'ok', version };
    }
    return { kind: 'conflict', version: now.version };
  }

  /** The record at `expectedVersion`, from the last read if it saw that version, else read now. */
  async #currentAt(
    resource: string,
    expectedVersion: number,
  ): Promise<
    | { readonly kind: 'current'; readonly seen: Seen }
    | { readonly kind: 'conflict'; readonly version: number }
    | { readonly kind: 'unavailable'; readonly reason: string }
  > {
    if (expectedVersion === 0) {
      return { kind: 'current', seen: { version: 0, modRevision: 0, record: null } };
    }
    const cached = this.#seen.get(resource);
    if (cached !== undefined && cached.version === expectedVersion) {
      return { kind: 'current', seen: cached };
    }
    const read = await this.read(resource);
    if (read.kind === 'unavailable') return read;
    if (read.version !== expectedVersion) return { kind: 'conflict', version: read.version };
    const seen = this.#seen.get(resource);
    assert(seen !== undefined && seen.version === expectedVersion, 'read must remember its record');
    return { kind: 'current', seen };
  }

  async list(options: ListOptions = {}): Promise<ListResult> {
    this.#assertOpen();
    const limit = pageLimit(options.limit);
    const got = await boundedCall(this.#timeoutMs, 'list', (deadline) =>
      this.#client()
        .getAll()
        .inRange({
          start: this.#keys.recordAfter(options.afterResource),
          end: this.#keys.recordsEnd(),
        })
        .limit(limit)
        .options({ deadline })
        .exec(),
    );
    if (got.kind === 'failed') return { kind: 'unavailable', reason: got.reason };
    return { kind: 'ok', records: got.value.kvs.map((kv) => this.#versioned(kv)) };
  }

  async listByHolder(holder: string, options: ListOptions = {}): Promise<ListResult> {
    this.#assertOpen();
    const limit = pageLimit(options.limit);
    const got = await boundedCall(this.#timeoutMs, 'list by holder', async (deadline) => {
      const records: VersionedRecord[] = [];
      await this.#scan(
        this.#keys.recordAfter(options.afterResource),
        this.#keys.recordsEnd(),
        deadline,
        (kv) => {
          const versioned = this.#versioned(kv);
          const r = versioned.record;
          if (r.status === 'held' && r.holder === holder) records.push(versioned);
          return records.length < limit;
        },
      );
      return records;
    });
    if (got.kind === 'failed') return { kind: 'unavailable', reason: got.reason };
    return { kind: 'ok', records: got.value };
  }

  async history(
    resource: string,
    options: { readonly limit?: number; readonly afterSeq?: number } = {},
  ): Promise<HistoryResult> {
    this.#assertOpen();
    const limit = pageLimit(options.limit);
    const afterSeq = options.afterSeq ?? 0;
    const got = await boundedCall(this.#timeoutMs, 'history', (deadline) => {
      const range = this.#client().getAll().prefix(this.#keys.historyPrefix(resource)).limit(limit);
      if (afterSeq > 0) range.minCreateRevision(afterSeq + 1);
      return range.options({ deadline }).exec();
    });
    if (got.kind === 'failed') return { kind: 'unavailable', reason: got.reason };
    const events = got.value.kvs.map((kv) => ({
      ...decodeEvent(resource, kv.value),
      seq: int64(kv.create_revision),
    }));
    return { kind: 'ok', events };
  }

  async readSetting(name: string): Promise<SettingResult> {
    this.#assertOpen();
    assertSetting(name);
    const client = this.#client();
    const got = await boundedCall(this.#timeoutMs, 'read setting', (deadline) =>
      client.get(this.#keys.setting(name)).options({ deadline }).exec(),
    );
    this.#outcome(client, got);
    if (got.kind === 'failed') return { kind: 'unavailable', reason: got.reason };
    const kv = got.value.kvs[0];
    return { kind: 'ok', value: kv === undefined ? null : kv.value.toString('utf8') };
  }

  async writeSetting(name: string, value: string): Promise<{ readonly kind: 'ok' } | Unavailable> {
    this.#assertOpen();
    assertSetting(name, value);
    const client = this.#client();
    const got = await boundedCall(this.#timeoutMs, 'write setting', (deadline) =>
      client.put(this.#keys.setting(name)).value(value).options({ deadline }).exec(),
    );
    this.#outcome(client, got);
    if (got.kind === 'failed') return { kind: 'unavailable', reason: got.reason };
    return { kind: 'ok' };
  }

  async pruneHistory(beforeMs: number): Promise<PruneResult> {
    this.#assertOpen();
    assert(Number.isSafeInteger(beforeMs), `beforeMs must be an integer (got ${beforeMs})`);
    let removed = 0;
    const got = await boundedCall(this.#timeoutMs, 'prune history', async (deadline) => {
      let batch: Buffer[] = [];
      await this.#scan(this.#keys.historyStart(), this.#keys.historyEnd(), deadline, (kv) => {
        const event = JSON.parse(kv.value.toString('utf8')) as HistoryEvent;
        if (event.atMs < beforeMs) batch.push(kv.key);
        return true;
      });
      while (batch.length > 0) {
        removed += await this.#deleteKeys(batch.slice(0, ETCD_TXN_OPS_MAX), deadline);
        batch = batch.slice(ETCD_TXN_OPS_MAX);
      }
    });
    if (got.kind === 'failed') {
      return { kind: 'unavailable', reason: `${got.reason} (${removed} removed)` };
    }
    return { kind: 'ok', removed };
  }

  /**
   * Resolves when the record of `resource` may have changed (an etcd watch on its key saw a write
   * at a revision after the newest reply this store has had), or when `signal` aborts. Whatever
   * the caller read before or reads after the call, a write it has not seen wakes it. Before this
   * store has had any reply it knows no revision to start from, so it resolves at once (a spurious
   * wake: the caller reads, and its next watch starts after that read). At most ETCD_WATCHES_MAX
   * are open; past it a watch ends only with its signal, and the caller's timer paces it.
   */
  async watch(resource: string, signal: AbortSignal): Promise<void> {
    this.#assertOpen();
    if (signal.aborted || this.#revision === 0n) return;
    if (this.#watches >= ETCD_WATCHES_MAX) {
      return new Promise((resolve) => {
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    this.#watches += 1;
    try {
      const key = this.#keys.record(resource);
      const from = this.#revision + 1n;
      await watchRecord(this.#pool, key, from, signal, this.#timeoutMs, ETCD_WATCH_RETRY_MS);
    } finally {
      this.#watches -= 1;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#route.close();
    this.#pool.close();
  }

  /** Deletes `keys` in one transaction; returns how many existed. */
  async #deleteKeys(keys: readonly Buffer[], deadline: Date): Promise<number> {
    const client = this.#client();
    const txn = await client
      .if(keys[0]!, 'Create', '>', 0)
      .then(...keys.map((key) => client.delete().key(key)))
      .options({ deadline })
      .commit();
    if (!txn.succeeded) return 0;
    return txn.responses.reduce((sum, r) => sum + int64(r.response_delete_range.deleted), 0);
  }

  /**
   * Visits the keys in [start, end) in order, page by page, all at the revision of the first page
   * (one consistent snapshot), until `visit` answers false or the range ends.
   */
  async #scan(
    start: Buffer,
    end: Buffer,
    deadline: Date,
    visit: (kv: IKeyValue) => boolean,
  ): Promise<void> {
    let from = start;
    let revision: string | null = null;
    for (let page = 0; page < SCAN_PAGES_MAX; page++) {
      const range = this.#client().getAll().inRange({ start: from, end }).limit(SCAN_PAGE_KEYS);
      if (revision !== null) range.revision(revision);
      const response: IRangeResponse = await range.options({ deadline }).exec();
      revision ??= response.header.revision;
      for (const kv of response.kvs) if (!visit(kv)) return;
      const last = response.kvs.at(-1);
      if (!response.more || last === undefined) return;
      from = Buffer.concat([last.key, Buffer.alloc(1)]);
    }
    throw new Error(`scan passed ${SCAN_PAGES_MAX} pages of ${SCAN_PAGE_KEYS} keys`);
  }

  #versioned(kv: IKeyValue): VersionedRecord {
    const resource = this.#keys.resourceOfRecord(kv.key);
    return { record: decodeRecord(resource, kv.value), version: int64(kv.version) };
  }

  #remember(resource: string, kv: IKeyValue | undefined): Seen {
    const seen: Seen =
      kv === undefined
        ? { version: 0, modRevision: 0, record: null }
        : {
            version: int64(kv.version),
            modRevision: int64(kv.mod_revision),
            record: decodeRecord(resource, kv.value),
          };
    this.#cache(resource, seen);
    return seen;
  }

  #cache(resource: string, seen: Seen): void {
    this.#seen.delete(resource);
    this.#seen.set(resource, seen);
    // Map iteration is insertion order: the first key is the least recently seen.
    if (this.#seen.size > READ_CACHE_ENTRIES_MAX) {
      this.#seen.delete(this.#seen.keys().next().value!);
    }
  }

  #assertOpen(): void {
    assert(!this.#closed, 'EtcdStore is closed');
  }
}
