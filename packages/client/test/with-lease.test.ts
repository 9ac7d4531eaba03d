import { ManualClock } from '@leasehold/client';
import { MemoryStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import { FaultyStore } from './faulty-store';
import { client, runFor } from './helpers';

describe('withLease', () => {
  it('runs fn with the lease, its token and a live signal, then releases', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const result = await a.withLease('job', async ({ lease, token, signal }) => {
      expect(a.holds('job')).toBe(true);
      expect(signal.aborted).toBe(false);
      return `${lease.resource}:${token}`;
    });
    expect(result).toMatchObject({
      kind: 'done',
      value: 'job:1',
      keepAlive: { kind: 'stopped' },
      release: { kind: 'released', token: 1 },
    });
    expect(await store.read('job')).toMatchObject({ record: { status: 'free' } });
    expect(a.holds('job')).toBe(false);
  });

  it('releases when fn throws, then rethrows fn’s error', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const released: number[] = [];
    a.on('released', (e) => released.push(e.token));
    const boom = new Error('fn failed');
    await expect(
      a.withLease('job', () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(released).toEqual([1]);
    expect(await store.read('job')).toMatchObject({ record: { status: 'free' } });
  });

  it('keeps the lease alive while fn runs past the TTL', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const running = a.withLease('job', async ({ signal, current }) => {
      await runFor(clock, 2_500, 10);
      return { aborted: signal.aborted, renewals: current().renewals };
    });
    const result = await running;
    expect(result).toMatchObject({ kind: 'done', value: { aborted: false } });
    if (result.kind !== 'done') return;
    expect(result.value.renewals).toBeGreaterThanOrEqual(7);
    expect(result.release).toMatchObject({ kind: 'released' });
  });

  it('I-1: fn’s signal aborts by the belief end when the store hangs', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    const a = client(store, clock, 'a');
    const result = await a.withLease('job', async ({ signal, lease }) => {
      store.hangWrites = true;
      await runFor(clock, lease.validUntilMonoMs);
      const abortedAt = signal.aborted ? clock.monoMs() : null;
      store.hangWrites = false;
      return abortedAt;
    });
    expect(result).toMatchObject({ kind: 'done', value: 980, keepAlive: { kind: 'lost' } });
  });

  it('not granted is a value, with the acquire’s answer; nothing runs', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    await client(store, clock, 'b').acquire('job');
    let ran = false;
    const a = client(store, clock, 'a');
    expect(await a.withLease('job', () => (ran = true))).toMatchObject({
      kind: 'notAcquired',
      outcome: { kind: 'held', holder: 'b' },
    });
    expect(await a.withLease('job', () => (ran = true), { maxRenewals: -1 })).toMatchObject({
      kind: 'notAcquired',
      outcome: { kind: 'invalid', field: 'maxRenewals' },
    });
    expect(ran).toBe(false);
  });

  it("maxRenewals and maxAgeMs are the lease's own: fn's manual renewal past them is refused too", async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const result = await a.withLease(
      'job',
      async ({ lease, current }) => {
        expect(lease).toMatchObject({ maxRenewals: 0, maxAgeMs: 5_000 });
        const read = await store.read('job');
        expect(read.kind === 'ok' && read.record).toMatchObject({
          maxRenewals: 0,
          maxAgeMs: 5_000,
        });
        return a.renew(current());
      },
      { maxRenewals: 0, maxAgeMs: 5_000 },
    );
    expect(result).toMatchObject({
      kind: 'done',
      value: { kind: 'maxRenewalsReached', maxRenewals: 0, limit: 'lease' },
    });
  });
});
