import { decideExpire, decideForceRelease, decideRelease } from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import { config, held, ownerReq, released, T0 } from './fixtures';

describe('decideRelease', () => {
  it('I-5: the owner frees the lease and the record keeps its token', () => {
    const record = held('a');
    const d = decideRelease(record, ownerReq(record), T0 + 10);
    expect(d.result).toEqual({ kind: 'released', token: 1, replayed: false });
    expect(d.write?.record).toMatchObject({
      status: 'free',
      token: 1,
      lastHolder: 'a',
      freedBy: 'released',
    });
    expect(d.write?.event).toMatchObject({ kind: 'released', holder: 'a', token: 1 });
  });

  it('I-3: a non-owner cannot release, and nothing is written', () => {
    const record = held('a');
    const d = decideRelease(record, { ...ownerReq(record), holder: 'b' }, T0 + 10);
    expect(d.result).toEqual({ kind: 'notHolder', holder: 'a' });
    expect(d.write).toBeNull();
  });

  it('I-3: the holder id with a wrong owner key or stale token cannot release', () => {
    const record = held('a');
    expect(decideRelease(record, { ...ownerReq(record), ownerKey: 'x' }, T0).result.kind).toBe(
      'notHolder',
    );
    expect(decideRelease(record, { ...ownerReq(record), token: 7 }, T0).result.kind).toBe(
      'notHolder',
    );
  });

  it('is idempotent: releasing again is answered released without a write', () => {
    const record = held('a');
    const d = decideRelease(released(record, T0 + 10), ownerReq(record, 'retry'), T0 + 20);
    expect(d.result).toEqual({ kind: 'released', token: 1, replayed: true });
    expect(d.write).toBeNull();
  });

  it('I-3: a freed lease answers its own holder and token only: anyone else is notHolder', () => {
    const record = held('a');
    const free = released(record, T0 + 10);
    const other = decideRelease(free, { ...ownerReq(record, 'x'), holder: 'b' }, T0 + 20);
    expect(other).toEqual({ result: { kind: 'notHolder', holder: null }, write: null });
    const stale = decideRelease(free, { ...ownerReq(record, 'y'), token: 2 }, T0 + 20);
    expect(stale).toEqual({ result: { kind: 'notHolder', holder: null }, write: null });
  });

  it('releasing after someone else took over is notHolder', () => {
    const old = held('a');
    const d = decideRelease(held('b', T0 + 1_500, old), ownerReq(old), T0 + 1_600);
    expect(d.result).toEqual({ kind: 'notHolder', holder: 'b' });
  });

  it('releasing a never-acquired resource is notHolder', () => {
    expect(decideRelease(null, ownerReq(held('a')), T0).result).toEqual({
      kind: 'notHolder',
      holder: null,
    });
  });
});

describe('decideForceRelease', () => {
  const force = (expectedHolder: string | null, requestId = 'force-1') => ({
    resource: 'res',
    expectedHolder,
    requestId,
    by: 'admin',
  });

  it('I-5 I-6: frees the lease and bumps the token so the evicted holder is fenced', () => {
    const d = decideForceRelease(held('a'), force(null), T0 + 10);
    expect(d.result).toEqual({ kind: 'forceReleased', previousHolder: 'a', token: 2 });
    expect(d.write?.record).toMatchObject({
      status: 'free',
      token: 2,
      freedBy: 'forceReleased',
      lastHolder: 'a',
    });
    expect(d.write?.event).toMatchObject({
      kind: 'forceReleased',
      holder: 'a',
      token: 2,
      previousHolder: 'admin',
    });
  });

  it('applies only while the expected holder still holds the lease', () => {
    const d = decideForceRelease(held('a'), force('b'), T0 + 10);
    expect(d.result).toEqual({ kind: 'notHolder', holder: 'a' });
    expect(d.write).toBeNull();
    expect(decideForceRelease(held('a'), force('a'), T0 + 10).result.kind).toBe('forceReleased');
  });

  it('answers notHeld for a free or unknown resource', () => {
    expect(decideForceRelease(null, force(null), T0).result).toEqual({ kind: 'notHeld' });
    expect(decideForceRelease(released(held('a'), T0), force(null), T0).result).toEqual({
      kind: 'notHeld',
    });
  });

  it('is idempotent for a retried request', () => {
    const first = decideForceRelease(held('a'), force(null, 'f-9'), T0 + 10);
    const retry = decideForceRelease(first.write!.record, force(null, 'f-9'), T0 + 11);
    expect(retry.result).toEqual({ kind: 'forceReleased', previousHolder: 'a', token: 2 });
    expect(retry.write).toBeNull();
  });

  it('I-5: the next grant after a force-release is above the bumped token', () => {
    const forced = decideForceRelease(held('a'), force(null), T0 + 10).write!.record;
    expect(held('b', T0 + 20, forced).token).toBe(3);
  });
});

describe('decideExpire (cleanup)', () => {
  it('I-4: marks a claimable lease expired, keeping the token', () => {
    const d = decideExpire(held('a'), { resource: 'res', requestId: 'sweep' }, T0 + 1_150, config);
    expect(d.result).toEqual({ kind: 'expiredNow', token: 1 });
    expect(d.write?.record).toMatchObject({ status: 'free', freedBy: 'expired', token: 1 });
    expect(d.write?.event).toMatchObject({ kind: 'expired', holder: 'a' });
  });

  it('leaves a lease that is not yet claimable alone', () => {
    const d = decideExpire(held('a'), { resource: 'res', requestId: 'sweep' }, T0 + 1_100, config);
    expect(d.result).toMatchObject({ kind: 'held', retryAfterMs: 50 });
    expect(d.write).toBeNull();
  });

  it('answers notHeld for a free resource', () => {
    expect(decideExpire(null, { resource: 'res', requestId: 's' }, T0, config).result).toEqual({
      kind: 'notHeld',
    });
  });
});
