import type { LeaseRecord } from '@leasehold/core';
import type { HistoryEntry } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import {
  historyProblem,
  historyTextProblem,
  listProblem,
  listTextProblem,
  statusProblem,
  statusTextProblem,
} from '../src/query-answers';
import { StoreStates } from '../src/store-states';

const held = (resource: string, token: number, holder = 'n1'): LeaseRecord => ({
  status: 'held',
  resource,
  holder,
  token,
  ownerKey: 'k',
  ttlMs: 1_000,
  acquiredAtMs: 5_000,
  expiresAtMs: 6_000,
  renewals: 0,
  maxRenewals: null,
  maxAgeMs: null,
  updatedAtMs: 5_000,
  requestId: 'q',
  recentGrants: [],
});
const free = (resource: string, token: number): LeaseRecord => ({
  status: 'free',
  resource,
  token,
  lastHolder: 'n1',
  freedBy: 'released',
  updatedAtMs: 7_000,
  requestId: 'q',
  recentGrants: [],
});
/** The ISO instant of `ms` (under a minute) since the epoch, as the service writes one. */
const iso = (ms: number) =>
  `1970-01-01T00:00:${String(Math.floor(ms / 1000)).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}Z`;

/** A record as the service's status body shows it. */
function shown(
  record: LeaseRecord,
  status: 'held' | 'free' | 'expired' = record.status,
): Record<string, unknown> {
  if (record.status === 'free')
    return {
      resource: record.resource,
      status: 'free',
      holder: null,
      token: record.token,
      lease_id: null,
      expires_at: null,
      expires_at_ms: null,
      ttl_ms: null,
      acquired_at: null,
      renewals: null,
      max_renewals: null,
      max_age_ms: null,
      last_holder: record.lastHolder,
      freed_by: record.freedBy,
      updated_at: iso(record.updatedAtMs),
    };
  return {
    resource: record.resource,
    status,
    holder: record.holder,
    token: record.token,
    lease_id: `id-${record.token}`,
    expires_at: iso(record.expiresAtMs),
    expires_at_ms: record.expiresAtMs,
    ttl_ms: record.ttlMs,
    acquired_at: iso(record.acquiredAtMs),
    renewals: record.renewals,
    max_renewals: record.maxRenewals,
    max_age_ms: record.maxAgeMs,
    last_holder: null,
    freed_by: null,
    updated_at: iso(record.updatedAtMs),
  };
}
const noIds = () => undefined;

describe('service queries: a status answer', () => {
  it('passes when it shows a state the store held while it was asked', () => {
    expect(statusProblem('a', shown(held('a', 2)), [free('a', 1), held('a', 2)], noIds)).toBe(null);
    expect(statusProblem('a', shown(held('a', 2), 'expired'), [held('a', 2)], noIds)).toBe(null);
  });

  it('fails on a field no state shows: a token, an expiry, an instant, a lease id', () => {
    expect(statusProblem('a', { ...shown(free('a', 3)), token: 0 }, [free('a', 3)], noIds)).toMatch(
      /token 0, expected 3/,
    );
    const body = shown(held('a', 2));
    expect(statusProblem('a', { ...body, expires_at_ms: 5_000 }, [held('a', 2)], noIds)).toMatch(
      /expires_at_ms/,
    );
    expect(statusProblem('a', { ...body, acquired_at: iso(1) }, [held('a', 2)], noIds)).toMatch(
      /acquired_at/,
    );
    expect(statusProblem('a', body, [held('a', 2)], () => 'other-id')).toMatch(/lease_id/);
    expect(statusProblem('a', { ...body, status: 'free' }, [held('a', 2)], noIds)).toMatch(
      /not held or expired/,
    );
  });

  it('fails on a state the store held before the query was sent, or after it was answered', () => {
    expect(statusProblem('a', shown(held('a', 2)), [free('a', 3)], noIds)).toMatch(/did not hold/);
  });

  it('shows a resource without a record as free with token 0', () => {
    const none = { ...shown(free('a', 0)), last_holder: null, freed_by: null, updated_at: null };
    expect(statusProblem('a', none, [null], noIds)).toBe(null);
    expect(statusProblem('a', { ...none, token: 1 }, [null], noIds)).toMatch(/token 1/);
  });

  it('words name the resource, the token and the holder', () => {
    const body = shown(held('a', 2));
    expect(statusTextProblem(body, 'a is held by n1 (token 2) until x')).toBe(null);
    expect(statusTextProblem(body, 'a is held by n1 (token 3) until x')).toMatch(/token 2/);
    expect(statusTextProblem(shown(free('a', 1)), 'a is free (token 1)')).toMatch(/can be claimed/);
  });
});

describe('service queries: a listing', () => {
  const states = new Map<string, LeaseRecord[]>([
    ['a', [held('a', 1)]],
    ['b', [free('b', 2)]],
    ['c', [held('c', 3, 'n2')]],
  ]);
  const statesOf = (r: string) => states.get(r) ?? [];
  const list = (filter: Parameters<typeof listProblem>[0], rows: LeaseRecord[], next: unknown) =>
    listProblem(
      filter,
      rows.map((r) => shown(r)),
      next,
      ['c', 'a', 'b'],
      statesOf,
      noIds,
    );

  it('passes when it lists every match in order, a full page naming its last', () => {
    expect(list({ limit: 10 }, [held('a', 1), free('b', 2), held('c', 3, 'n2')], null)).toBe(null);
    expect(list({ limit: 2 }, [held('a', 1), free('b', 2)], 'b')).toBe(null);
    expect(list({ limit: 2, after: 'a' }, [free('b', 2), held('c', 3, 'n2')], 'c')).toBe(null);
    expect(list({ limit: 10, holder: 'n2' }, [held('c', 3, 'n2')], null)).toBe(null);
    expect(list({ limit: 10, status: 'free' }, [free('b', 2)], null)).toBe(null);
  });

  it('fails on a match left out, a row out of order or outside the filter, a wrong next', () => {
    expect(list({ limit: 10 }, [held('a', 1), held('c', 3, 'n2')], null)).toMatch(/"b".*left out/);
    expect(list({ limit: 10 }, [free('b', 2), held('a', 1), held('c', 3, 'n2')], null)).toMatch(
      /resource order/,
    );
    expect(list({ limit: 10, prefix: 'b' }, [held('a', 1), free('b', 2)], null)).toMatch(/prefix/);
    expect(list({ limit: 10, holder: 'n2' }, [held('a', 1), held('c', 3, 'n2')], null)).toMatch(
      /asked for n2/,
    );
    expect(list({ limit: 2 }, [held('a', 1), free('b', 2)], null)).toMatch(/full page/);
    expect(list({ limit: 3 }, [held('a', 1), free('b', 2)], 'b')).toMatch(/short of the limit/);
    expect(list({ limit: 1 }, [held('a', 1), free('b', 2)], 'b')).toMatch(/over the limit/);
  });

  it('does not ask for a record that changed while it was asked', () => {
    const changing = (r: string) => (r === 'b' ? [free('b', 2), held('b', 3)] : statesOf(r));
    const rows = [held('a', 1), held('c', 3, 'n2')].map((r) => shown(r));
    expect(listProblem({ limit: 10 }, rows, null, ['a', 'b', 'c'], changing, noIds)).toBe(null);
  });
});

describe('service queries: a history', () => {
  const entry = (seq: number): HistoryEntry => ({
    seq,
    kind: 'granted',
    resource: 'a',
    holder: 'n1',
    token: seq,
    atMs: 1_000 + seq,
    requestId: `q${seq}`,
    previousHolder: null,
  });
  const body = (e: HistoryEntry) => ({
    seq: e.seq,
    kind: e.kind,
    holder: e.holder,
    token: e.token,
    at: iso(e.atMs),
    at_ms: e.atMs,
    request_id: e.requestId,
    previous_holder: e.previousHolder,
  });

  it("is the first of the store's events, field by field", () => {
    const store = [entry(1), entry(2), entry(3)];
    expect(historyProblem('a', [body(entry(1)), body(entry(2))], store)).toBe(null);
    expect(historyProblem('a', [{ ...body(entry(1)), previous_holder: 'n1' }], store)).toMatch(
      /previous_holder/,
    );
    expect(historyProblem('a', [body(entry(2))], store)).toMatch(/seq 2/);
    expect(historyProblem('a', [{ ...body(entry(1)), at: iso(0) }], store)).toMatch(/at /);
    expect(historyProblem('a', [body(entry(1))], [])).toMatch(/1 events, the store 0/);
  });

  it('written since, the store may have dropped its oldest events: the rest must still agree', () => {
    const answer = [body(entry(1)), body(entry(2)), body(entry(3))];
    // Without a write since, a store that no longer starts where the answer did is a problem.
    expect(historyProblem('a', answer, [entry(2), entry(3), entry(4)])).toMatch(/seq 1/);
    expect(historyProblem('a', answer, [entry(2), entry(3), entry(4)], true)).toBe(null);
    expect(historyProblem('a', answer, [], true)).toBe(null);
    expect(
      historyProblem(
        'a',
        [body(entry(1)), { ...body(entry(2)), kind: 'released' }],
        [entry(2)],
        true,
      ),
    ).toMatch(/event 1 .* kind/);
    expect(
      historyProblem('a', [body(entry(1)), body(entry(3))], [entry(2), entry(3)], true),
    ).toMatch(/seq 3/);
  });
});

describe('service queries: the store states a query may show', () => {
  it('are the state when it was sent and every state written until it was answered', () => {
    const states = new StoreStates();
    states.note('a', held('a', 1));
    const window = states.open(new Map([['a', held('a', 1)]]));
    states.note('a', free('a', 2));
    states.note('b', held('b', 3));
    expect(states.statesDuring(window, 'a')).toEqual([held('a', 1), free('a', 2)]);
    expect(states.statesDuring(window, 'b')).toEqual([null, held('b', 3)]);
    expect(states.historyUnchanged(window)).toBe(true);
    states.historyRewritten();
    expect(states.historyUnchanged(window)).toBe(false);
    states.close(window);
    const later = states.open(new Map([['a', free('a', 2)]]));
    expect(states.statesDuring(later, 'a')).toEqual([free('a', 2)]);
  });
});

describe('service queries: the words of a listing and a history', () => {
  const rows = [shown(held('a', 1)), shown(free('b', 2))];

  it('a line per row, in order, with its status, resource, holder and token', () => {
    const text =
      'held a: n1, token 1, expires x\nfree b: -, token 2\nmore leases: list again with after "b"';
    expect(listTextProblem(rows, 'b', text)).toBe(null);
    expect(listTextProblem(rows, null, 'held a: n1, token 1\nfree b: -, token 3')).toMatch(
      /line 2.*token 2/,
    );
    expect(listTextProblem(rows, 'b', 'held a: n1, token 1\nfree b: -, token 2')).toMatch(
      /after "b"/,
    );
    expect(listTextProblem([], null, 'no leases')).toBe(null);
    expect(listTextProblem([], null, '')).toMatch(/no leases/);
  });

  it('a line per event, oldest first, with its seq, kind, holder, token and whom it took over from', () => {
    const events = [
      { seq: 3, kind: 'granted', holder: 'n2', token: 4, previous_holder: 'n1' },
    ] as const;
    const text = 'a is held\nhistory, oldest first:\n#3 t granted n2 (from n1), token 4';
    expect(historyTextProblem(events, text)).toBe(null);
    expect(historyTextProblem(events, text.replace(' (from n1)', ''))).toMatch(/from n1/);
    expect(historyTextProblem(events, 'a is held')).toMatch(/oldest first/);
    expect(historyTextProblem([], 'a is free\nno history events')).toBe(null);
    expect(historyTextProblem([], 'a is free')).toMatch(/without events/);
  });
});
