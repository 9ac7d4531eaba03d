import { ManualClock } from '@leasehold/client';
import { MemoryStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import { FaultyStore } from './faulty-store';
import { client, flush, runFor } from './helpers';

describe('blocking acquire hand-off (store watch)', () => {
  it('I-4: is granted right after the holder releases, without waiting for expiry', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const held = await a.acquire('job');
    if (held.kind !== 'granted') throw new Error(held.kind);
    let answered = false;
    const pending = client(store, clock, 'b').acquire('job', { waitMs: 5_000 });
    void pending.then(() => (answered = true));
    await flush();
    expect(answered).toBe(false);
    expect(store.watchers()).toBe(1);
    await a.release(held.lease);
    expect(await pending).toMatchObject({ kind: 'granted', lease: { holder: 'b', token: 2 } });
    expect(clock.monoMs()).toBe(0);
    expect(store.watchers()).toBe(0);
  });

  it('still gives up as held at its deadline, leaving no watcher behind', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    await client(store, clock, 'a').acquire('job');
    const pending = client(store, clock, 'b').acquire('job', { waitMs: 300 });
    await runFor(clock, 400, 10);
    expect(await pending).toMatchObject({ kind: 'held', holder: 'a' });
    expect(store.watchers()).toBe(0);
  });

  it('a renewal by the holder wakes the waiter, which looks again and keeps waiting', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const held = await a.acquire('job');
    if (held.kind !== 'granted') throw new Error(held.kind);
    const b = client(store, clock, 'b');
    let conflicts = 0;
    b.on('conflict', () => conflicts++);
    const pending = b.acquire('job', { waitMs: 200 });
    await flush();
    expect(await a.renew(held.lease)).toMatchObject({ kind: 'renewed' });
    await flush();
    expect(store.watchers()).toBe(1);
    await runFor(clock, 250, 10);
    expect(await pending).toMatchObject({ kind: 'held' });
    expect(conflicts).toBe(1);
  });

  it('a store without watch keeps the plain sleep until the lease is claimable', async () => {
    const clock = new ManualClock();
    const store = new FaultyStore();
    const a = client(store, clock, 'a');
    const held = await a.acquire('job');
    if (held.kind !== 'granted') throw new Error(held.kind);
    let answered = false;
    const pending = client(store, clock, 'b').acquire('job', { waitMs: 5_000 });
    void pending.then(() => (answered = true));
    await flush();
    await a.release(held.lease);
    await flush();
    expect(answered).toBe(false);
    await runFor(clock, 1_150, 10);
    expect(await pending).toMatchObject({ kind: 'granted', lease: { holder: 'b' } });
  });
});
