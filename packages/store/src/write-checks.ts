import { assert, type HistoryEvent, type LeaseRecord } from '@leasehold/core';
import {
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  SETTING_NAME_LENGTH_MAX,
  SETTING_VALUE_LENGTH_MAX,
} from './limits.js';

/**
 * What every store asserts before it applies a write, once the version check has passed (a stale
 * write is a conflict, never an assertion failure, since a stale decision may carry a lower token): these can only fail through a bug in the
 * caller, never through user input, so they throw. The token check is the store's own guard of
 * I-5: whatever the client decided, a record's token never goes down.
 */
export function assertWritable(
  resource: string,
  expectedVersion: number,
  current: LeaseRecord | null,
  record: LeaseRecord,
  event: HistoryEvent,
): void {
  assert(
    Number.isSafeInteger(expectedVersion) && expectedVersion >= 0,
    `expectedVersion must be a whole number >= 0 (got ${expectedVersion})`,
  );
  assert(
    record.resource === resource,
    `record for ${JSON.stringify(record.resource)} written under ${JSON.stringify(resource)}`,
  );
  assert(
    event.resource === resource,
    `history event for ${JSON.stringify(event.resource)} written under ${JSON.stringify(resource)}`,
  );
  assert(
    Number.isSafeInteger(record.token) && record.token >= 1,
    `token must be a positive safe integer (got ${record.token})`,
  );
  if (current !== null) {
    assert(
      record.token >= current.token,
      `I-5: token of ${JSON.stringify(resource)} may not go down (${current.token} -> ${record.token})`,
    );
  }
}

/** Clamps a caller's page size into [1, LIST_LIMIT_MAX]. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return LIST_LIMIT_DEFAULT;
  assert(Number.isInteger(limit) && limit >= 1, `limit must be a whole number >= 1 (got ${limit})`);
  return Math.min(limit, LIST_LIMIT_MAX);
}

/** Setting names and values are the caller's own constants and JSON: a bad one is a bug. */
export function assertSetting(name: string, value?: string): void {
  assert(
    /^[a-z][a-z0-9_.-]*$/.test(name) && name.length <= SETTING_NAME_LENGTH_MAX,
    `a setting name is lower-case, at most ${SETTING_NAME_LENGTH_MAX} characters (got ${JSON.stringify(name)})`,
  );
  if (value === undefined) return;
  assert(
    value.length <= SETTING_VALUE_LENGTH_MAX,
    `a setting value is at most ${SETTING_VALUE_LENGTH_MAX} characters`,
  );
}
