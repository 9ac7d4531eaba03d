import { ManualClock, type LeaseEventMap } from '@leasehold/client';
import { MemoryStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import { client } from './helpers';

describe('LeaseClient events', () => {
  it('granted, renewed, released and conflict carry resource, holder and token', async () => {
    const clock = new ManualClock(1_000_000, 0);
    const store = new MemoryStore();
    const a = client(store, clock, 'a');
    const b = client(store, clock, 'b');
    const seen: string[] = [];
    a.on('granted', (e) => seen.push(`granted ${e.resource} ${e.holder} ${e.token}`));
    a.on('renewed', (e) => seen.push(`renewed ${e.token} ${e.lease.renewals}`));
    a.on('released', (e) => seen.push(`released ${e.token} replayed=${e.replayed}`));
    const conflicts: LeaseEventMap['conflict'][] = [];
    b.on('conflict', (e) => conflicts.push(e));
    const got = await a.acquire('job');
    if (got.kind !== 'granted') throw new Error(got.kind);
    expect(await b.acquire('job')).toMatchObject({ kind: 'held' });
    const more = await a.renew(got.lease);
    if (more.kind !== 'renewed') throw new Error(more.kind);
    await a.release(more.lease);
    await a.release(more.lease);
    expect(seen).toEqual([
      'granted job a 1',
      'renewed 1 1',
      'released 1 replayed=false',
      'released 1 replayed=true',
    ]);
    expect(conflicts).toEqual([
      {
        resource: 'job',
        holder: 'b',
        heldBy: 'a',
        token: 1,
        expiresAtMs: 1_001_000,
        retryAfterMs: 1_150,
        waiting: false,
      },
    ]);
  });

  it('a listener that throws breaks nothing: the operation answers, later listeners run', async () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    const a = client(new MemoryStore(), clock, 'a', {
      onListenerError: (error, event) => errors.push([event, (error as Error).message]),
    });
    let later = 0;
    a.on('granted', () => {
      throw new Error('listener bug');
    });
    a.on('granted', () => later++);
    expect(await a.acquire('job')).toMatchObject({ kind: 'granted' });
    expect(later).toBe(1);
    expect(errors).toEqual([['granted', 'listener bug']]);
    expect(a.holds('job')).toBe(true);
  });

  it('an error handler that throws breaks nothing either', async () => {
    const a = client(new MemoryStore(), new ManualClock(), 'a', {
      onListenerError: () => {
        throw new Error('handler bug');
      },
    });
    a.on('granted', () => {
      throw new Error('listener bug');
    });
    expect(await a.acquire('job')).toMatchObject({ kind: 'granted' });
  });

  it('unsubscribing stops a listener', async () => {
    const clock = new ManualClock();
    const a = client(new MemoryStore(), clock, 'a');
    let count = 0;
    const off = a.on('granted', () => count++);
    await a.acquire('one');
    off();
    await a.acquire('two');
    expect(count).toBe(1);
  });
});
