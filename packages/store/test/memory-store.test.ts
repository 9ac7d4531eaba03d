import { describeLeaseStore } from '@leasehold/store/conformance';
import { DEFAULT_CONFIG, decideAcquire, decideRelease, type LeaseRecord } from '@leasehold/core';
import {
  exceedsCeilings,
  MemoryStore,
  quarantineRecord,
  raisedCeilings,
  RECOVERY_HOLDER,
  ResourceWatchers,
} from '@leasehold/store';
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

describe('recovery rules (recovery.ts)', () => {
  const held = (token: number, ttlMs: number, expiresAtMs = 1_000 + ttlMs) =>
    ({
      ...decideAcquire(
        null,
        { resource: 'r', holder: 'h', requestId: `q${token}`, ownerKey: 'k', ttlMs },
        1_000,
        DEFAULT_CONFIG,
      ).write!.record,
      token,
      expiresAtMs,
    }) as const;

  it('a synced commit that moves the token or version ceiling sets the TTL ceiling to its own TTL', () => {
    const start = { tokenCeiling: 10, versionCeiling: 10, ttlCeilingMs: 60_000 };
    // Within the token and version ceilings, a longer TTL raises the TTL ceiling; a shorter never lowers it.
    expect(raisedCeilings(start, held(5, 90_000), 5).ttlCeilingMs).toBe(90_000);
    expect(exceedsCeilings(held(5, 5_000), 5, start)).toBe(false);
    // Moving the token (or version) ceiling: every earlier commit is durable now.
    expect(raisedCeilings(start, held(11, 5_000), 5, 100)).toEqual({
      tokenCeiling: 111,
      versionCeiling: 10,
      ttlCeilingMs: 5_000,
    });
    expect(raisedCeilings(start, held(5, 5_000), 11, 100).ttlCeilingMs).toBe(5_000);
  });

  it('I-1: a quarantine lasts at least until a surviving lease expires', () => {
    const mark = { token: 50, version: 50, atMs: 10_000, ttlMs: 5_000 };
    expect(quarantineRecord('r', held(3, 60_000, 61_000), mark, 's')).toMatchObject({
      expiresAtMs: 61_000,
      ttlMs: 51_000,
    });
    expect(quarantineRecord('r', held(3, 1_000, 2_000), mark, 's')).toMatchObject({
      expiresAtMs: 15_000,
      ttlMs: 5_000,
    });
    expect(quarantineRecord('r', null, mark, 's').expiresAtMs).toBe(15_000);
  });

  it('I-1: after the TTL ceiling went down, a longer surviving lease keeps its own expiry', () => {
    const store = new MemoryStore({ unsyncedCommitsMax: 100, ceilingStep: 2 });
    const long = decideAcquire(
      null,
      { resource: 'long', holder: 'a', requestId: 'l', ownerKey: 'k', ttlMs: 60_000 },
      1_000,
      DEFAULT_CONFIG,
    ).write!;
    store.compareAndSetNow('long', 0, long.record, long.event);
    // Short leases on another resource move the version ceiling: the TTL ceiling goes down.
    let version = 0;
    let record = null as LeaseRecord | null;
    for (let i = 0; i < 3; i++) {
      const granted = decideAcquire(
        record,
        { resource: 'short', holder: 'b', requestId: `s${i}`, ownerKey: 'k', ttlMs: 2_000 },
        1_000 + i,
        DEFAULT_CONFIG,
      ).write!;
      store.compareAndSetNow('short', version, granted.record, granted.event);
      const freed = decideRelease(
        granted.record,
        {
          resource: 'short',
          holder: 'b',
          token: granted.record.token,
          ownerKey: 'k',
          requestId: `f${i}`,
        },
        1_000 + i,
      ).write!;
      store.compareAndSetNow('short', version + 1, freed.record, freed.event);
      version += 2;
      record = freed.record;
    }
    const loss = store.powerLoss(0, 5_000, 'secret');
    expect(loss.mark.ttlMs).toBe(2_000);
    expect(store.readNow('short')).toMatchObject({ record: { expiresAtMs: 7_000 } });
    expect(store.readNow('long')).toMatchObject({ record: { expiresAtMs: 61_000 } });
  });
});

describe('MemoryStore watch', () => {
  it('wakes the watchers of the written resource only, and removes every watcher that ends', async () => {
    const store = new MemoryStore();
    const stop = new AbortController();
    const woken: string[] = [];
    const job = store.watch('job', stop.signal).then(() => woken.push('job'));
    void store.watch('other', stop.signal).then(() => woken.push('other'));
    expect(store.watchers()).toBe(2);
    const d = decideAcquire(
      null,
      { resource: 'job', holder: 'a', requestId: 'q', ownerKey: 'k', ttlMs: 1_000 },
      0,
      DEFAULT_CONFIG,
    );
    expect(store.compareAndSetNow('job', 0, d.write!.record, d.write!.event).kind).toBe('ok');
    await job;
    expect(woken).toEqual(['job']);
    expect(store.watchers()).toBe(1);
    stop.abort();
    await Promise.resolve();
    expect(woken).toEqual(['job', 'other']);
    expect(store.watchers()).toBe(0);
  });

  it(`past WATCHERS_MAX a watch ends only with its signal (no spinning, no growth)`, async () => {
    const watchers = new ResourceWatchers(1);
    const stop = new AbortController();
    let first = false;
    let second = false;
    void watchers.wait('r', stop.signal).then(() => (first = true));
    void watchers.wait('r', stop.signal).then(() => (second = true));
    expect(watchers.size).toBe(1);
    watchers.wake('r');
    await Promise.resolve();
    expect([first, second]).toEqual([true, false]);
    stop.abort();
    await Promise.resolve();
    expect(second).toBe(true);
    expect(watchers.size).toBe(0);
  });
});
