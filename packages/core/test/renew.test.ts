import { decideForceRelease, decideRenew, resolveConfig } from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import { config, held, ownerReq, released, renewed, T0 } from './fixtures';

const renewReq = (
  record: Parameters<typeof ownerReq>[0],
  requestId = 'renew-1',
  ttlMs = 1_000,
) => ({
  ...ownerReq(record, requestId),
  ttlMs,
});

describe('decideRenew', () => {
  it('I-3: the holder with the current token extends the expiry from its own now, keeping the token', () => {
    const record = held('a');
    const d = decideRenew(record, renewReq(record), T0 + 600, config);
    expect(d.result).toMatchObject({
      kind: 'renewed',
      replayed: false,
      lease: { token: 1, expiresAtMs: T0 + 1_600, renewals: 1 },
    });
    expect(d.write?.record).toMatchObject({
      holder: 'a',
      token: 1,
      expiresAtMs: T0 + 1_600,
      renewals: 1,
      updatedAtMs: T0 + 600,
    });
    expect(d.write?.event).toMatchObject({
      kind: 'renewed',
      holder: 'a',
      token: 1,
      atMs: T0 + 600,
    });
  });

  it('I-2: a renewal with a shorter TTL (adaptive TTL) never moves the expiry earlier', () => {
    const record = held('a');
    const shorter = decideRenew(record, renewReq(record, 'r', 200), T0 + 100, config);
    expect(shorter.write?.record).toMatchObject({ ttlMs: 200, expiresAtMs: T0 + 1_000 });
    const later = decideRenew(record, renewReq(record, 'r2', 200), T0 + 900, config);
    expect(later.write?.record).toMatchObject({ ttlMs: 200, expiresAtMs: T0 + 1_100 });
    const longer = decideRenew(record, renewReq(record, 'r3', 5_000), T0 + 100, config);
    expect(longer.write?.record).toMatchObject({ ttlMs: 5_000, expiresAtMs: T0 + 5_100 });
  });

  it('I-7: refuses at expiry on the renewer clock (no resurrection), writing nothing', () => {
    const record = held('a');
    const d = decideRenew(record, renewReq(record), T0 + 1_000, config);
    expect(d.result).toEqual({ kind: 'expired', token: 1, reason: 'pastExpiry' });
    expect(d.write).toBeNull();
  });

  it('I-7: refuses after release', () => {
    const record = held('a');
    const d = decideRenew(released(record, T0 + 10), renewReq(record), T0 + 20, config);
    expect(d.result).toEqual({ kind: 'expired', token: 1, reason: 'released' });
  });

  it('I-7: refuses after force-release (whose token bump made the old token stale)', () => {
    const record = held('a');
    const forced = decideForceRelease(
      record,
      { resource: 'res', expectedHolder: null, requestId: 'f', by: 'admin' },
      T0 + 10,
    );
    const d = decideRenew(forced.write!.record, renewReq(record), T0 + 20, config);
    expect(d.result).toEqual({ kind: 'expired', token: 1, reason: 'forceReleased' });
  });

  it('I-7: refuses once another holder took over, even if the old holder asks in time on its clock', () => {
    const old = held('a');
    const takenOver = held('b', T0 + 1_200, old);
    const d = decideRenew(takenOver, renewReq(old), T0 + 500, config);
    expect(d.result).toEqual({ kind: 'notHolder', holder: 'b' });
  });

  it('I-3: a non-holder cannot renew', () => {
    const record = held('a');
    const d = decideRenew(record, { ...renewReq(record), holder: 'mallory' }, T0 + 10, config);
    expect(d.result).toEqual({ kind: 'notHolder', holder: 'a' });
    expect(d.write).toBeNull();
  });

  it('I-3: the holder id without the owner key cannot renew', () => {
    const record = held('a');
    const d = decideRenew(record, { ...renewReq(record), ownerKey: 'guessed' }, T0 + 10, config);
    expect(d.result).toEqual({ kind: 'notHolder', holder: 'a' });
  });

  it('I-3: a stale token of the same holder is reported superseded', () => {
    const first = held('a');
    const second = held('a', T0 + 2_000, first, { requestId: 'again' });
    const d = decideRenew(second, renewReq(first), T0 + 2_010, config);
    expect(d.result).toEqual({ kind: 'expired', token: 1, reason: 'superseded' });
  });

  it('I-3: a token from the future is not the holder', () => {
    const record = held('a');
    const d = decideRenew(record, { ...renewReq(record), token: 9 }, T0 + 10, config);
    expect(d.result).toEqual({ kind: 'notHolder', holder: 'a' });
  });

  it('I-3: nobody can renew a resource that was never acquired', () => {
    const record = held('a');
    expect(decideRenew(null, renewReq(record), T0, config).result).toEqual({
      kind: 'notHolder',
      holder: null,
    });
  });

  it('I-3: renewing a released lease of someone else is notHolder', () => {
    const record = held('a');
    const d = decideRenew(
      released(record, T0 + 1),
      { ...renewReq(record), holder: 'b' },
      T0 + 2,
      config,
    );
    expect(d.result).toEqual({ kind: 'notHolder', holder: null });
  });

  it('enforces maxRenewals when set', () => {
    const limited = resolveConfig({ ...config, maxRenewals: 2 });
    if (limited.kind !== 'ok') throw new Error(limited.reason);
    let record = held('a');
    record = renewed(record, T0 + 100);
    record = renewed(record, T0 + 200);
    const d = decideRenew(record, renewReq(record, 'third'), T0 + 300, limited.config);
    expect(d.result).toEqual({
      kind: 'maxRenewalsReached',
      renewals: 2,
      maxRenewals: 2,
      limit: 'deployment',
    });
    expect(d.write).toBeNull();
  });

  it("enforces the lease's own maxRenewals, given at acquire, without any deployment limit", () => {
    let record = held('a', T0, null, { maxRenewals: 1 });
    expect(record).toMatchObject({ maxRenewals: 1, maxAgeMs: null });
    record = renewed(record, T0 + 100);
    expect(record).toMatchObject({ renewals: 1, maxRenewals: 1 });
    const d = decideRenew(record, renewReq(record, 'second'), T0 + 200, config);
    expect(d.result).toEqual({
      kind: 'maxRenewalsReached',
      renewals: 1,
      maxRenewals: 1,
      limit: 'lease',
    });
    expect(d.write).toBeNull();
  });

  it('a lease limit of 0 refuses the first renewal', () => {
    const record = held('a', T0, null, { maxRenewals: 0 });
    const d = decideRenew(record, renewReq(record), T0 + 100, config);
    expect(d.result).toMatchObject({ kind: 'maxRenewalsReached', maxRenewals: 0, limit: 'lease' });
  });

  it("the tighter of the lease's and the deployment's limits applies: a lease never widens the deployment's", () => {
    const limited = resolveConfig({ ...config, maxRenewals: 1 });
    if (limited.kind !== 'ok') throw new Error(limited.reason);
    const wide = renewed(held('a', T0, null, { maxRenewals: 5 }), T0 + 100);
    expect(decideRenew(wide, renewReq(wide, 'x'), T0 + 200, limited.config).result).toEqual({
      kind: 'maxRenewalsReached',
      renewals: 1,
      maxRenewals: 1,
      limit: 'deployment',
    });
    const tight = held('a', T0, null, { maxRenewals: 0 });
    expect(decideRenew(tight, renewReq(tight, 'y'), T0 + 100, limited.config).result).toEqual({
      kind: 'maxRenewalsReached',
      renewals: 0,
      maxRenewals: 0,
      limit: 'lease',
    });
    // On a tie the lease's own is named: the one its holder asked for.
    const tie = renewed(held('a', T0, null, { maxRenewals: 1 }), T0 + 100);
    expect(decideRenew(tie, renewReq(tie, 'z'), T0 + 200, limited.config).result).toMatchObject({
      limit: 'lease',
    });
  });

  it('caps a renewal at the max age: the expiry never passes acquiredAtMs + maxAgeMs', () => {
    const record = held('a', T0, null, { maxAgeMs: 1_500 });
    const d = decideRenew(record, renewReq(record), T0 + 600, config);
    expect(d.result).toMatchObject({
      kind: 'renewed',
      lease: { expiresAtMs: T0 + 1_500, renewals: 1, maxAgeMs: 1_500, ttlMs: 1_000 },
    });
    expect(d.write?.record).toMatchObject({ expiresAtMs: T0 + 1_500, maxAgeMs: 1_500 });
    // Within the cap, a renewal extends to now + ttl as always.
    const early = decideRenew(record, renewReq(record, 'e', 200), T0 + 900, config);
    expect(early.write?.record).toMatchObject({ expiresAtMs: T0 + 1_100 });
  });

  it('at the max age a renewal extends nothing, and never moves the expiry earlier (I-2)', () => {
    const capped = decideRenew(
      held('a', T0, null, { maxAgeMs: 1_000 }),
      renewReq(held('a', T0, null, { maxAgeMs: 1_000 })),
      T0 + 500,
      config,
    );
    expect(capped.write?.record).toMatchObject({ expiresAtMs: T0 + 1_000, renewals: 1 });
  });

  it('a renewal keeps the lease limits its grant was given', () => {
    const record = held('a', T0, null, { maxRenewals: 3, maxAgeMs: 5_000 });
    const next = renewed(record, T0 + 500);
    expect(next).toMatchObject({ maxRenewals: 3, maxAgeMs: 5_000, acquiredAtMs: T0 });
  });

  it('I-3: a retried renew whose first attempt applied is answered without another write', () => {
    const record = renewed(held('a'), T0 + 100, 'renew-x');
    const d = decideRenew(record, renewReq(record, 'renew-x'), T0 + 150, config);
    expect(d.result).toMatchObject({
      kind: 'renewed',
      replayed: true,
      lease: { expiresAtMs: T0 + 1_100 },
    });
    expect(d.write).toBeNull();
  });
});
