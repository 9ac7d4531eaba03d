import { ManualClock } from '@leasehold/client';
import { LeaseService } from '@leasehold/server';
import { MemoryStore, type LeaseStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import { counterRandom } from './test-service';

// The service core without HTTP: injected clock and randomness, any store. The simulator will run
// it this way; here a test clock moves time, never a real sleep.

/** Deterministic "randomness": a counter, so owner keys and request ids are reproducible. */
async function open(clock = new ManualClock(1_000_000, 0), store = new MemoryStore()) {
  const opened = await LeaseService.open({ store, clock, random: counterRandom() });
  if (opened.kind !== 'ok') throw new Error(opened.reason);
  return { service: opened.service, clock, store };
}

/** Lets pending promise chains run (no real time passes). */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

describe('LeaseService (transport-agnostic, injected clock and randomness)', () => {
  it('the service clock decides expiry; owner keys come from the injected source (deterministic)', async () => {
    const a = await open();
    const b = await open();
    const one = await a.service.acquire({ resource: 'r', holder: 'h', ttlMs: 5_000 });
    const two = await b.service.acquire({ resource: 'r', holder: 'h', ttlMs: 5_000 });
    expect(one).toEqual(two);
    expect(one).toMatchObject({ kind: 'granted', lease: { expiresAtMs: 1_005_000, token: 1 } });
    expect(await a.service.acquire({ resource: 'r', holder: 'x' })).toMatchObject({
      kind: 'held',
      retryAfterMs: 5_000 + 1_000 + 500,
    });
    a.clock.advance(6_500);
    expect(await a.service.acquire({ resource: 'r', holder: 'x' })).toMatchObject({
      kind: 'granted',
      lease: { token: 2 },
    });
  });

  it('a waiting acquire is woken by a release (no time passes), or answers held when its wait ends', async () => {
    const { service, clock } = await open();
    const held = await service.acquire({ resource: 'r', holder: 'a' });
    if (held.kind !== 'granted') throw new Error(held.kind);
    const waiting = service.acquire({ resource: 'r', holder: 'b', waitMs: 30_000 });
    await settle();
    expect(service.waiting).toBe(1);
    const { leaseId, ownerKey } = held.lease;
    expect(await service.release({ leaseId, ownerKey })).toMatchObject({ kind: 'released' });
    expect(await waiting).toMatchObject({ kind: 'granted', lease: { holder: 'b', token: 2 } });
    expect(clock.monoMs()).toBe(0);

    const timedOut = service.acquire({ resource: 'r', holder: 'c', waitMs: 1_000 });
    await settle();
    clock.advance(1_000);
    expect(await timedOut).toMatchObject({ kind: 'held', holder: 'b' });
    expect(service.waiting).toBe(0);
  });

  it('closing ends every wait with unavailable (the shell answers 503)', async () => {
    const { service } = await open();
    await service.acquire({ resource: 'r', holder: 'a' });
    const waiting = service.acquire({ resource: 'r', holder: 'b', waitMs: 30_000 });
    await settle();
    service.closeWaiters();
    expect(await waiting).toMatchObject({ kind: 'unavailable', reason: 'shutting down' });
  });

  it('I-3/I-7: renew needs the owner key; a renewal after expiry or release is gone, never resurrected', async () => {
    const { service, clock } = await open();
    const got = await service.acquire({ resource: 'r', holder: 'a', ttlMs: 2_000 });
    if (got.kind !== 'granted') throw new Error(got.kind);
    const { leaseId, ownerKey } = got.lease;
    expect(await service.renew({ leaseId, ownerKey: 'guess' })).toMatchObject({
      kind: 'forbidden',
    });
    expect(await service.renew({ leaseId, ownerKey, asHolder: 'b' })).toMatchObject({
      kind: 'forbidden',
    });
    expect(await service.renew({ leaseId, ownerKey, minIntervalMs: 1_000 })).toMatchObject({
      kind: 'skipped',
    });
    clock.advance(2_000);
    expect(await service.renew({ leaseId, ownerKey })).toMatchObject({
      kind: 'gone',
      reason: 'pastExpiry',
    });
    expect(await service.renew({ leaseId: '9.cg', ownerKey })).toEqual({ kind: 'notFound' });
  });

  it("a view through another store sends that request's reads and writes there, and shares the rest", async () => {
    const store = new MemoryStore();
    const { service } = await open(new ManualClock(1_000_000, 0), store);
    const calls: string[] = [];
    // The same store, each read and compare-and-set noted with the view's tag.
    const tagged = (tag: string): LeaseStore =>
      new Proxy(store, {
        get(target, key) {
          if (key === 'read' || key === 'compareAndSet') calls.push(`${tag} ${String(key)}`);
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const held = await service.through(tagged('a')).acquire({ resource: 'r', holder: 'a' });
    if (held.kind !== 'granted') throw new Error(held.kind);
    expect(calls).toEqual(['a read', 'a compareAndSet']);
    // Waiters are shared: a release through one view wakes an acquire waiting through another.
    const waiting = service.through(tagged('b')).acquire({ resource: 'r', holder: 'b', waitMs: 9 });
    await settle();
    expect(service.waiting).toBe(1);
    const { leaseId, ownerKey } = held.lease;
    expect(await service.through(tagged('c')).release({ leaseId, ownerKey })).toMatchObject({
      kind: 'released',
    });
    expect(await waiting).toMatchObject({ kind: 'granted', lease: { holder: 'b', token: 2 } });
    expect(calls.filter((call) => call.startsWith('b'))).toContain('b compareAndSet');
    // The engine's memory too: the release writes at once against the version last seen.
    expect(calls.filter((call) => call.startsWith('c'))).toEqual(['c compareAndSet']);
    // So are settings: a change made through a view holds for the service.
    expect(
      await service.through(tagged('d')).updateSettings({ default_ttl_ms: 60_000 }),
    ).toMatchObject({
      kind: 'ok',
    });
    expect(service.settings.lease.ttlMsDefault).toBe(60_000);
  });

  it('settings: a patch is checked, kept by the settings store, and used by the next request', async () => {
    const kept: unknown[] = [];
    const opened = await LeaseService.open({
      store: new MemoryStore(),
      clock: new ManualClock(),
      random: counterRandom(),
      settingsStore: {
        load: async () => ({ kind: 'ok', settings: null }),
        save: async (settings) => (kept.push(settings), { kind: 'ok' }),
      },
    });
    if (opened.kind !== 'ok') throw new Error(opened.reason);
    const service = opened.service;
    expect(await service.updateSettings({ default_ttl_ms: 10 })).toMatchObject({
      kind: 'invalid',
      field: 'default_ttl_ms',
    });
    expect(await service.updateSettings({ bogus: 1 })).toMatchObject({
      kind: 'invalid',
      field: 'bogus',
    });
    expect(kept).toEqual([]);
    expect(await service.updateSettings({ default_ttl_ms: 60_000 })).toMatchObject({ kind: 'ok' });
    expect(kept).toEqual([expect.objectContaining({ default_ttl_ms: 60_000 })]);
    expect(await service.acquire({ resource: 'r', holder: 'a' })).toMatchObject({
      lease: { ttlMs: 60_000 },
    });
  });

  it('an acquire with any field out of bounds is refused before the store is asked anything', async () => {
    const store = new MemoryStore();
    const { service } = await open(new ManualClock(1_000_000, 0), store);
    let calls = 0;
    const read = store.read.bind(store);
    const compareAndSet = store.compareAndSet.bind(store);
    store.read = (resource) => (calls++, read(resource));
    store.compareAndSet = (...args) => (calls++, compareAndSet(...args));
    for (const [input, field] of [
      [{ resource: '', holder: 'a' }, 'resource'],
      [{ resource: 'r', holder: '' }, 'holder'],
      [{ resource: 'r', holder: 'a', requestId: '' }, 'requestId'],
      [{ resource: 'r', holder: 'a', ttlMs: 1 }, 'ttlMs'],
      [{ resource: 'r', holder: 'a', tokenFloor: -1 }, 'uncertainToken'],
    ] as const) {
      expect(await service.acquire(input)).toMatchObject({ kind: 'invalid', field });
    }
    expect(calls).toBe(0);
  });

  it('a renew or release of a lease another grant holds now answers gone, naming that holder', async () => {
    const { service, clock } = await open();
    const first = await service.acquire({ resource: 'r', holder: 'a', ttlMs: 1_000 });
    if (first.kind !== 'granted') throw new Error(first.kind);
    clock.advance(10_000);
    expect(await service.acquire({ resource: 'r', holder: 'b' })).toMatchObject({
      kind: 'granted',
    });
    const { leaseId, ownerKey } = first.lease;
    expect(await service.renew({ leaseId, ownerKey })).toMatchObject({
      kind: 'gone',
      token: 1,
      holder: 'b',
    });
    expect(await service.release({ leaseId, ownerKey })).toMatchObject({
      kind: 'gone',
      token: 1,
      holder: 'b',
    });
  });

  it('a force-release retried with its request id is answered forceReleased, not notHeld', async () => {
    const { service } = await open();
    await service.acquire({ resource: 'r', holder: 'a' });
    const first = await service.forceRelease('r', 'a', 'admin', 'fr-1');
    expect(first).toMatchObject({ kind: 'forceReleased', previousHolder: 'a', token: 2 });
    expect(await service.forceRelease('r', 'a', 'admin', 'fr-1')).toEqual(first);
    expect(await service.forceRelease('r', 'a', 'admin', 'fr-2')).toEqual({ kind: 'notHeld' });
  });
});
