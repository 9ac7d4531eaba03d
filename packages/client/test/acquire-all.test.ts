import { ACQUIRE_ALL_RESOURCES_MAX, ManualClock, type AcquireAllOutcome } from '@leasehold/client';
import { MemoryStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import { client, flush } from './helpers';

const resourcesOf = (o: AcquireAllOutcome) =>
  o.kind === 'granted' ? o.leases.map((l) => l.resource) : o.kind;

describe('acquireAll', () => {
  it('deduplicates and takes the resources in compareResources order', async () => {
    const clock = new ManualClock();
    const a = client(new MemoryStore(), clock, 'a');
    const order: string[] = [];
    a.on('granted', (e) => order.push(e.resource));
    const got = await a.acquireAll(['b', 'a', 'c', 'a', '\uFFFF', '🚀']);
    expect(resourcesOf(got)).toEqual(['a', 'b', 'c', '🚀', '\uFFFF']);
    expect(order).toEqual(['a', 'b', 'c', '🚀', '\uFFFF']);
  });

  it('rolls back, in reverse order, when the second resource is held', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    await client(store, clock, 'other').acquire('b');
    const a = client(store, clock, 'a');
    const got = await a.acquireAll(['c', 'b', 'a']);
    expect(got).toMatchObject({
      kind: 'failed',
      resource: 'b',
      outcome: { kind: 'held', holder: 'other' },
      rolledBack: [{ resource: 'a', outcome: { kind: 'released', token: 1 } }],
    });
    expect(await store.read('a')).toMatchObject({ record: { status: 'free' } });
    expect(await store.read('c')).toMatchObject({ record: null, version: 0 });
    expect(a.holds('a')).toBe(false);
  });

  it('rolls back every lease taken, last taken first', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    await client(store, clock, 'other').acquire('d');
    const got = await client(store, clock, 'a').acquireAll(['a', 'b', 'c', 'd']);
    expect(got.kind === 'failed' && got.rolledBack.map((r) => r.resource)).toEqual(['c', 'b', 'a']);
  });

  it('two clients asking for the same set in reverse orders never deadlock', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const x = client(store, clock, 'x');
    const y = client(store, clock, 'y');
    const fromX = x.acquireAll(['r1', 'r2'], { waitMs: 10_000 });
    const fromY = y.acquireAll(['r2', 'r1'], { waitMs: 10_000 });
    const first = await Promise.race([fromX, fromY]);
    // Both started at r1: the winner took both, the loser waits on r1 and holds nothing.
    expect(resourcesOf(first)).toEqual(['r1', 'r2']);
    const [winner, loser] = x.holds('r1') ? [x, y] : [y, x];
    expect(loser.holds('r1') || loser.holds('r2')).toBe(false);
    expect(winner.holds('r2')).toBe(true);
    await winner.releaseAll();
    await flush();
    const second = await (winner === x ? fromY : fromX);
    expect(resourcesOf(second)).toEqual(['r1', 'r2']);
    expect(clock.monoMs()).toBe(0);
  });

  it(`refuses more than ${ACQUIRE_ALL_RESOURCES_MAX} resources before taking any`, async () => {
    const store = new MemoryStore();
    const a = client(store, new ManualClock(), 'a');
    const many = Array.from({ length: ACQUIRE_ALL_RESOURCES_MAX + 1 }, (_, i) => `r${i}`);
    expect(await a.acquireAll(many)).toMatchObject({ kind: 'invalid', field: 'resources' });
    expect(await store.list()).toEqual({ kind: 'ok', records: [] });
  });
});
