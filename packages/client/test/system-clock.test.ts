import { counterIds, LeaseClient, systemClock } from '@leasehold/client';
import { MemoryStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';

describe('systemClock', () => {
  it('reads integer wall and monotonic time, and the monotonic clock does not go back', async () => {
    const clock = systemClock();
    const mono1 = clock.monoMs();
    await clock.sleep(5);
    const mono2 = clock.monoMs();
    expect(Number.isInteger(clock.wallMs())).toBe(true);
    expect(Number.isInteger(mono2)).toBe(true);
    expect(mono2).toBeGreaterThanOrEqual(mono1 + 4);
  });

  it('drives a real LeaseClient end to end', async () => {
    const a = new LeaseClient({
      store: new MemoryStore(),
      clock: systemClock(),
      holder: 'a',
      ids: counterIds('a'),
    });
    const got = await a.acquire('job', { ttlMs: 60_000 });
    expect(got.kind).toBe('granted');
    if (got.kind !== 'granted') return;
    expect(a.believes(got.lease)).toBe(true);
    expect(a.timeLeftMs(got.lease)).toBeGreaterThan(58_000);
    expect((await a.release(got.lease)).kind).toBe('released');
  });
});
