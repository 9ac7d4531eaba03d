import { LeaseClient, ManualClock, systemClock } from '@leasehold/client';
import { MemoryStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';

describe('sleeps with a signal leave nothing behind', () => {
  it('ManualClock: an aborted sleep resolves at once and is no longer pending', async () => {
    const clock = new ManualClock();
    const stop = new AbortController();
    const sleeping = clock.sleep(10_000, stop.signal);
    expect(clock.pendingSleeps()).toBe(1);
    stop.abort();
    await sleeping;
    expect(clock.pendingSleeps()).toBe(0);
    await clock.sleep(5, AbortSignal.abort());
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('systemClock: an aborted sleep ends before its time', async () => {
    const stop = new AbortController();
    const sleeping = systemClock().sleep(3_600_000, stop.signal);
    stop.abort();
    await expect(sleeping).resolves.toBeUndefined();
  });

  it('a stopped keep-alive leaves no timer: its sleeps are aborted, not left to fire', async () => {
    const clock = new ManualClock();
    const client = new LeaseClient({ store: new MemoryStore(), clock, holder: 'a' });
    const got = await client.acquire('job', { ttlMs: 60_000 });
    if (got.kind !== 'granted') throw new Error(got.kind);
    const keep = client.keepAlive(got.lease);
    await Promise.resolve();
    expect(clock.pendingSleeps()).toBe(1);
    await keep.stop();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(clock.pendingSleeps()).toBe(0);
  });
});
