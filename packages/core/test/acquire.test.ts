import { decideAcquire, RECORD_GRANT_IDS_MAX, TOKEN_MAX } from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import { acquireReq, config, held, released, T0 } from './fixtures';

describe('decideAcquire', () => {
  it('I-5: grants a never-written resource with token 1 and writes a granted event', () => {
    const d = decideAcquire(null, acquireReq('a'), T0, config);
    expect(d.result).toMatchObject({
      kind: 'granted',
      replayed: false,
      lease: { holder: 'a', token: 1, expiresAtMs: T0 + 1_000 },
    });
    expect(d.write?.record).toMatchObject({
      status: 'held',
      holder: 'a',
      token: 1,
      acquiredAtMs: T0,
      renewals: 0,
    });
    expect(d.write?.event).toMatchObject({
      kind: 'granted',
      holder: 'a',
      token: 1,
      atMs: T0,
      previousHolder: null,
    });
  });

  it('I-4: refuses while the lease is not yet claimable, with the time until it is', () => {
    const record = held('a');
    const nowMs = T0 + 1_000; // at expiry: grace (100) + skew (50) still to go
    const d = decideAcquire(record, acquireReq('b'), nowMs, config);
    expect(d.result).toEqual({
      kind: 'held',
      holder: 'a',
      token: 1,
      expiresAtMs: T0 + 1_000,
      retryAfterMs: 150,
    });
    expect(d.write).toBeNull();
  });

  it('I-4: refuses one millisecond before expiry + grace + skew', () => {
    const d = decideAcquire(held('a'), acquireReq('b'), T0 + 1_149, config);
    expect(d.result).toMatchObject({ kind: 'held', retryAfterMs: 1 });
  });

  it('I-4 I-5: takes over exactly at expiry + grace + skew with a higher token', () => {
    const d = decideAcquire(held('a'), acquireReq('b'), T0 + 1_150, config);
    expect(d.result).toMatchObject({ kind: 'granted', lease: { holder: 'b', token: 2 } });
    expect(d.write?.event).toMatchObject({ kind: 'granted', previousHolder: 'a', token: 2 });
  });

  it('I-5: the last token a grant may take is TOKEN_MAX; a grant above it is refused by an assertion', () => {
    const below = { ...released(held('a'), T0 + 10), token: TOKEN_MAX - 1 };
    const last = decideAcquire(below, acquireReq('b'), T0 + 20, config);
    expect(last.result).toMatchObject({ kind: 'granted', lease: { token: TOKEN_MAX } });
    const atMax = { ...below, token: TOKEN_MAX };
    expect(() => decideAcquire(atMax, acquireReq('b'), T0 + 20, config)).toThrow(/TOKEN_MAX/);
  });

  it('I-5: a grant after release raises the token', () => {
    const free = released(held('a'), T0 + 10);
    const d = decideAcquire(free, acquireReq('b'), T0 + 20, config);
    expect(d.result).toMatchObject({ kind: 'granted', lease: { token: 2 } });
  });

  it('I-8: a retry with the same requestId is answered from the record, without a second grant', () => {
    const record = held('a');
    const d = decideAcquire(record, acquireReq('a'), T0 + 5, config);
    expect(d.result).toMatchObject({
      kind: 'granted',
      replayed: true,
      lease: { token: 1, expiresAtMs: T0 + 1_000 },
    });
    expect(d.write).toBeNull();
  });

  it('I-8: a retry after the grant was taken over reports it ended, and does not grant again', () => {
    const takenOver = held('b', T0 + 2_000, held('a'));
    const d = decideAcquire(takenOver, acquireReq('a'), T0 + 2_001, config);
    expect(d.result).toEqual({ kind: 'expired', token: 1, reason: 'superseded' });
    expect(d.write).toBeNull();
  });

  it('I-8: a retry after the grant was released reports released', () => {
    const free = released(held('a'), T0 + 10);
    const d = decideAcquire(free, acquireReq('a'), T0 + 11, config);
    expect(d.result).toEqual({ kind: 'expired', token: 1, reason: 'released' });
  });

  it('I-8: a request id reused by another holder is invalid, not a grant', () => {
    const d = decideAcquire(held('a'), acquireReq('b', { requestId: 'acq-a' }), T0 + 5, config);
    expect(d.result).toMatchObject({ kind: 'invalid', field: 'requestId' });
    expect(d.write).toBeNull();
  });

  it('I-8: a request id reused under the same holder name with another owner key, or by another holder with the same key, is invalid', () => {
    // Two processes started under one holder name: the second must not be handed the first's lease.
    const sameName = acquireReq('a', { ownerKey: 'key-of-a-second-process' });
    const d = decideAcquire(held('a'), sameName, T0 + 5, config);
    expect(d.result).toMatchObject({ kind: 'invalid', field: 'requestId' });
    expect(d.write).toBeNull();
    const sameKey = acquireReq('b', { requestId: 'acq-a', ownerKey: 'key-a' });
    expect(decideAcquire(held('a'), sameKey, T0 + 5, config).result).toMatchObject({
      kind: 'invalid',
      field: 'requestId',
    });
  });

  it(`I-8: the record remembers the last ${RECORD_GRANT_IDS_MAX} grants and no more`, () => {
    let record = held('n0', T0);
    for (let i = 1; i <= RECORD_GRANT_IDS_MAX + 2; i++)
      record = held(`n${i}`, T0 + i * 2_000, record);
    expect(record.recentGrants).toHaveLength(RECORD_GRANT_IDS_MAX);
    expect(record.recentGrants.at(-1)).toEqual({
      requestId: `acq-n${RECORD_GRANT_IDS_MAX + 2}`,
      token: RECORD_GRANT_IDS_MAX + 3,
    });
  });

  it('I-1: a holder asking again with a new requestId is told the lease is held (not re-entrant)', () => {
    const d = decideAcquire(held('a'), acquireReq('a', { requestId: 'second' }), T0 + 5, config);
    expect(d.result).toMatchObject({ kind: 'held', holder: 'a' });
  });

  it('throws (programmer error) when given a record of another resource', () => {
    expect(() =>
      decideAcquire({ ...held('a'), resource: 'other' }, acquireReq('b'), T0, config),
    ).toThrow(/record for other/);
  });

  it('throws (programmer error) on a non-integer clock reading', () => {
    expect(() => decideAcquire(null, acquireReq('a'), 1.5, config)).toThrow(/nowMs/);
  });

  it('I-8: a retry whose earlier proposal the record can no longer tell apart is answered expired', () => {
    // Grants with tokens 1..9 by others: the record keeps the last 8 marks (tokens 2..9).
    let record = null as Parameters<typeof decideAcquire>[0];
    for (let i = 1; i <= RECORD_GRANT_IDS_MAX + 1; i++) {
      const d = decideAcquire(record, acquireReq(`n${i}`), T0 + i * 10_000, config);
      record = released(d.write!.record as ReturnType<typeof held>, T0 + i * 10_000 + 1);
    }
    const retry = (uncertainToken: number) =>
      decideAcquire(record, acquireReq('a', { uncertainToken }), T0 + 200_000, config);
    // Token 1 may have been this request's and is forgotten: no second grant.
    expect(retry(1).result).toEqual({ kind: 'expired', token: 1, reason: 'superseded' });
    expect(retry(1).write).toBeNull();
    // Token 5 is remembered as another request's: this one never got it, so it is granted.
    expect(retry(5).result).toMatchObject({ kind: 'granted', lease: { token: 10 } });
    // A proposal above the record's token never applied.
    expect(retry(11).result).toMatchObject({ kind: 'granted' });
  });

  it('refuses an uncertain token that is not a positive whole number', () => {
    const d = decideAcquire(null, acquireReq('a', { uncertainToken: 0 }), T0, config);
    expect(d.result).toMatchObject({ kind: 'invalid', field: 'uncertainToken' });
  });

  it("keeps the lease's own limits in its record and answers them with the grant", () => {
    const d = decideAcquire(null, acquireReq('a', { maxRenewals: 2, maxAgeMs: 3_000 }), T0, config);
    expect(d.write?.record).toMatchObject({ maxRenewals: 2, maxAgeMs: 3_000, renewals: 0 });
    expect(d.result).toMatchObject({ lease: { maxRenewals: 2, maxAgeMs: 3_000 } });
    const none = decideAcquire(null, acquireReq('a'), T0, config);
    expect(none.write?.record).toMatchObject({ maxRenewals: null, maxAgeMs: null });
  });

  it('a max age equal to the TTL is allowed: the grant expires at it', () => {
    const d = decideAcquire(null, acquireReq('a', { ttlMs: 1_000, maxAgeMs: 1_000 }), T0, config);
    expect(d.write?.record).toMatchObject({ expiresAtMs: T0 + 1_000, maxAgeMs: 1_000 });
  });
});
