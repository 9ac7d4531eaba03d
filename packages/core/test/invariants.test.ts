import {
  checkAcquiredWithin,
  checkBeliefConsistency,
  checkExpiredLeaseClaimable,
  checkFailedMutationUnchanged,
  checkFencedResourceSafety,
  checkFencingMonotonic,
  checkIdempotentAcquire,
  checkLeaseUniqueness,
  checkNoResurrection,
  checkRenewalOwnership,
  decideFencedWrite,
  INVARIANTS,
  livenessBoundMs,
  type HistoryEvent,
} from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import { config, held, released, renewed, T0 } from './fixtures';

const renewEvent = (holder: string, token: number, atMs: number): HistoryEvent => ({
  kind: 'renewed',
  resource: 'res',
  holder,
  token,
  atMs,
  requestId: `renew-${atMs}`,
  previousHolder: null,
});

describe('invariant predicates: each reports a hand-made broken history and passes a good one', () => {
  it('the table lists I-1..I-8 with the DESIGN.md names', () => {
    expect(INVARIANTS.map((i) => `${i.id} ${i.name}`)).toEqual([
      'I-1 LeaseUniqueness',
      'I-2 BeliefConsistency',
      'I-3 RenewalRequiresOwnership',
      'I-4 ExpiredLeaseClaimable',
      'I-5 FencingMonotonic',
      'I-6 FencedResourceSafety',
      'I-7 NoResurrection',
      'I-8 IdempotentAcquire',
    ]);
  });

  it('I-1 LeaseUniqueness: two believers of one resource are reported; one per resource is fine', () => {
    const ok = [
      { node: 'a', resource: 'r1', token: 1 },
      { node: 'b', resource: 'r2', token: 1 },
    ];
    expect(checkLeaseUniqueness(ok)).toBeNull();
    const broken = [...ok, { node: 'c', resource: 'r1', token: 2 }];
    expect(checkLeaseUniqueness(broken)).toMatchObject({
      invariant: 'I-1',
      name: 'LeaseUniqueness',
    });
  });

  it('I-2 BeliefConsistency: belief with a stale token, a free record, or a claimable lease is reported', () => {
    const record = held('a');
    const belief = { node: 'a', resource: 'res', token: 1 };
    expect(checkBeliefConsistency(belief, record, T0 + 1_149, config)).toBeNull();
    expect(checkBeliefConsistency(belief, record, T0 + 1_150, config)).toMatchObject({
      invariant: 'I-2',
    });
    expect(checkBeliefConsistency({ ...belief, token: 2 }, record, T0, config)?.invariant).toBe(
      'I-2',
    );
    expect(
      checkBeliefConsistency(belief, released(record, T0 + 1), T0 + 2, config)?.invariant,
    ).toBe('I-2');
    expect(checkBeliefConsistency({ ...belief, node: 'b' }, record, T0, config)?.invariant).toBe(
      'I-2',
    );
  });

  it('I-3 RenewalRequiresOwnership: a renewal applied for a non-holder or over another token is reported', () => {
    const before = held('a');
    const after = renewed(before, T0 + 100);
    expect(checkRenewalOwnership(before, after, renewEvent('a', 1, T0 + 100))).toBeNull();
    expect(checkRenewalOwnership(before, after, renewEvent('b', 1, T0 + 100))?.invariant).toBe(
      'I-3',
    );
    expect(checkRenewalOwnership(before, after, renewEvent('a', 2, T0 + 100))?.invariant).toBe(
      'I-3',
    );
    expect(checkRenewalOwnership(null, after, renewEvent('a', 1, T0 + 100))?.invariant).toBe('I-3');
    const stolen = { ...after, holder: 'b' };
    expect(checkRenewalOwnership(before, stolen, renewEvent('a', 1, T0 + 100))?.invariant).toBe(
      'I-3',
    );
  });

  it('I-3 RenewalRequiresOwnership: a failed mutation that changed the record is reported', () => {
    const before = held('a');
    expect(checkFailedMutationUnchanged('renew', before, before)).toBeNull();
    expect(checkFailedMutationUnchanged('renew', before, { ...before })).toBeNull();
    expect(
      checkFailedMutationUnchanged('release', before, renewed(before, T0 + 1))?.invariant,
    ).toBe('I-3');
  });

  it('I-4 ExpiredLeaseClaimable: an acquire refused as held on a claimable lease is reported', () => {
    const record = held('a');
    expect(checkExpiredLeaseClaimable(record, T0 + 1_149, 'held', config)).toBeNull();
    expect(checkExpiredLeaseClaimable(record, T0 + 1_150, 'granted', config)).toBeNull();
    expect(checkExpiredLeaseClaimable(record, T0 + 1_150, 'held', config)?.invariant).toBe('I-4');
  });

  it('I-4 ExpiredLeaseClaimable: a wait beyond the liveness bound is reported', () => {
    const boundMs = livenessBoundMs(1_000, 500, config);
    expect(boundMs).toBe(1_000 + 100 + 50 + 500);
    expect(checkAcquiredWithin('res', boundMs, boundMs)).toBeNull();
    expect(checkAcquiredWithin('res', boundMs + 1, boundMs)?.invariant).toBe('I-4');
  });

  it('I-5 FencingMonotonic: a re-grant with the same token, or a token going down, is reported', () => {
    const first = held('a');
    const free = released(first, T0 + 10);
    const regrant = held('b', T0 + 20, free);
    expect(checkFencingMonotonic(free, regrant, 1)).toBeNull();
    expect(checkFencingMonotonic(free, { ...regrant, token: 1 }, 1)).toMatchObject({
      invariant: 'I-5',
    });
    expect(checkFencingMonotonic(regrant, { ...free, token: 1 }, 2)?.invariant).toBe('I-5');
    expect(checkFencingMonotonic(first, renewed(first, T0 + 5), 1)).toBeNull();
    const takeover = { ...first, holder: 'c' };
    expect(checkFencingMonotonic(first, takeover, 1)?.invariant).toBe('I-5');
  });

  it('I-6 FencedResourceSafety: accepting a lower token or a token never granted to the writer is reported', () => {
    const base = {
      resource: 'res',
      writer: 'a',
      token: 3,
      accepted: true,
      tokenAcceptedMaxBefore: 3,
      grantedTo: 'a',
    };
    expect(checkFencedResourceSafety(base)).toBeNull();
    expect(checkFencedResourceSafety({ ...base, token: 2, grantedTo: 'a' })?.invariant).toBe('I-6');
    expect(checkFencedResourceSafety({ ...base, grantedTo: 'b' })?.invariant).toBe('I-6');
    expect(checkFencedResourceSafety({ ...base, grantedTo: undefined })?.invariant).toBe('I-6');
    expect(checkFencedResourceSafety({ ...base, token: 1, accepted: false })).toBeNull();
  });

  it('I-6: the fenced-write decision rejects lower tokens and accepts equal or higher', () => {
    expect(decideFencedWrite(3, 2)).toEqual({ kind: 'rejected', tokenAcceptedMax: 3 });
    expect(decideFencedWrite(3, 3)).toEqual({ kind: 'accepted', tokenAcceptedMax: 3 });
    expect(decideFencedWrite(3, 4)).toEqual({ kind: 'accepted', tokenAcceptedMax: 4 });
  });

  it('I-7 NoResurrection: a renewal after expiry, release or re-grant is reported', () => {
    const record = held('a');
    expect(checkNoResurrection(record, renewEvent('a', 1, T0 + 999))).toBeNull();
    expect(checkNoResurrection(record, renewEvent('a', 1, T0 + 1_000))?.invariant).toBe('I-7');
    expect(
      checkNoResurrection(released(record, T0 + 1), renewEvent('a', 1, T0 + 2))?.invariant,
    ).toBe('I-7');
    expect(
      checkNoResurrection(held('b', T0 + 2_000, record), renewEvent('a', 1, T0 + 2_001))?.invariant,
    ).toBe('I-7');
    expect(checkNoResurrection(null, renewEvent('a', 1, T0))?.invariant).toBe('I-7');
  });

  it('I-8 IdempotentAcquire: a second grant for one request id is reported', () => {
    const grant: HistoryEvent = {
      kind: 'granted',
      resource: 'res',
      holder: 'a',
      token: 2,
      atMs: T0,
      requestId: 'x',
      previousHolder: null,
    };
    expect(checkIdempotentAcquire(new Map([['y', 1]]), grant)).toBeNull();
    expect(checkIdempotentAcquire(new Map([['x', 1]]), grant)).toMatchObject({
      invariant: 'I-8',
      name: 'IdempotentAcquire',
    });
  });
});
