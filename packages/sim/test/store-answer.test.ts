import type { HistoryEvent, LeaseRecord } from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import { storeAnswerProblem, type Reply, type StoreRequest } from '../src/store-under-faults';

const record = { status: 'free', resource: 'r', token: 1 } as unknown as LeaseRecord;
const event = { kind: 'released', resource: 'r' } as unknown as HistoryEvent;
const read: StoreRequest = { kind: 'read', resource: 'r' };
const cas = (expectedVersion: number): StoreRequest => ({
  kind: 'cas',
  resource: 'r',
  expectedVersion,
  record,
  event,
});
const at = (version: number) => ({ record: version === 0 ? null : record, version });

/** The `LeaseStore` contract, judged against what the store did (its version before and after). */
describe("the store's answer against what it did", () => {
  it.each<[string, StoreRequest, Reply, number, number]>([
    ['a read', read, { kind: 'ok', record, version: 3 }, 3, 3],
    ['a read the store could not serve', read, { kind: 'unavailable', reason: 'x' }, 3, 3],
    ['a write at the current version', cas(3), { kind: 'ok', version: 4 }, 3, 4],
    ['a stale write', cas(2), { kind: 'conflict', version: 3 }, 3, 3],
    [
      'an applied write answered unavailable, maybe applied',
      cas(3),
      { kind: 'unavailable', reason: 'x', maybeApplied: true },
      3,
      4,
    ],
  ])('keeps the contract: %s', (_what, request, reply, before, after) => {
    expect(storeAnswerProblem(request, reply, at(before), at(after))).toBeNull();
  });

  it.each<[string, StoreRequest, Reply, number, number, RegExp]>([
    ['a read that wrote', read, { kind: 'ok', record, version: 4 }, 3, 4, /read moved/],
    ['a read answering an old version', read, { kind: 'ok', record, version: 2 }, 3, 3, /read at/],
    [
      'a read answering the record of a name it folded into this one',
      { kind: 'read', resource: 'r\u0065\u0301' },
      { kind: 'ok', record: { ...record, resource: 'r\u00e9' }, version: 3 },
      3,
      3,
      /read of "re\\u\{301\}" was answered the record of "r\\u\{e9\}"/,
    ],
    ['a stale write applied', cas(2), { kind: 'ok', version: 4 }, 3, 4, /applied over/],
    ['a current write refused', cas(3), { kind: 'conflict', version: 3 }, 3, 3, /did not apply/],
    ['a write that skips versions', cas(3), { kind: 'ok', version: 5 }, 3, 5, /moved the version/],
    [
      'an applied write answered with another version',
      cas(3),
      { kind: 'ok', version: 3 },
      3,
      4,
      /answered/,
    ],
    [
      'a conflict naming the expected version',
      cas(2),
      { kind: 'conflict', version: 2 },
      3,
      3,
      /refused at version 3/,
    ],
    [
      'an applied write answered unavailable as if it never applied',
      cas(3),
      { kind: 'unavailable', reason: 'x', maybeApplied: false },
      3,
      4,
      /without maybeApplied/,
    ],
  ])('breaks it: %s', (_what, request, reply, before, after, why) => {
    expect(storeAnswerProblem(request, reply, at(before), at(after))).toMatch(why);
  });
});
