import { LeaseEndedError, ManualClock, type KeepAliveEnd, type Lease } from '@leasehold/client';
import { MemoryStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import { FaultyStore } from './faulty-store';
import { client, configWith, flush, runFor } from './helpers';

async function granted(c: ReturnType<typeof client>, resource = 'job', ttlMs?: number) {
  const got = await c.acquire(resource, ttlMs === undefined ? {} : { ttlMs });
  if (got.kind !== 'granted') throw new Error(got.kind);
  return got.lease;
}

describe('keepAlive', () => {
  it('renews about every third of the TTL, on the monotonic clock', async () => {
    const clock = new ManualClock(1_000_000, 0);
    const a = client(new MemoryStore(), clock, 'a');
    const renewedAt: number[] = [];
    a.on('renewed', () => renewedAt.push(clock.monoMs()));
    const keep = a.keepAlive(await granted(a));
    await runFor(clock, 1_100);
    expect(renewedAt).toEqual([333, 666, 999]);
    expect(keep.current()).toMatchObject({ token: 1, renewals: 3, validUntilMonoMs: 999 + 980 });
    expect(keep.signal.aborted).toBe(false);
    expect(a.holds('job')).toBe(true);
    await keep.stop();
  });

  it('I-1 I-2: a hung store loses the lease just before its belief end, not later', async () => {
    const clock = new ManualClock(1_000_000, 0);
    const store = new FaultyStore();
    const a = client(store, clock, 'a');
    const lease = await granted(a);
    store.hangWrites = true;
    const lost: Array<{ at: number; reason: string }> = [];
    a.on('lost', (e) => lost.push({ at: clock.monoMs(), reason: e.reason }));
    const keep = a.keepAlive(lease);
    // The signal aborts a millisecond before the belief ends: work gated on it never runs at the
    // very instant another node may claim.
    await runFor(clock, lease.validUntilMonoMs - 2);
    expect(keep.signal.aborted).toBe(false);
    expect(a.holds('job')).toBe(true);
    await runFor(clock, 1);
    expect(clock.monoMs()).toBe(lease.validUntilMonoMs - 1);
    expect(keep.signal.aborted).toBe(true);
    expect(keep.signal.reason).toBeInstanceOf(LeaseEndedError);
    expect(lost).toEqual([{ at: 979, reason: 'beliefEnded' }]);
    expect(await keep.done).toMatchObject({ kind: 'lost', reason: 'beliefEnded', outcome: null });
    await runFor(clock, 1);
    expect(a.holds('job')).toBe(false);
  });

  it('I-6: lost at once on notHolder after another client force-released and took the lease', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const keep = a.keepAlive(await granted(a));
    expect(await client(store, clock, 'admin').forceRelease('job')).toMatchObject({
      kind: 'forceReleased',
    });
    expect(await client(store, clock, 'b').acquire('job')).toMatchObject({ kind: 'granted' });
    const lost: unknown[] = [];
    a.on('lost', (e) => lost.push(e));
    await runFor(clock, 333);
    expect(lost).toEqual([
      { resource: 'job', holder: 'a', token: 1, reason: 'notHolder', renewals: 0 },
    ]);
    expect(keep.signal.aborted).toBe(true);
    const end = await keep.done;
    expect(end).toMatchObject({ kind: 'lost', outcome: { kind: 'notHolder', holder: 'b' } });
    expect(a.holds('job')).toBe(false);
  });

  it('I-7: lost at once as expired after a force-release nobody followed', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const keep = a.keepAlive(await granted(a));
    await client(store, clock, 'admin').forceRelease('job');
    await runFor(clock, 333);
    expect(await keep.done).toMatchObject({ kind: 'lost', reason: 'expired' });
    expect(clock.monoMs()).toBe(333);
  });

  it('lost at once when the store refuses more renewals (config maxRenewals)', async () => {
    const clock = new ManualClock();
    const a = client(new MemoryStore(), clock, 'a', { config: configWith({ maxRenewals: 1 }) });
    const keep = a.keepAlive(await granted(a));
    await runFor(clock, 700);
    const end = await keep.done;
    expect(end).toMatchObject({ kind: 'lost', reason: 'maxRenewalsReached', renewals: 1 });
    expect(clock.monoMs()).toBe(700);
  });

  it('options.maxRenewals: stops renewing, then the lease is lost just before its belief end', async () => {
    const clock = new ManualClock();
    const a = client(new MemoryStore(), clock, 'a');
    const keep = a.keepAlive(await granted(a), { maxRenewals: 1 });
    let endAt = -1;
    void keep.done.then(() => (endAt = clock.monoMs()));
    await runFor(clock, 2_000, 1);
    expect(await keep.done).toMatchObject({ kind: 'lost', reason: 'beliefEnded', renewals: 1 });
    expect(endAt).toBe(333 + 980 - 1);
  });

  it("the lease's own maxRenewals: the keep-alive stops there, and manual renewals past it are refused", async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const got = await a.acquire('job', { maxRenewals: 1 });
    if (got.kind !== 'granted') throw new Error(got.kind);
    expect(got.lease).toMatchObject({ maxRenewals: 1, maxAgeMs: null, renewals: 0 });
    const keep = a.keepAlive(got.lease);
    await runFor(clock, 1_320, 1);
    // It renewed once, sent no renewal the lease's limit refuses, and ran out at its belief end
    // (333 + 980 - 1 ms), before the lease expires on the store (333 + 1 000 ms).
    expect(await keep.done).toMatchObject({ kind: 'lost', reason: 'beliefEnded', renewals: 1 });
    // Three manual renewals after it, of the lease it kept (still live on the store): each is
    // refused at the lease's own limit, by this client or by another of the same holder.
    const restarted = client(store, clock, 'a');
    const kept = keep.current();
    expect(clock.monoMs()).toBeLessThan(1_000 + 333);
    for (const renewer of [a, restarted, a]) {
      expect(await renewer.renew(kept)).toEqual({
        kind: 'maxRenewalsReached',
        renewals: 1,
        maxRenewals: 1,
        limit: 'lease',
      });
    }
  });

  it("the lease's own maxAgeMs: renewals are capped at it, the keep-alive stops there, and the belief ends by it", async () => {
    const clock = new ManualClock(1_000_000, 0);
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const got = await a.acquire('job', { maxAgeMs: 1_500 });
    if (got.kind !== 'granted') throw new Error(got.kind);
    const renewals: Array<{ at: number; expiresAtMs: number; validUntilMonoMs: number }> = [];
    a.on('renewed', (e) =>
      renewals.push({
        at: clock.monoMs(),
        expiresAtMs: e.lease.expiresAtMs,
        validUntilMonoMs: e.lease.validUntilMonoMs,
      }),
    );
    const keep = a.keepAlive(got.lease);
    await runFor(clock, 3_000, 1);
    // At 333 ms the renewal runs to 1 333 ms past the grant; at 666 ms it would run to 1 666 ms:
    // capped at 1 500 ms. That is the lease's last: it expires at its max age, so the keep-alive
    // renews no more.
    expect(renewals).toEqual([
      { at: 333, expiresAtMs: 1_001_333, validUntilMonoMs: 333 + 980 },
      // Belief bounded by the expiry on the wall clock: 1 500 - 666 - skew 50 - margin 20.
      { at: 666, expiresAtMs: 1_001_500, validUntilMonoMs: 666 + 1_500 - 666 - 50 - 20 },
    ]);
    expect(await keep.done).toMatchObject({ kind: 'lost', reason: 'beliefEnded', renewals: 2 });
    const read = await store.read('job');
    expect(read.kind === 'ok' && read.record).toMatchObject({
      expiresAtMs: 1_001_500,
      maxAgeMs: 1_500,
    });
  });

  it('retries an unavailable renewal with back-off while the belief lasts', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    const a = client(store, clock, 'a');
    const lease = await granted(a, 'job', 60_000);
    // Every attempt of the first renewal fails: the renew call answers unavailable.
    for (let i = 0; i < 8; i++) store.faults.push('writeFailsBefore');
    const keep = a.keepAlive(lease);
    const outcomes: string[] = [];
    a.on('renewed', (e) => outcomes.push(`renewed@${clock.monoMs()} token ${e.token}`));
    await runFor(clock, 22_000, 10);
    expect(outcomes).toHaveLength(1);
    expect(keep.current().validUntilMonoMs).toBeGreaterThan(lease.validUntilMonoMs);
    expect(keep.signal.aborted).toBe(false);
    await keep.stop();
  });

  it('stop() ends renewals without releasing; a sleep resolving after it does nothing', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    const a = client(store, clock, 'a');
    const keep = a.keepAlive(await granted(a));
    await runFor(clock, 100);
    await keep.stop();
    const writes = store.writes;
    await runFor(clock, 800);
    expect(store.writes).toBe(writes);
    const end: KeepAliveEnd = await keep.done;
    expect(end).toMatchObject({ kind: 'stopped', renewals: 0 });
    expect(keep.signal.aborted).toBe(true);
    expect((await store.read('job')).kind === 'ok' && (await store.read('job'))).toMatchObject({
      record: { status: 'held', holder: 'a' },
    });
  });

  it('the caller’s signal stops it, also when already aborted', async () => {
    const clock = new ManualClock();
    const a = client(new MemoryStore(), clock, 'a');
    const lease: Lease = await granted(a);
    const caller = new AbortController();
    const keep = a.keepAlive(lease, { signal: caller.signal });
    caller.abort();
    await flush();
    expect(await keep.done).toMatchObject({ kind: 'stopped' });
    const early = a.keepAlive(lease, { signal: AbortSignal.abort() });
    expect(early.signal.aborted).toBe(true);
    expect(await early.done).toMatchObject({ kind: 'stopped' });
  });
});
