import {
  decideAcquire,
  decideRelease,
  decideRenew,
  type HeldRecord,
  type HistoryEvent,
  type LeaseRecord,
} from '@leasehold/core';
import { Checker, SIM_CONFIG } from '@leasehold/sim';
import { describe, expect, it } from 'vitest';

const T = 1_000_000;

function grant(
  record: LeaseRecord | null,
  holder: string,
  nowMs: number,
  requestId = `req-${holder}-${nowMs}`,
) {
  const d = decideAcquire(
    record,
    { resource: 'r', holder, requestId, ownerKey: `k-${holder}`, ttlMs: 1_000 },
    nowMs,
    SIM_CONFIG,
  );
  if (d.write === null) throw new Error(JSON.stringify(d.result));
  return d.write as { record: HeldRecord; event: HistoryEvent };
}

/** The sim's incremental checker reports a hand-made broken history for every invariant. */
describe('Checker: hand-made broken histories', () => {
  it('I-1: two nodes believing at one instant', () => {
    const checker = new Checker(SIM_CONFIG);
    const a = grant(null, 'a', T).record;
    const beliefs = [
      { node: 'a', resource: 'r', token: 1 },
      { node: 'b', resource: 'r', token: 2 },
    ];
    expect(checker.onInstant(beliefs, () => a, T)?.invariant).toBe('I-1');
  });

  it('I-2: a believer whose lease is claimable on the fastest clock', () => {
    const checker = new Checker(SIM_CONFIG);
    const a = grant(null, 'a', T).record;
    const belief = [{ node: 'a', resource: 'r', token: 1 }];
    expect(checker.onInstant(belief, () => a, T + 999)).toBeNull();
    expect(checker.onInstant(belief, () => a, a.expiresAtMs + 200)?.invariant).toBe('I-2');
  });

  it('I-3: a renewal applied for a node that is not the holder', () => {
    const checker = new Checker(SIM_CONFIG);
    const a = grant(null, 'a', T);
    expect(checker.onWrite(null, a.record, a.event)).toBeNull();
    const renew = decideRenew(
      a.record,
      { resource: 'r', holder: 'a', token: 1, ownerKey: 'k-a', requestId: 'x', ttlMs: 1_000 },
      T + 10,
      SIM_CONFIG,
    ).write!;
    const forged = { ...renew.event, holder: 'mallory' };
    expect(checker.onWrite(a.record, renew.record, forged)?.invariant).toBe('I-3');
  });

  it('I-3: a refused write that changed the record', () => {
    const checker = new Checker(SIM_CONFIG);
    const a = grant(null, 'a', T).record;
    expect(checker.onRefusedWrite('cas', a, a)).toBeNull();
    expect(checker.onRefusedWrite('cas', a, { ...a, holder: 'b' })?.invariant).toBe('I-3');
  });

  it('I-4: held answered on a lease the claimant could see was claimable', () => {
    const checker = new Checker(SIM_CONFIG);
    const a = grant(null, 'a', T).record;
    expect(checker.onAcquireAnswer(a, T + 500, 'held')).toBeNull();
    expect(checker.onAcquireAnswer(a, a.expiresAtMs + 200, 'held')?.invariant).toBe('I-4');
  });

  it('I-5: a second grant that reuses the token', () => {
    const checker = new Checker(SIM_CONFIG);
    const a = grant(null, 'a', T);
    checker.onWrite(null, a.record, a.event);
    const release = decideRelease(
      a.record,
      { resource: 'r', holder: 'a', token: 1, ownerKey: 'k-a', requestId: 'rel' },
      T + 5,
    ).write!;
    checker.onWrite(a.record, release.record, release.event);
    const b = grant(release.record, 'b', T + 10);
    const reused = { record: { ...b.record, token: 1 }, event: { ...b.event, token: 1 } };
    expect(checker.onWrite(release.record, reused.record, reused.event)?.invariant).toBe('I-5');
  });

  it('I-6: a fenced resource accepting a stale token, or a token never granted to the writer', () => {
    const checker = new Checker(SIM_CONFIG);
    const a = grant(null, 'a', T);
    checker.onWrite(null, a.record, a.event);
    expect(checker.onFencedWrite('r', 'a', 1, true)).toBeNull();
    expect(checker.onFencedWrite('r', 'b', 1, true)?.invariant).toBe('I-6');
    const fresh = new Checker(SIM_CONFIG);
    fresh.onWrite(null, a.record, a.event);
    fresh.onFencedWrite('r', 'a', 1, true);
    const b = grant(a.record, 'b', a.record.expiresAtMs + 500);
    fresh.onWrite(a.record, b.record, b.event);
    expect(fresh.onFencedWrite('r', 'b', 2, true)).toBeNull();
    expect(fresh.onFencedWrite('r', 'a', 1, true)?.invariant).toBe('I-6');
    expect(fresh.onFencedWrite('r', 'a', 1, false)).toBeNull();
  });

  it('I-7: a renewal applied after the lease was released', () => {
    const checker = new Checker(SIM_CONFIG);
    const a = grant(null, 'a', T);
    checker.onWrite(null, a.record, a.event);
    const release = decideRelease(
      a.record,
      { resource: 'r', holder: 'a', token: 1, ownerKey: 'k-a', requestId: 'rel' },
      T + 5,
    ).write!;
    checker.onWrite(a.record, release.record, release.event);
    const resurrected: HistoryEvent = {
      kind: 'renewed',
      resource: 'r',
      holder: 'a',
      token: 1,
      atMs: T + 6,
      requestId: 'ren',
      previousHolder: null,
    };
    const violation = checker.onWrite(release.record, a.record, resurrected);
    expect(['I-3', 'I-5', 'I-7']).toContain(violation?.invariant); // a resurrecting write also reuses the token
    const expiredRenew: HistoryEvent = { ...resurrected, atMs: a.record.expiresAtMs + 1 };
    const fresh = new Checker(SIM_CONFIG);
    fresh.onWrite(null, a.record, a.event);
    expect(
      fresh.onWrite(
        a.record,
        { ...a.record, expiresAtMs: a.record.expiresAtMs + 2_000 },
        expiredRenew,
      )?.invariant,
    ).toBe('I-7');
  });

  it('I-8: one request id granted twice', () => {
    const checker = new Checker(SIM_CONFIG);
    const a = grant(null, 'a', T, 'same-request');
    checker.onWrite(null, a.record, a.event);
    const again = grant(a.record, 'a', a.record.expiresAtMs + 500, 'other');
    const doubled = { record: again.record, event: { ...again.event, requestId: 'same-request' } };
    expect(checker.onWrite(a.record, doubled.record, doubled.event)?.invariant).toBe('I-8');
  });

  it('checks cost the same at step 10 and at step 100,000 (incremental: nothing scans history)', () => {
    const checker = new Checker(SIM_CONFIG);
    let record: LeaseRecord | null = null;
    let nowMs = T;
    for (let i = 0; i < 100_000; i++) {
      const w = grant(record, `n${i % 5}`, nowMs);
      expect(checker.onWrite(record, w.record, w.event)).toBeNull();
      record = w.record;
      nowMs += 2_000;
    }
  });
});
