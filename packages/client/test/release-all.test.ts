import { ManualClock, releaseAll, type KeepAlive, type Lease } from '@leasehold/client';
import { MemoryStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import { FaultyStore } from './faulty-store';
import { client } from './helpers';

describe('releaseAll and holds', () => {
  it('releases every lease held, stops keep-alives, and answers per resource', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    await a.acquire('x');
    const y = await a.acquire('y');
    await a.acquire('z');
    if (y.kind !== 'granted') throw new Error(y.kind);
    const keep = a.keepAlive(y.lease);
    const outcomes = await a.releaseAll();
    expect(outcomes).toEqual([
      { resource: 'z', outcome: { kind: 'released', token: 1, replayed: false } },
      { resource: 'y', outcome: { kind: 'released', token: 1, replayed: false } },
      { resource: 'x', outcome: { kind: 'released', token: 1, replayed: false } },
    ]);
    expect(await keep.done).toMatchObject({ kind: 'stopped' });
    expect(await store.listByHolder('a')).toEqual({ kind: 'ok', records: [] });
    expect(await a.releaseAll()).toEqual([]);
  });

  it('holds() says no once a release is sent, also when it answered unavailable (it may still apply)', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    const a = client(store, clock, 'a');
    const got = await a.acquire('x');
    if (got.kind !== 'granted') throw new Error(got.kind);
    expect(a.holds('x')).toBe(true);
    // Every attempt's write fails before it reaches the store.
    for (let i = 0; i < 8; i++) store.faults.push('writeFailsBefore');
    expect(await a.release(got.lease, { attemptsMax: 1 })).toMatchObject({ kind: 'unavailable' });
    expect(a.holds('x')).toBe(false);
    // Still listed for a graceful shutdown to send again, and a new grant is believed as usual.
    store.faults.length = 0;
    expect(await a.releaseAll()).toEqual([
      { resource: 'x', outcome: { kind: 'released', token: 1, replayed: false } },
    ]);
    const again = await a.acquire('x');
    expect(again).toMatchObject({ kind: 'granted', lease: { token: 2 } });
    expect(a.holds('x')).toBe(true);
  });

  it('the helper stops every keep-alive before it asks for the leases, then releases them in reverse order', async () => {
    const log: string[] = [];
    const lease = (resource: string) => ({ resource, token: 1 }) as unknown as Lease;
    const loop = (name: string) =>
      ({
        stop: async () => {
          log.push(`stop ${name}`);
        },
      }) as unknown as KeepAlive;
    const outcomes = await releaseAll({
      keepAlives: () => [loop('k1'), loop('k2')],
      held: () => {
        log.push('held');
        return [lease('b'), lease('c'), lease('a')];
      },
      release: async (l) => {
        log.push(`release ${l.resource}`);
        return { kind: 'released', token: 1, replayed: false };
      },
    });
    expect(log).toEqual(['stop k1', 'stop k2', 'held', 'release c', 'release b', 'release a']);
    expect(outcomes.map((o) => o.resource)).toEqual(['c', 'b', 'a']);
  });

  it('I-2: holds is true while the belief lasts and false from its end on', async () => {
    const clock = new ManualClock();
    const a = client(new MemoryStore(), clock, 'a');
    const got = await a.acquire('job');
    if (got.kind !== 'granted') throw new Error(got.kind);
    expect(a.holds('job')).toBe(true);
    expect(a.holds('other')).toBe(false);
    clock.advance(got.lease.validUntilMonoMs - 1);
    expect(a.holds('job')).toBe(true);
    clock.advance(1);
    expect(a.holds('job')).toBe(false);
  });

  it('holds is false after a release, and after the store answered notHolder', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const got = await a.acquire('job');
    if (got.kind !== 'granted') throw new Error(got.kind);
    await a.release(got.lease);
    expect(a.holds('job')).toBe(false);
    const again = await a.acquire('job');
    if (again.kind !== 'granted') throw new Error(again.kind);
    await client(store, clock, 'admin').forceRelease('job');
    await client(store, clock, 'b').acquire('job');
    expect(await a.renew(again.lease)).toMatchObject({ kind: 'notHolder' });
    expect(a.holds('job')).toBe(false);
  });
});
