import {
  decideAcquire,
  decideExpire,
  decideForceRelease,
  decideRelease,
  decideRenew,
  type HeldRecord,
  type LeaseRecord,
} from '@leasehold/core';
import { Checker, type TimeBounds } from '@leasehold/sim';
import type { Op, Step } from '@leasehold/step';
import { describe, expect, it } from 'vitest';

const EPOCH = 1_000_000;
const bounds: TimeBounds = { graceMs: 100, skewMs: 100, marginMs: 50, driftPpm: 10_000 };
const config = {
  ttlMsDefault: 1_000,
  ttlMsMin: 100,
  ttlMsMax: 10_000,
  graceMs: bounds.graceMs,
  maxClockSkewMs: bounds.skewMs,
  safetyMarginMs: bounds.marginMs,
  clockDriftPpmMax: bounds.driftPpm,
  maxRenewals: null,
};

type WithoutStep = Step extends infer S ? (S extends Step ? Omit<S, 'step'> : never) : never;

/**
 * A hand-made world: steps built as the simulator records them (who called, with which clock
 * readings, what the store held before and after), fed to a fresh checker.
 */
class History {
  readonly checker = new Checker({ bounds, ttlMsMax: 1_000, epochMs: EPOCH });
  record: LeaseRecord | null = null;
  version = 0;
  #step = 0;
  #call = 0;
  #op = 0;

  feed(step: WithoutStep): void {
    this.checker.onStep({ ...step, step: ++this.#step } as Step);
  }

  begin(kind: Op['kind'], node: string, atMs: number, extra: Partial<Op> = {}): Op {
    const op: Op = {
      id: ++this.#op,
      kind,
      node,
      resource: 'r',
      ttlMs: kind === 'acquire' || kind === 'renew' ? 1_000 : null,
      leaseOp: null,
      expectedHolder: null,
      requestId: null,
      ...extra,
    };
    this.feed({ kind: 'begin', atMs, op });
    return op;
  }

  /** A write by `node` under `op`, sent at `atMs` (wall = EPOCH + atMs + wallErrorMs). */
  write(node: string, op: Op | null, atMs: number, after: LeaseRecord, wallErrorMs = 0): void {
    const call = ++this.#call;
    this.feed({
      kind: 'call',
      atMs,
      node,
      inc: 0,
      call,
      op: op?.id ?? null,
      req: 'cas',
      resource: 'r',
      wallMs: EPOCH + atMs + wallErrorMs,
      monoMs: atMs,
      expectedVersion: this.version,
      proposed: after,
      copies: 1,
      origin: null,
    });
    this.feed({
      kind: 'apply',
      atMs: atMs + 1,
      call,
      node,
      req: 'cas',
      resource: 'r',
      copy: 0,
      outcome: 'ok',
      before: this.record,
      after,
      versionBefore: this.version,
      versionAfter: this.version + 1,
    });
    this.record = after;
    this.version += 1;
  }

  /** A request the store refused, but that changed the record anyway (a broken store). */
  refused(node: string, atMs: number, after: LeaseRecord): void {
    const call = ++this.#call;
    this.feed({
      kind: 'apply',
      atMs,
      call,
      node,
      req: 'cas',
      resource: 'r',
      copy: 0,
      outcome: 'conflict',
      before: this.record,
      after,
      versionBefore: this.version,
      versionAfter: this.version,
    });
  }

  grant(
    node: string,
    atMs: number,
    op = this.begin('acquire', node, atMs),
    requestId = `q${op.id}`,
  ): HeldRecord {
    const d = decideAcquire(
      this.record,
      { resource: 'r', holder: node, requestId, ownerKey: `k-${node}`, ttlMs: 1_000 },
      EPOCH + atMs,
      config,
    );
    if (d.write === null) throw new Error(JSON.stringify(d.result));
    this.write(node, op, atMs, d.write.record);
    return d.write.record as HeldRecord;
  }

  beliefs(atMs: number, ...beliefs: [string, number][]): void {
    this.checker.onBeliefs(
      beliefs.map(([node, token]) => ({ node, resource: 'r', token })),
      EPOCH + atMs,
    );
  }
}

/** The record an expire writes (decided where it is claimable: the write, not the timing, matters). */
function decideExpireAt(record: HeldRecord, laterMs: number): LeaseRecord {
  return decideExpire(record, { resource: 'r', requestId: 'e' }, EPOCH + laterMs, config).write!
    .record;
}

function renewRecord(record: HeldRecord, nowMs: number, ttlMs = 1_000): HeldRecord {
  return { ...record, expiresAtMs: nowMs + ttlMs, renewals: record.renewals + 1 };
}

describe('Checker: judges from facts, one hand-made broken history per check', () => {
  it('I-1 LeaseUniqueness: two believers of one resource at one instant', () => {
    const h = new History();
    h.grant('a', 0);
    h.beliefs(10, ['a', 1]);
    expect(h.checker.violation).toBeNull();
    h.beliefs(20, ['a', 1], ['b', 1]);
    expect(h.checker.violation?.invariant).toBe('I-1');
  });

  it('I-1 is not claimed for a holder an admin force-released (fencing stops it)', () => {
    const h = new History();
    const a = h.grant('a', 0);
    const force = h.begin('forceRelease', 'admin', 100);
    h.write(
      'admin',
      force,
      100,
      decideForceRelease(
        a,
        { resource: 'r', expectedHolder: null, requestId: 'f', by: 'admin' },
        EPOCH + 100,
      ).write!.record,
    );
    h.grant('b', 200);
    h.beliefs(210, ['a', 1], ['b', 3]);
    expect(h.checker.violation).toBeNull();
  });

  it('I-2 BeliefConsistency: a believer the store does not name', () => {
    const h = new History();
    h.grant('a', 0);
    h.beliefs(10, ['b', 1]);
    expect(h.checker.violation?.invariant).toBe('I-2');
  });

  it('I-2: a belief a clock within the skew bound could take over (an expiry written too early)', () => {
    const h = new History();
    const op = h.begin('acquire', 'a', 0);
    const granted = decideAcquire(
      null,
      { resource: 'r', holder: 'a', requestId: 'q', ownerKey: 'k', ttlMs: 1_000 },
      EPOCH,
      config,
    ).write!.record as HeldRecord;
    // The write says 500 ms where the op asked for 1000: claimable from 500 + 100 + 100 on a
    // clock 50 ms ahead of true time, while the holder's belief may last until 960.
    h.write('a', op, 0, { ...granted, expiresAtMs: EPOCH + 500 });
    h.beliefs(649, ['a', 1]);
    expect(h.checker.violation).toBeNull();
    h.beliefs(650, ['a', 1]);
    expect(h.checker.violation?.message).toMatch(/claimable point/);
  });

  it("I-2: a belief longer than the rule allows from the grant's send, whatever the record says", () => {
    const h = new History();
    h.grant('a', 0);
    // (1000 - 50) / 0.99 = 959.6 -> must end by 960.
    h.beliefs(959, ['a', 1]);
    expect(h.checker.violation).toBeNull();
    h.beliefs(960, ['a', 1]);
    expect(h.checker.violation?.message).toMatch(/had to end by 960 ms/);
  });

  it("I-2: a renewal capped at the lease's max age is believed no longer than its cap allows", () => {
    const h = new History();
    const op = h.begin('acquire', 'a', 0, { maxAgeMs: 1_200 });
    const request = { resource: 'r', holder: 'a', requestId: 'q', ownerKey: 'k', ttlMs: 1_000 };
    const granted = decideAcquire(null, { ...request, maxAgeMs: 1_200 }, EPOCH, config).write!
      .record as HeldRecord;
    h.write('a', op, 0, granted);
    const renew = h.begin('renew', 'a', 500, { leaseOp: op.id });
    const renewal = decideRenew(
      granted,
      { resource: 'r', holder: 'a', token: 1, ownerKey: 'k', requestId: 'r1', ttlMs: 1_000 },
      EPOCH + 500,
      config,
    ).write!.record as HeldRecord;
    expect(renewal.expiresAtMs).toBe(EPOCH + 1_200);
    h.write('a', renew, 500, renewal);
    // Not 500 + 960 from the send: the cap 1200, + half the skew 50 - margin 50 + drift 10.
    h.beliefs(1_209, ['a', 1]);
    expect(h.checker.violation).toBeNull();
    h.beliefs(1_210, ['a', 1]);
    expect(h.checker.violation?.message).toMatch(/had to end by 1210 ms/);
  });

  it('I-3 RenewalRequiresOwnership: an extension applied by a node that was not the holder', () => {
    const h = new History();
    const a = h.grant('a', 0);
    const renew = h.begin('renew', 'b', 100, { leaseOp: 1 });
    h.write('b', renew, 100, renewRecord(a, EPOCH + 100));
    expect(h.checker.violation?.invariant).toBe('I-3');
    expect(h.checker.violation?.message).toMatch(/by b applied while a held it/);
  });

  it('I-3: a renew of an earlier grant applied to the holder’s current grant', () => {
    const h = new History();
    const first = h.grant('a', 0);
    const free = decideRelease(
      first,
      { resource: 'r', holder: 'a', token: 1, ownerKey: 'k-a', requestId: 'rel' },
      EPOCH + 10,
    ).write!.record;
    h.write('a', h.begin('release', 'a', 10, { leaseOp: 1 }), 10, free);
    const second = h.grant('a', 20);
    const stale = h.begin('renew', 'a', 30, { leaseOp: 1 });
    h.write('a', stale, 30, renewRecord(second, EPOCH + 30));
    expect(h.checker.violation?.invariant).toBe('I-3');
  });

  it('I-3: a renew of a grant a power loss forgot applied to a later grant of the same holder', () => {
    const h = new History();
    const first = h.grant('a', 0);
    // The loss forgets the grant (nothing survived); the recovery quarantines with a raised token.
    const quarantine: HeldRecord = {
      ...first,
      token: 10,
      holder: 'leasehold:recovery',
      ownerKey: 'recovery',
      requestId: 'leasehold-recovery-10',
      acquiredAtMs: EPOCH + 100,
      updatedAtMs: EPOCH + 100,
      expiresAtMs: EPOCH + 1_500,
      ttlMs: 1_400,
    };
    h.feed({
      kind: 'powerLoss',
      atMs: 100,
      lost: 1,
      records: [
        { resource: 'r', before: first, survived: null, after: quarantine, versionAfter: 10 },
      ],
    });
    h.record = quarantine;
    h.version = 10;
    const second = h.grant('a', 2_000);
    expect(second.token).toBe(11);
    expect(h.checker.violation).toBeNull();
    const stale = h.begin('renew', 'a', 2_010, { leaseOp: 1 });
    h.write('a', stale, 2_010, renewRecord(second, EPOCH + 2_010));
    expect(h.checker.violation?.invariant).toBe('I-3');
    expect(h.checker.violation?.message).toMatch(
      /grant with token 1 applied to the grant with token 11/,
    );
  });

  it('I-3: a release by a node that was not the holder applied (judged directly, not only through I-2)', () => {
    const h = new History();
    const a = h.grant('a', 0);
    const op = h.begin('release', 'b', 100, { leaseOp: null });
    const freed = decideRelease(
      a,
      { resource: 'r', holder: 'a', token: 1, ownerKey: 'k-a', requestId: 'rb' },
      EPOCH + 100,
    ).write!.record;
    h.write('b', op, 100, freed);
    expect(h.checker.violation?.invariant).toBe('I-3');
    expect(h.checker.violation?.message).toMatch(/release of "r" by b applied while a held it/);
  });

  it("I-3: a holder's release of an earlier grant freed its newer one", () => {
    const h = new History();
    const first = h.begin('acquire', 'a', 0);
    const a = h.grant('a', 0, first);
    const op = h.begin('release', 'a', 1_800, { leaseOp: first.id });
    const later = h.grant('a', 1_700);
    expect(a.token).toBe(1);
    const freed = decideRelease(
      later,
      { resource: 'r', holder: 'a', token: later.token, ownerKey: 'k-a', requestId: 'ra' },
      EPOCH + 1_800,
    ).write!.record;
    h.write('a', op, 1_800, freed);
    expect(h.checker.violation?.message).toMatch(
      /for its grant with token 1 freed the grant with token 2/,
    );
  });

  it("I-3: an expire applied before the lease was claimable on the expirer's clock", () => {
    const h = new History();
    const a = h.grant('a', 0);
    const op = h.begin('expire', 'b', 1_100);
    // Claimable from expiry (1000) + grace + skew on b's clock: 1_100 is too early.
    h.write('b', op, 1_100, { ...decideExpireAt(a, 1_100_000) });
    expect(h.checker.violation?.invariant).toBe('I-3');
    expect(h.checker.violation?.message).toMatch(/before the lease was claimable/);
  });

  it('store contract: a request the store refused changed the record anyway (no invariant: the store broke it)', () => {
    const h = new History();
    const a = h.grant('a', 0);
    h.refused('b', 50, { ...a, holder: 'b' });
    expect(h.checker.violation).toBeNull();
    expect(h.checker.storeBreach).toMatch(
      /a write the store answered conflict by b changed the record/,
    );
  });

  it('I-3: a force-release expecting another holder applied', () => {
    const h = new History();
    const a = h.grant('a', 0);
    const force = h.begin('forceRelease', 'admin', 100, { expectedHolder: 'b' });
    const freed = decideForceRelease(
      a,
      { resource: 'r', expectedHolder: null, requestId: 'f', by: 'admin' },
      EPOCH + 100,
    ).write!.record;
    h.write('admin', force, 100, freed);
    expect(h.checker.violation?.invariant).toBe('I-3');
  });

  it('I-4 ExpiredLeaseClaimable: held answered on a record claimable on the reader’s clock', () => {
    const h = new History();
    const a = h.grant('a', 0);
    const op = h.begin('acquire', 'b', 1_300);
    h.feed({
      kind: 'reply',
      atMs: 1_301,
      call: 99,
      node: 'b',
      op: op.id,
      req: 'read',
      resource: 'r',
      result: 'ok',
      cause: null,
      record: a,
      wallMs: EPOCH + 1_301,
      served: null,
    });
    h.feed({
      kind: 'outcome',
      atMs: 1_301,
      op,
      result: 'held',
      token: null,
      invalid: null,
      detail: {},
      wallMs: EPOCH + 1_301,
      final: true,
    });
    expect(h.checker.violation?.invariant).toBe('I-4');
  });

  it('I-4: held answered on a record not yet claimable is fine', () => {
    const h = new History();
    const a = h.grant('a', 0);
    const op = h.begin('acquire', 'b', 1_000);
    h.feed({
      kind: 'reply',
      atMs: 1_199,
      call: 99,
      node: 'b',
      op: op.id,
      req: 'read',
      resource: 'r',
      result: 'ok',
      cause: null,
      record: a,
      wallMs: EPOCH + 1_199,
      served: null,
    });
    h.feed({
      kind: 'outcome',
      atMs: 1_199,
      op,
      result: 'held',
      token: null,
      invalid: null,
      detail: {},
      wallMs: EPOCH + 1_199,
      final: true,
    });
    expect(h.checker.violation).toBeNull();
  });

  it('I-4 (liveness): a healed waiter that gets the lease later than the bound', () => {
    const late = (grantAtMs: number) => {
      const h = new History();
      const a = h.grant('a', 0); // claimable from 1200 on a true clock
      const free = decideRelease(
        a,
        { resource: 'r', holder: 'a', token: 1, ownerKey: 'k-a', requestId: 'rel' },
        EPOCH + 300,
      ).write!.record;
      h.write('a', h.begin('release', 'a', 300, { leaseOp: 1 }), 300, free);
      h.feed({ kind: 'heal', atMs: 500 });
      h.grant('p', grantAtMs - 1);
      const probe = { node: 'p', resource: 'r', result: 'granted', waitedMs: 0 } as const;
      h.feed({ kind: 'probe', atMs: grantAtMs + 5, ...probe });
      return h.checker.violation;
    };
    // The bound: the later of the heal and the claimable point of every write before the grant.
    const allowance = new History().checker.probeBoundMs('r') - EPOCH;
    expect(late(1_200 + allowance)).toBeNull();
    expect(late(1_201 + allowance)?.invariant).toBe('I-4');
  });

  it('I-4 (liveness): a healed waiter answered anything but granted', () => {
    const h = new History();
    h.feed({ kind: 'heal', atMs: 0 });
    h.feed({ kind: 'probe', atMs: 10, node: 'p', resource: 'r', result: 'held', waitedMs: 10 });
    expect(h.checker.violation?.invariant).toBe('I-4');
  });

  it('I-5 FencingMonotonic: a grant that reuses a token', () => {
    const h = new History();
    const a = h.grant('a', 0);
    const free = decideRelease(
      a,
      { resource: 'r', holder: 'a', token: 1, ownerKey: 'k-a', requestId: 'rel' },
      EPOCH + 10,
    ).write!.record;
    h.write('a', h.begin('release', 'a', 10, { leaseOp: 1 }), 10, free);
    const op = h.begin('acquire', 'b', 20);
    h.write('b', op, 20, { ...a, holder: 'b', expiresAtMs: EPOCH + 1_020 });
    expect(h.checker.violation?.invariant).toBe('I-5');
  });

  it('I-5: a force-release that keeps the token', () => {
    const h = new History();
    const a = h.grant('a', 0);
    const force = h.begin('forceRelease', 'admin', 100);
    h.write('admin', force, 100, {
      status: 'free',
      resource: 'r',
      token: 1,
      updatedAtMs: EPOCH + 100,
      requestId: 'f',
      recentGrants: a.recentGrants,
      lastHolder: 'a',
      freedBy: 'forceReleased',
    });
    expect(h.checker.violation?.invariant).toBe('I-5');
  });

  it('I-6 FencedResourceSafety: a lower token accepted after a higher one, or one never granted', () => {
    const h = new History();
    h.grant('a', 0);
    h.feed({ kind: 'fence', atMs: 10, node: 'a', resource: 'r', token: 1, accepted: true });
    expect(h.checker.violation).toBeNull();
    h.feed({ kind: 'fence', atMs: 11, node: 'b', resource: 'r', token: 1, accepted: true });
    expect(h.checker.violation?.message).toMatch(/granted to a/);
    const h2 = new History();
    h2.grant('a', 0);
    h2.feed({ kind: 'fence', atMs: 10, node: 'a', resource: 'r', token: 2, accepted: true });
    expect(h2.checker.violation?.message).toMatch(/never granted/);
  });

  it('I-7 NoResurrection: a renew sent at or after expiry on the renewer’s own clock', () => {
    const h = new History();
    const a = h.grant('a', 0);
    const renew = h.begin('renew', 'a', 1_000, { leaseOp: 1 });
    h.write('a', renew, 1_000, renewRecord(a, EPOCH + 1_000));
    expect(h.checker.violation?.invariant).toBe('I-7');
  });

  it('I-7: a renew that brings a released lease back', () => {
    const h = new History();
    const a = h.grant('a', 0);
    const free = decideRelease(
      a,
      { resource: 'r', holder: 'a', token: 1, ownerKey: 'k-a', requestId: 'rel' },
      EPOCH + 10,
    ).write!.record;
    h.write('a', h.begin('release', 'a', 10, { leaseOp: 1 }), 10, free);
    const renew = h.begin('renew', 'a', 20, { leaseOp: 1 });
    h.write('a', renew, 20, renewRecord(a, EPOCH + 20));
    expect(h.checker.violation?.invariant).toBe('I-7');
  });

  it('I-8 IdempotentAcquire: one logical acquire granted twice, whatever request ids it used', () => {
    const h = new History();
    const op = h.begin('acquire', 'a', 0);
    const first = h.grant('a', 0, op);
    const free = decideRelease(
      first,
      { resource: 'r', holder: 'a', token: 1, ownerKey: 'k-a', requestId: 'rel' },
      EPOCH + 10,
    ).write!.record;
    h.write('a', h.begin('release', 'a', 10, { leaseOp: op.id }), 10, free);
    h.grant('a', 20, op, 'a-fresh-id-for-the-retry');
    expect(h.checker.violation?.invariant).toBe('I-8');
  });

  it('the checker trusts no history event: a renewal is judged by who applied it', () => {
    const h = new History();
    const a = h.grant('a', 0);
    const d = decideRenew(
      a,
      { resource: 'r', holder: 'a', token: 1, ownerKey: 'k-a', requestId: 'x', ttlMs: 1_000 },
      EPOCH + 100,
      config,
    );
    // The write carries a's own renewal, but b's call applied it.
    h.write('b', h.begin('renew', 'b', 100, { leaseOp: 1 }), 100, d.write!.record);
    expect(h.checker.violation?.invariant).toBe('I-3');
  });
});
