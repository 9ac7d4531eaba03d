import { isDeepStrictEqual } from 'node:util';
import type { HistoryEvent, LeaseRecord } from '@leasehold/core';
import type { LeaseStore, VersionedRecord } from '@leasehold/store';
import type { Prng } from './prng.js';

/** A resource no run writes: the guard of a store's first write is probed on it. */
const NEVER_WRITTEN = 'never-written-by-this-run';

/**
 * The guards every store keeps whatever its caller decided (CONSTRAINTS.md C-3), probed after the
 * audit of a passing run, on one resource it drew from those with a record (`written`, in resource
 * order): a write that would lower the resource's token (the store's own guard of I-5; the SQLite
 * and etcd stores rely on it as much as the memory store), give a first record a token below 1, or
 * carry a record or history event of another resource is refused by an exception and changes
 * nothing; and neither the record a store hands out nor the one it was given can change what it
 * holds later (a client that edits a record it read, or keeps editing the one it sent). The last
 * probe writes (the record again, at its version): nothing may read the store after it.
 */
export async function probeStoreGuards(
  store: LeaseStore,
  prng: Prng,
  written: readonly VersionedRecord[],
): Promise<string | null> {
  const drawn = written.filter((v) => v.record.token >= 2);
  if (drawn.length === 0) return null;
  const resource = prng.pick(drawn).record.resource;
  const seen = await store.read(resource);
  if (seen.kind !== 'ok' || seen.record === null)
    return `read(${JSON.stringify(resource)}) answered ${seen.kind === 'ok' ? 'no record' : seen.kind}`;
  const { record, version } = seen;
  const held = { ...record };
  const fresh = await store.read(NEVER_WRITTEN);
  if (fresh.kind !== 'ok') return `read(${JSON.stringify(NEVER_WRITTEN)}) answered ${fresh.kind}`;
  const before: Snapshot[] = [
    { resource, record: held, version },
    { resource: NEVER_WRITTEN, record: fresh.record, version: fresh.version },
  ];
  const other = `${resource}/other`;
  const first = { ...record, resource: NEVER_WRITTEN, token: 0 };
  const rogue: readonly Rogue[] = [
    [
      'lowers its token',
      resource,
      version,
      { ...record, token: record.token - 1 },
      eventOf(record),
    ],
    ['gives a first record token 0', NEVER_WRITTEN, fresh.version, first, eventOf(first)],
    [
      'holds a record of another resource',
      resource,
      version,
      { ...record, resource: other },
      eventOf(record),
    ],
    [
      'carries a history event of another resource',
      resource,
      version,
      { ...record },
      eventOf({ ...record, resource: other }),
    ],
  ];
  for (const [what, name, expected, next, event] of rogue) {
    let answer: string;
    try {
      answer = (await store.compareAndSet(name, expected, next, event)).kind;
    } catch {
      continue;
    }
    return `compareAndSet(${JSON.stringify(name)}) of a write that ${what} answered ${answer}: a store refuses it with an exception`;
  }
  const unchanged = await same(store, before, 'after the refused writes');
  if (unchanged !== null) return unchanged;

  // A record handed out by read(): editing it (a frozen one throws) must not reach the store.
  try {
    (record as { token: number }).token = record.token + 1;
  } catch {
    // Frozen: the edit never happened.
  }
  const kept = await same(store, before, 'after a caller edited the record read() handed out');
  if (kept !== null) return kept;

  // A record given to compareAndSet(): editing it afterwards must not reach the store either.
  const sent = { ...held };
  const wrote = await store.compareAndSet(resource, version, sent, eventOf(sent));
  if (wrote.kind !== 'ok')
    return `compareAndSet(${JSON.stringify(resource)}) of the record it held answered ${wrote.kind}`;
  (sent as { token: number }).token = held.token + 1;
  return same(
    store,
    [{ resource, record: held, version: version + 1 }],
    'after a caller edited the record it had written',
  );
}

/** A write the store must refuse: what is wrong with it, then compareAndSet's arguments. */
type Rogue = readonly [string, string, number, LeaseRecord, HistoryEvent];

interface Snapshot {
  readonly resource: string;
  readonly record: LeaseRecord | null;
  readonly version: number;
}

/** Whether the store still holds each snapshot; what differs, or null. */
async function same(
  store: LeaseStore,
  snapshots: readonly Snapshot[],
  when: string,
): Promise<string | null> {
  for (const { resource, record, version } of snapshots) {
    const now = await store.read(resource);
    if (now.kind !== 'ok') return `${when}, read(${JSON.stringify(resource)}) answered ${now.kind}`;
    const want = record === null ? null : { ...record };
    if (
      now.version !== version ||
      !isDeepStrictEqual(now.record === null ? null : { ...now.record }, want)
    )
      return `${when}, read(${JSON.stringify(resource)}) answered ${JSON.stringify(now.record)} at version ${now.version}, but the store held ${JSON.stringify(record)} at version ${version}`;
  }
  return null;
}

/** A history event describing `record` (the guards never let it be kept). */
function eventOf(record: LeaseRecord): HistoryEvent {
  return {
    kind: 'renewed',
    resource: record.resource,
    holder: record.status === 'held' ? record.holder : record.lastHolder,
    token: record.token,
    atMs: record.updatedAtMs,
    requestId: 'store-guard-probe',
    previousHolder: null,
  };
}
