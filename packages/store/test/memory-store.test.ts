import { describeLeaseStore } from '@leasehold/store/conformance';
import { DEFAULT_CONFIG, decideAcquire, decideRelease } from '@leasehold/core';
import { MemoryStore, RECOVERY_HOLDER } from '@leasehold/store';
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

describe('MemoryStore power loss (recovery.ts)', () => {
  const request = (holder: string, requestId: string) => ({
    resource: 'r',
    holder,
    requestId,
    ownerKey: `k-${holder}`,
    ttlMs: 20_000,
  });

  it('I-5: forgets unsynced commits, then every token and version is above all issued before', async () => {
    const store = new MemoryStore({ unsyncedCommitsMax: 100 });
    const first = decideAcquire(null, request('a', 'q1'), 1_000, DEFAULT_CONFIG);
    // The first grant passes every ceiling: synced.
    expect(store.compareAndSetNow('r', 0, first.write!.record, first.write!.event).kind).toBe('ok');
    expect(store.unsyncedCommits()).toBe(0);
    const freed = decideRelease(
      first.write!.record,
      { ...request('a', 'q2'), token: 1 },
      1_001,
    ).write!;
    store.compareAndSetNow('r', 1, freed.record, freed.event);
    const lostGrant = decideAcquire(freed.record, request('b', 'q3'), 1_002, DEFAULT_CONFIG).write!;
    store.compareAndSetNow('r', 2, lostGrant.record, lostGrant.event);
    const other = decideAcquire(
      null,
      { ...request('c', 'q4'), resource: 'only-lost' },
      1_003,
      DEFAULT_CONFIG,
    ).write!;
    store.compareAndSetNow('only-lost', 0, other.record, other.event);
    expect(store.unsyncedCommits()).toBe(3);

    const loss = store.powerLoss(1, 5_000, 'secret');
    expect(loss.lost.map((e) => e.requestId)).toEqual(['q3', 'q4']);
    expect(loss.mark.token).toBeGreaterThan(lostGrant.record.token);
    expect(loss.mark.ttlMs).toBe(20_000);
    expect(store.readNow('r')).toMatchObject({
      record: { holder: RECOVERY_HOLDER, token: loss.mark.token, expiresAtMs: 25_000 },
      version: loss.mark.version,
    });
    // Never written durably: reads as the quarantine at the same version.
    expect(store.readNow('only-lost')).toMatchObject({
      record: { holder: RECOVERY_HOLDER, token: loss.mark.token },
      version: loss.mark.version,
    });
    // A write decided on the forgotten version 3 is a conflict, not an overwrite.
    const stale = decideRelease(lostGrant.record, { ...request('b', 'q5'), token: 2 }, 1_004);
    expect(store.compareAndSetNow('r', 3, stale.write!.record, stale.write!.event)).toEqual({
      kind: 'conflict',
      version: loss.mark.version,
    });
    const history = await store.history('r');
    expect(history.kind === 'ok' && history.events.map((e) => e.requestId)).toEqual([
      'q1',
      'q2',
      `leasehold-recovery-${loss.mark.token}`,
    ]);
  });

  it('a checkpoint after unsyncedCommitsMax commits makes them durable', async () => {
    const store = new MemoryStore({ unsyncedCommitsMax: 2 });
    const granted = decideAcquire(null, request('a', 'g0'), 1_000, DEFAULT_CONFIG).write!;
    store.compareAndSetNow('r', 0, granted.record, granted.event); // passes the ceilings: synced
    const freed = decideRelease(granted.record, { ...request('a', 'x1'), token: 1 }, 1_001).write!;
    store.compareAndSetNow('r', 1, freed.record, freed.event);
    expect(store.unsyncedCommits()).toBe(1);
    const again = decideAcquire(freed.record, request('b', 'g1'), 1_002, DEFAULT_CONFIG).write!;
    store.compareAndSetNow('r', 2, again.record, again.event);
    expect(store.unsyncedCommits()).toBe(0);
    expect(store.powerLoss(0, 2_000, 'secret').lost).toEqual([]);
    const history = await store.history('r');
    expect(history.kind === 'ok' && history.events.map((e) => e.requestId)).toEqual([
      'g0',
      'x1',
      'g1',
      'leasehold-recovery-1002',
    ]);
  });
});
