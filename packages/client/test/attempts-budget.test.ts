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
});
