import { assert, type LeaseRecord } from '@leasehold/core';
import { upgradeRecord } from '@leasehold/store';

/** The row a record is stored as: the JSON of the record plus the columns queries filter on. */
export interface RecordRow {
  readonly version: number;
  readonly token: number;
  readonly record: string;
}

export function encodeRecord(record: LeaseRecord): string {
  return JSON.stringify(record);
}

/**
 * Decodes a stored record and checks it against the columns written with it (C-3: the write path
 * asserted the record, the read path asserts it again).
 */
export function decodeRecord(resource: string, row: RecordRow): LeaseRecord {
  const record = JSON.parse(row.record) as LeaseRecord;
  assert(
    record.status === 'held' || record.status === 'free',
    `stored record of ${JSON.stringify(resource)} has no valid status`,
  );
  assert(
    record.resource === resource,
    `stored record of ${codePoints(resource)} names ${codePoints(record.resource)}`,
  );
  assert(
    record.token === row.token,
    `stored record of ${JSON.stringify(resource)}: token ${record.token} != column ${row.token}`,
  );
  assert(Number.isSafeInteger(row.version) && row.version >= 1, 'stored version must be >= 1');
  // Migration 4 gave every held record of an older file its limits; a process of an older
  // leasehold may still be writing to the file without them.
  return upgradeRecord(record);
}

/** A name quoted with every character outside printable ASCII as its code point: names that
 * print alike (the two Unicode normalization forms of one text) read apart. */
function codePoints(name: string): string {
  return JSON.stringify(name).replace(
    /[^\x20-\x7e]/gu,
    (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
}
