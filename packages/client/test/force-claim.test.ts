import { counterIds, LeaseClient, ManualClock } from '@leasehold/client';
import { MemoryStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';

function client(store: MemoryStore, clock: ManualClock, holder: string) {
  return new LeaseClient({ store, clock, holder, ids: counterIds(holder) });
}

describe('forceClaim: take a lease over from its holder in one call', () => {
  it('a free lease is simply acquired (nobody taken over)', async () => {
    const a = client(new MemoryStore(), new ManualClock(), 'a');
    expect(await a.forceClaim('job')).toMatchObject({
      kind: 'granted',
      tookOverFrom: null,
      lease: { token: 1 },
    });
  });

  it('I-5/I-6: a held lease is force-released (token raised: the holder is fenced), then granted', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const b = client(store, clock, 'b');
    const held = await b.acquire('job');
    if (held.kind !== 'granted') throw new Error(held.kind);
    const a = client(store, clock, 'a');
    const taken = await a.forceClaim('job', { ttlMs: 60_000 });
    expect(taken).toMatchObject({
      kind: 'granted',
      tookOverFrom: 'b',
      lease: { holder: 'a', token: 3, ttlMs: 60_000 },
    });
    // The lease is a's now: b's renewal is refused (b must stop; its token is stale at the fence).
    expect(await b.renew(held.lease)).toMatchObject({ kind: 'notHolder', holder: 'a' });
    expect(a.holds('job')).toBe(true);
  });

  it('with expectedHolder, only that holder is taken over', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    await client(store, clock, 'b').acquire('job');
    const a = client(store, clock, 'a');
    expect(await a.forceClaim('job', { expectedHolder: 'c' })).toMatchObject({
      kind: 'held',
      holder: 'b',
      tookOverFrom: null,
    });
    expect(await a.forceClaim('job', { expectedHolder: 'b' })).toMatchObject({
      kind: 'granted',
      tookOverFrom: 'b',
    });
  });
});
