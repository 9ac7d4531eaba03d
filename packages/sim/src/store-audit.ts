import { isDeepStrictEqual } from 'node:util';
import type { HistoryEvent, LeaseRecord } from '@leasehold/core';
import {
  LIST_LIMIT_MAX,
  type HistoryEntry,
  type LeaseStore,
  type VersionedRecord,
} from '@leasehold/store';
import type { RecoveredRecord } from '@leasehold/step';
import { AUDIT_HISTORY_PAGES_MAX, AUDIT_PAGES_MAX, STORE_HISTORY_EVENTS_MAX } from './limits.js';
import type { HistoryRetention } from './simulated-store.js';
import { Prng } from './prng.js';
import { probeStoreGuards } from './store-guards.js';

/** An event the store must keep: exactly what a client sent, or the quarantine a recovery wrote. */
type Expected =
  | { readonly kind: 'sent'; readonly event: HistoryEvent }
  | { readonly kind: 'quarantine'; readonly resource: string; readonly record: LeaseRecord };

/**
 * The store's listing and history judged against what the world saw applied, at the end of a run
 * that passed everything else. The world tells the audit of every write that moved the store's
 * version (the record and history event the client sent) and of every power loss (how many
 * commits it forgot, what each resource holds after recovery); the audit then pages through
 * `list`, `listByHolder` and `history` with page sizes drawn from its own stream, and prunes the
 * history at a drawn instant, and names the first disagreement. Nothing here moves the run's other
 * streams or its trace, so a passing run's trace is the same with or without it.
 */
export class StoreAudit {
  readonly #retention: HistoryRetention;
  readonly #records = new Map<string, VersionedRecord>();
  /**
   * The newest events the store must keep, oldest first: at least twice the retention (the store
   * keeps fewer), so memory stays flat over a long run. `#committed` counts them all.
   */
  #events: Expected[] = [];
  #committed = 0;
  #powerLosses = 0;

  constructor(retention: HistoryRetention) {
    this.#retention = retention;
  }

  /**
   * Every record the writes applied left, whole, with its version, in resource order: what a run's
   * trace hash covers beyond its lines, so ids drawn from anything but the seed show as
   * nondeterminism (C-8).
   */
  stateText(): string {
    const records = [...this.#records.values()].sort((a, b) =>
      codeUnitOrder(a.record.resource, b.record.resource),
    );
    try {
      // An implementation under test may store a bigint: written as its digits.
      return JSON.stringify(records, (_, value: unknown) =>
        typeof value === 'bigint' ? `${value}n` : value,
      );
    } catch {
      // A record that refers to itself: its resource and version are still hashed.
      return records.map((v) => `${v.record.resource}@${v.version}`).join('\n');
    }
  }

  /** A write applied: `record` is what the client sent, now at `version`, with `event`. */
  onApplied(record: LeaseRecord, version: number, event: HistoryEvent): void {
    this.#records.set(record.resource, { record, version });
    this.#push({ kind: 'sent', event });
  }

  #push(expected: Expected): void {
    this.#events.push(expected);
    this.#committed += 1;
    if (this.#events.length >= 4 * STORE_HISTORY_EVENTS_MAX)
      this.#events = this.#events.slice(-2 * STORE_HISTORY_EVENTS_MAX);
  }

  /**
   * A power loss forgot the last `lost` commits; then the recovery wrote one quarantine commit per
   * resource that still had a record, in resource order (`recovered`: what each holds now).
   */
  onPowerLoss(lost: number, recovered: readonly RecoveredRecord[]): void {
    this.#powerLosses += 1;
    this.#events = this.#events.slice(0, Math.max(0, this.#events.length - lost));
    this.#committed = Math.max(0, this.#committed - lost);
    const kept = recovered
      .filter((r) => r.survived !== null && r.after !== null)
      .sort((a, b) => codeUnitOrder(a.resource, b.resource));
    for (const r of recovered) if (r.survived === null) this.#records.delete(r.resource);
    for (const r of kept) {
      this.#records.set(r.resource, { record: r.after!, version: r.versionAfter });
      this.#push({ kind: 'quarantine', resource: r.resource, record: r.after! });
    }
  }

  /** Audits `store`, then probes its guards (store-guards.ts); the first disagreement, or null. */
  async audit(store: LeaseStore, seed: string, holders: readonly string[]): Promise<string | null> {
    const prng = new Prng(seed, 'audit');
    const written = [...this.#records.values()].sort((a, b) =>
      codeUnitOrder(a.record.resource, b.record.resource),
    );
    return (
      (await this.#auditListing(store, prng, holders)) ??
      (await this.#auditHistory(store, prng)) ??
      // Last: its final probe writes.
      (await probeStoreGuards(store, prng, written))
    );
  }

  async #auditListing(
    store: LeaseStore,
    prng: Prng,
    holders: readonly string[],
  ): Promise<string | null> {
    const want = [...this.#records.values()].sort((a, b) =>
      codeUnitOrder(a.record.resource, b.record.resource),
    );
    const whole = await store.list();
    if (whole.kind !== 'ok') return `list() answered ${whole.kind}`;
    const wrong = compareListing('list()', whole.records, want);
    if (wrong !== null) return wrong;
    const over = await store.list({ limit: LIST_LIMIT_MAX + 1 + prng.int(1_000) });
    if (over.kind !== 'ok') return `list({ limit above the maximum }) answered ${over.kind}`;
    const overWrong = compareListing('list({ limit above the maximum })', over.records, want);
    if (overWrong !== null) return overWrong;
    const size = prng.between(1, 3);
    const paged = await pageListing((options) => store.list(options), size);
    if (typeof paged === 'string') return `list({ limit: ${size} }) ${paged}`;
    const pagedWrong = compareListing(`list() in pages of ${size}`, paged, want);
    if (pagedWrong !== null) return pagedWrong;
    for (const holder of [...holders, 'nobody-holds-this']) {
      const mine = want.filter((v) => v.record.status === 'held' && v.record.holder === holder);
      const pageSize = prng.between(1, 3);
      const got = await pageListing((options) => store.listByHolder(holder, options), pageSize);
      const call = `listByHolder(${JSON.stringify(holder)}) in pages of ${pageSize}`;
      if (typeof got === 'string') return `${call} ${got}`;
      const byHolderWrong = compareListing(call, got, mine);
      if (byHolderWrong !== null) return byHolderWrong;
    }
    return null;
  }

  async #auditHistory(store: LeaseStore, prng: Prng): Promise<string | null> {
    const resources = [...this.#records.keys()].sort(codeUnitOrder);
    const kept = await this.#wholeHistory(store, prng, resources);
    if (typeof kept === 'string') return kept;
    const wrong = this.#compareHistory(kept);
    if (wrong !== null) return wrong;
    const none = await store.history('never-written-by-this-run');
    if (none.kind !== 'ok' || none.events.length > 0)
      return `history of a resource nobody wrote answered ${none.kind === 'ok' ? `${none.events.length} events` : none.kind}`;
    // Retention: prune before a drawn event's instant (or just after it) and look again.
    if (kept.length === 0) return null;
    const at = prng.pick(kept).atMs + prng.int(2);
    const pruned = await store.pruneHistory(at);
    if (pruned.kind !== 'ok') return `pruneHistory(${at}) answered ${pruned.kind}`;
    const left = kept.filter((e) => e.atMs >= at);
    if (pruned.removed !== kept.length - left.length)
      return `pruneHistory(${at}) removed ${pruned.removed} events, but ${kept.length - left.length} of the ${kept.length} kept are older than ${at}`;
    const after = await this.#wholeHistory(store, prng, resources);
    if (typeof after === 'string') return after;
    if (!isDeepStrictEqual(after, left))
      return `after pruneHistory(${at}) the history holds ${after.length} events, expected the ${left.length} not older than ${at}`;
    return null;
  }

  /** Every resource's history, paged (one drawn resource in small pages), merged by sequence. */
  async #wholeHistory(
    store: LeaseStore,
    prng: Prng,
    resources: readonly string[],
  ): Promise<HistoryEntry[] | string> {
    const small = resources.length === 0 ? null : prng.pick(resources);
    const merged: HistoryEntry[] = [];
    for (const resource of resources) {
      const size = resource === small ? prng.between(1, 3) : LIST_LIMIT_MAX;
      // Enough pages for every event committed (a store may keep them all), within a hard bound.
      const pagesMax = Math.min(
        AUDIT_HISTORY_PAGES_MAX,
        Math.max(AUDIT_PAGES_MAX, Math.ceil(this.#committed / size) + 2),
      );
      let afterSeq = 0;
      for (let page = 0; ; page++) {
        if (page >= pagesMax)
          return `history(${JSON.stringify(resource)}) still had pages after ${pagesMax}`;
        const got = await store.history(resource, { limit: size, afterSeq });
        const call = `history(${JSON.stringify(resource)}, { limit: ${size}, afterSeq: ${afterSeq} })`;
        if (got.kind !== 'ok') return `${call} answered ${got.kind}`;
        if (got.events.length > size) return `${call} answered ${got.events.length} events`;
        for (const entry of got.events) {
          if (entry.resource !== resource)
            return `${call} answered an event of ${JSON.stringify(entry.resource)}`;
          if (entry.seq <= afterSeq)
            return `${call} answered sequence ${entry.seq}, not after ${afterSeq}`;
          afterSeq = entry.seq;
          merged.push(entry);
        }
        if (got.events.length < size) break;
      }
    }
    return merged.sort((a, b) => a.seq - b.seq);
  }

  /**
   * What the store kept must be the newest of the events it was given, in commit order: at most
   * twice the retention, and (unless a power loss took events out from under a trim) at least the
   * retention or everything.
   */
  #compareHistory(whole: readonly HistoryEntry[]): string | null {
    const all = this.#events;
    const committed = this.#committed;
    const retention = this.#retention;
    if (retention.kind === 'all' && this.#powerLosses === 0 && whole.length !== committed)
      return `the history holds ${whole.length} events, but ${committed} were committed and the store keeps every event`;
    // Of a store that keeps everything, the newest events the audit remembers are compared.
    const kept = retention.kind === 'all' ? whole.slice(-all.length) : whole;
    if (kept.length > all.length)
      return `the history holds ${kept.length} events, but only ${Math.min(all.length, committed)} of the newest were committed and not lost`;
    if (retention.kind === 'newest') {
      const eventsMin = retention.eventsMin;
      if (kept.length >= 2 * eventsMin)
        return `the history holds ${kept.length} events, more than twice the retention of ${eventsMin}`;
      const atLeast = Math.min(committed, eventsMin);
      if (this.#powerLosses === 0 && kept.length < atLeast)
        return `the history holds ${kept.length} events, but ${committed} were committed and the retention keeps at least ${atLeast}`;
    }
    const from = all.length - kept.length;
    for (let i = 0; i < kept.length; i++) {
      const entry = kept[i]!;
      if (i > 0 && entry.seq <= kept[i - 1]!.seq)
        return `history sequence numbers repeat or go down (${kept[i - 1]!.seq} then ${entry.seq})`;
      const expected = all[from + i]!;
      const wrong = compareEvent(entry, expected);
      if (wrong !== null)
        return `history event ${committed - all.length + from + i + 1} of ${committed} (sequence ${entry.seq}): ${wrong}`;
    }
    return null;
  }
}

function compareEvent(entry: HistoryEntry, expected: Expected): string | null {
  const event: Record<string, unknown> = { ...entry };
  delete event['seq'];
  if (expected.kind === 'sent') {
    if (isDeepStrictEqual(event, { ...expected.event })) return null;
    return `the store kept ${JSON.stringify(event)}, but the write sent ${JSON.stringify(expected.event)}`;
  }
  const r = expected.record;
  if (
    event.kind === 'granted' &&
    event.resource === expected.resource &&
    r.status === 'held' &&
    event.holder === r.holder &&
    event.token === r.token
  )
    return null;
  return `the store kept ${JSON.stringify(event)}, but the recovery quarantined ${JSON.stringify(expected.resource)} with ${JSON.stringify(r)}`;
}

function compareListing(
  call: string,
  got: readonly VersionedRecord[],
  want: readonly VersionedRecord[],
): string | null {
  const names = (list: readonly VersionedRecord[]) =>
    list.map((v) => `${JSON.stringify(v.record.resource)}@${v.version}`).join(', ');
  if (
    got.length !== want.length ||
    got.some(
      (v, i) => v.record.resource !== want[i]!.record.resource || v.version !== want[i]!.version,
    )
  )
    return `${call} answered [${names(got)}], but the writes applied leave [${names(want)}]`;
  for (let i = 0; i < got.length; i++) {
    if (!isDeepStrictEqual({ ...got[i]!.record }, { ...want[i]!.record }))
      return `${call} answered ${JSON.stringify(got[i]!.record)} for ${JSON.stringify(want[i]!.record.resource)}, but the write applied ${JSON.stringify(want[i]!.record)}`;
  }
  return null;
}

/** Pages a listing with `limit: size` and `afterResource`; the records, or what went wrong. */
async function pageListing(
  list: (options: {
    limit: number;
    afterResource?: string;
  }) => Promise<
    | { readonly kind: 'ok'; readonly records: readonly VersionedRecord[] }
    | { readonly kind: 'unavailable' }
  >,
  size: number,
): Promise<VersionedRecord[] | string> {
  const all: VersionedRecord[] = [];
  let after: string | undefined;
  for (let page = 0; page < AUDIT_PAGES_MAX; page++) {
    const got = await list(
      after === undefined ? { limit: size } : { limit: size, afterResource: after },
    );
    if (got.kind !== 'ok') return `answered ${got.kind}`;
    if (got.records.length > size) return `answered ${got.records.length} records in one page`;
    all.push(...got.records);
    if (got.records.length < size) return all;
    after = got.records.at(-1)!.record.resource;
  }
  return `still had pages after ${AUDIT_PAGES_MAX}`;
}

/** The listing order of the store contract: by UTF-16 code units, as JavaScript compares strings. */
function codeUnitOrder(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
