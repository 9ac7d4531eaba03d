import { assert, type HistoryEvent, type LeaseRecord } from '@leasehold/core';
import { upgradeRecord } from '@leasehold/store';

export function encodeJson(value: LeaseRecord | HistoryEvent): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** Decodes a stored record and checks it belongs where it was found (C-3: read path asserts). */
export function decodeRecord(resource: string, value: Buffer): LeaseRecord {
  const record = JSON.parse(value.toString('utf8')) as LeaseRecord;
  assert(
    record.status === 'held' || record.status === 'free',
    `stored record of ${JSON.stringify(resource)} has no valid status`,
  );
  assert(
    record.resource === resource,
    `stored record of ${JSON.stringify(resource)} names ${JSON.stringify(record.resource)}`,
  );
  assert(Number.isSafeInteger(record.token) && record.token >= 1, 'stored token must be >= 1');
  // A record written by an older leasehold has no limits of its own: it reads with none.
  return upgradeRecord(record);
}

export function decodeEvent(resource: string, value: Buffer): HistoryEvent {
  const event = JSON.parse(value.toString('utf8')) as HistoryEvent;
  assert(
    event.resource === resource,
    `history of ${JSON.stringify(resource)} holds an event of ${JSON.stringify(event.resource)}`,
  );
  return event;
}

/** etcd's int64 fields arrive as decimal strings; ours stay far below 2^53. */
export function int64(value: string): number {
  const n = Number(value);
  assert(Number.isSafeInteger(n) && n >= 0, `etcd int64 out of range: ${value}`);
  return n;
}
