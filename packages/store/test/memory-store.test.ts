import { describeLeaseStore } from '@leasehold/store/conformance';
import { DEFAULT_CONFIG, decideAcquire, decideRelease } from '@leasehold/core';
import { MemoryStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';

describeLeaseStore('memory', async () => new MemoryStore());

describe('MemoryStore retention', () => {
  it('keeps at least the newest historyEntriesMax events and at most twice as many', async () => {
    const store = new MemoryStore({ historyEntriesMax: 10 });
    for (let i = 0; i < 55; i++) {
      const read = await store.read('r');
      if (read.kind !== 'ok') throw new Error('read failed');
      const d =
        read.record?.status === 'held'
          ? decideRelease(
              read.record,
              {
                resource: 'r',
                holder: read.record.holder,
                token: read.record.token,
                ownerKey: read.record.ownerKey,
                requestId: `rel${i}`,
              },
              1_000 + i,
            )
          : decideAcquire(
              read.record,
              {
                resource: 'r',
                holder: `h${i}`,
                requestId: `acq${i}`,
                ownerKey: 'k',
                ttlMs: 10_000,
              },
              1_000 + i,
              DEFAULT_CONFIG,
            );
      await store.compareAndSet('r', read.version, d.write!.record, d.write!.event);
    }
    const history = await store.history('r', { limit: 100 });
    if (history.kind !== 'ok') throw new Error('history failed');
    expect(history.events.length).toBeGreaterThanOrEqual(10);
    expect(history.events.length).toBeLessThan(20);
    expect(history.events.at(-1)?.seq).toBe(55);
  });
});
