import { ATTEMPTS_MAX, ManualClock } from '@leasehold/client';
import { MemoryStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import { FaultyStore } from './faulty-store';
import { client, runFor } from './helpers';

describe('per-call retry budget (attemptsMax)', () => {
  it(`refuses a budget outside 1..${ATTEMPTS_MAX} as invalid, naming the field, before any store call`, async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const got = await a.acquire('job');
    if (got.kind !== 'granted') throw new Error(got.kind);
    let reads = 0;
    const read = store.read.bind(store);
    store.read = (resource) => {
      reads++;
      return read(resource);
    };
    for (const attemptsMax of [0, ATTEMPTS_MAX + 1, 1.5, Number.NaN]) {
      expect(await a.acquire('other', { attemptsMax })).toMatchObject({
        kind: 'invalid',
        field: 'attemptsMax',
      });
      expect(await a.renew(got.lease, { attemptsMax })).toMatchObject({ field: 'attemptsMax' });
      expect(await a.release(got.lease, { attemptsMax })).toMatchObject({ field: 'attemptsMax' });
    }
    expect(reads).toBe(0);
  });

  it('stops after the budget, with that many attempts', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    store.faults.push('readFails', 'readFails', 'readFails');
    const pending = client(store, clock, 'a').acquire('job', { attemptsMax: 2 });
    await runFor(clock, 100, 10);
    expect(await pending).toEqual({
      kind: 'unavailable',
      reason: 'read failed: injected read failure',
      attempts: 2,
    });
    // The third fault is still queued: the budget was not exceeded.
    expect(store.faults).toEqual(['readFails']);
  });

  it('defaults.attemptsMax: a call that names no budget takes the client default; its own wins', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    store.faults.push('readFails', 'readFails', 'readFails', 'readFails');
    const a = client(store, clock, 'a', { defaults: { attemptsMax: 2 } });
    const pending = a.acquire('job');
    await runFor(clock, 100, 10);
    expect(await pending).toMatchObject({ kind: 'unavailable', attempts: 2 });
    const own = a.acquire('job', { attemptsMax: 1 });
    await runFor(clock, 100, 10);
    expect(await own).toMatchObject({ kind: 'unavailable', attempts: 1 });
    expect(store.faults).toEqual(['readFails']);
  });

  it('a bad client default is invalid naming defaults.<field>, before any store call', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    const bad = client(store, clock, 'a', { defaults: { attemptsMax: 0, ttlMs: 5 } });
    expect(await bad.acquire('job')).toMatchObject({
      kind: 'invalid',
      field: 'defaults.ttlMs',
      reason: expect.stringMatching(/^defaults\.ttlMs must be at least 100 ms/),
    });
    expect(await bad.acquire('job', { ttlMs: 1_000 })).toMatchObject({
      kind: 'invalid',
      field: 'defaults.attemptsMax',
      reason: expect.stringMatching(/^defaults\.attemptsMax must be from 1 to 8/),
    });
    // A call that says both itself never meets the bad defaults.
    expect(await bad.acquire('job', { ttlMs: 1_000, attemptsMax: 1 })).toMatchObject({
      kind: 'granted',
    });
    expect(store.writes).toBe(1);
  });

  it('defaults.ttlMs: an acquire that names no TTL is granted for the client default', async () => {
    const clock = new ManualClock();
    const a = client(new MemoryStore(), clock, 'a', { defaults: { ttlMs: 5_000 } });
    expect(await a.acquire('job')).toMatchObject({ kind: 'granted', lease: { ttlMs: 5_000 } });
    expect(await a.acquire('other', { ttlMs: 2_000 })).toMatchObject({
      lease: { ttlMs: 2_000 },
    });
  });
});
