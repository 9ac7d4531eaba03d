import {
  DEFAULT_CONFIG,
  RESOURCE_BYTES_MAX,
  decideAcquire,
  decideForceRelease,
  decideRelease,
  decideRenew,
  type Decision,
  type LeaseRecord,
} from '@leasehold/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeaseStore } from './lease-store.js';
import { compareResources } from './memory-store.js';

/**
 * The one conformance suite every LeaseStore adapter runs, exported as a function so that each
 * adapter, however thin, proves the same contract (as Drizzle and Effect do for their backends):
 *
 *   describeLeaseStore('sqlite', async () => openSqliteStore(tmpFile()));
 *
 * `open` returns a fresh, empty store for each test; the suite closes it.
 */
export function describeLeaseStore(name: string, open: () => Promise<LeaseStore>): void {
  describe(`LeaseStore conformance: ${name}`, () => {
    let store: LeaseStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('read and compare-and-set', () => {
      it('reads an unknown resource as version 0 with no record', async () => {
        expect(await store.read('never-written')).toEqual({ kind: 'ok', record: null, version: 0 });
      });

      it('creates at version 0 and refuses a second create (conflict, record unchanged)', async () => {
        const first = await acquire(store, 'r', 'a', 1_000);
        expect(first.kind).toBe('ok');
        const rival = decideAcquire(null, acquireRequest('r', 'b'), 1_000, DEFAULT_CONFIG);
        const cas = await store.compareAndSet('r', 0, rival.write!.record, rival.write!.event);
        expect(cas).toEqual({ kind: 'conflict', version: 1 });
        const read = await readOk(store, 'r');
        expect(read.record).toMatchObject({ status: 'held', holder: 'a' });
      });

      it('lets exactly one of many concurrent writers on one version win', async () => {
        const writers = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
        const results = await Promise.all(
          writers.map((holder) => {
            const d = decideAcquire(null, acquireRequest('hot', holder), 5_000, DEFAULT_CONFIG);
            return store.compareAndSet('hot', 0, d.write!.record, d.write!.event);
          }),
        );
        expect(results.filter((r) => r.kind === 'ok')).toHaveLength(1);
        expect(results.filter((r) => r.kind === 'conflict')).toHaveLength(writers.length - 1);
        const history = await store.history('hot');
        expect(history.kind === 'ok' && history.events).toHaveLength(1);
      });

      it('increments the version by one per write and refuses a stale version', async () => {
        await acquire(store, 'v', 'a', 1_000);
        const read = await readOk(store, 'v');
        expect(read.version).toBe(1);
        const d = decideRelease(read.record, releaseRequest(read.record!), 1_100);
        expect((await store.compareAndSet('v', 1, d.write!.record, d.write!.event)).kind).toBe(
          'ok',
        );
        const stale = decideAcquire(read.record, acquireRequest('v', 'b'), 1_200, DEFAULT_CONFIG);
        const cas = await store.compareAndSet(
          'v',
          1,
          stale.write?.record ?? d.write!.record,
          d.write!.event,
        );
        expect(cas).toEqual({ kind: 'conflict', version: 2 });
        expect((await readOk(store, 'v')).record).toMatchObject({
          status: 'free',
          freedBy: 'released',
        });
      });
    });

    describe('fencing tokens (I-5)', () => {
      it('I-5: tokens strictly increase across grant, release, force-release and re-grant', async () => {
        const tokens: number[] = [];
        tokens.push(await acquireToken(store, 'fenced', 'a', 1_000));
        await release(store, 'fenced', 1_100);
        tokens.push(await acquireToken(store, 'fenced', 'b', 1_200));
        await forceRelease(store, 'fenced', 1_300);
        tokens.push(await acquireToken(store, 'fenced', 'c', 1_400));
        const afterForce = (await readOk(store, 'fenced')).record!;
        expect(tokens).toEqual([1, 2, 4]);
        expect(afterForce.token).toBe(4);
      });

      it('I-5: the store refuses (throws on) a write that lowers the token', async () => {
        await acquire(store, 'down', 'a', 1_000);
        await release(store, 'down', 1_100);
        await acquire(store, 'down', 'b', 1_200);
        const read = await readOk(store, 'down');
        expect(read.record!.token).toBe(2);
        const lowered = { ...read.record!, token: 1 } as LeaseRecord;
        const d = decideRelease(read.record, releaseRequest(read.record!), 1_300);
        await expect(
          store.compareAndSet('down', read.version, lowered, d.write!.event),
        ).rejects.toThrow(/may not go down/);
        expect((await readOk(store, 'down')).record!.token).toBe(2);
      });

      it('I-5: a stale write carrying a lower token is a conflict, not an error', async () => {
        await acquire(store, 'stale', 'a', 1_000);
        const first = await readOk(store, 'stale');
        const staleGrant = decideAcquire(
          first.record,
          acquireRequest('stale', 'b'),
          1_000 + 20_000,
          DEFAULT_CONFIG,
        );
        await release(store, 'stale', 1_100);
        await acquire(store, 'stale', 'c', 1_200);
        await release(store, 'stale', 1_300);
        await acquire(store, 'stale', 'd', 1_400);
        expect(staleGrant.write!.record.token).toBe(2);
        const cas = await store.compareAndSet(
          'stale',
          first.version,
          staleGrant.write!.record,
          staleGrant.write!.event,
        );
        expect(cas).toEqual({ kind: 'conflict', version: 5 });
        expect((await readOk(store, 'stale')).record).toMatchObject({ holder: 'd', token: 3 });
      });

      it('throws on a record written under another resource key', async () => {
        const d = decideAcquire(null, acquireRequest('x', 'a'), 1_000, DEFAULT_CONFIG);
        await expect(
          store.compareAndSet('y', 0, d.write!.record, d.write!.event),
        ).rejects.toThrow();
        expect(await store.read('y')).toEqual({ kind: 'ok', record: null, version: 0 });
      });
    });

    describe('history', () => {
      it('appends one event per write, atomically with it, in commit order', async () => {
        await acquire(store, 'h', 'a', 1_000);
        await release(store, 'h', 1_100);
        await acquire(store, 'h', 'b', 1_200);
        await acquire(store, 'other', 'z', 1_250);
        await forceRelease(store, 'h', 1_300);
        const history = await store.history('h');
        expect(history.kind).toBe('ok');
        if (history.kind !== 'ok') return;
        expect(history.events.map((e) => [e.kind, e.holder, e.token])).toEqual([
          ['granted', 'a', 1],
          ['released', 'a', 1],
          ['granted', 'b', 2],
          ['forceReleased', 'b', 3],
        ]);
        const seqs = history.events.map((e) => e.seq);
        expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(seqs.length);
      });

      it('appends nothing for a conflicting write', async () => {
        await acquire(store, 'c', 'a', 1_000);
        const d = decideAcquire(null, acquireRequest('c', 'b'), 1_000, DEFAULT_CONFIG);
        await store.compareAndSet('c', 0, d.write!.record, d.write!.event);
        const history = await store.history('c');
        expect(history.kind === 'ok' && history.events.map((e) => e.holder)).toEqual(['a']);
      });

      it('pages with limit and afterSeq', async () => {
        for (let i = 0; i < 5; i++) {
          await acquire(store, 'p', `n${i}`, 1_000 + i * 10);
          await release(store, 'p', 1_005 + i * 10);
        }
        const first = await store.history('p', { limit: 4 });
        expect(first.kind === 'ok' && first.events).toHaveLength(4);
        if (first.kind !== 'ok') return;
        const rest = await store.history('p', { afterSeq: first.events[3]!.seq });
        expect(rest.kind === 'ok' && rest.events.map((e) => e.kind)).toEqual([
          'granted',
          'released',
          'granted',
          'released',
          'granted',
          'released',
        ]);
      });

      it('prunes events older than the retention point and keeps records', async () => {
        await acquire(store, 'old', 'a', 1_000);
        await release(store, 'old', 2_000);
        await acquire(store, 'old', 'b', 3_000);
        const pruned = await store.pruneHistory(2_500);
        expect(pruned).toEqual({ kind: 'ok', removed: 2 });
        const history = await store.history('old');
        expect(history.kind === 'ok' && history.events.map((e) => e.atMs)).toEqual([3_000]);
        expect((await readOk(store, 'old')).record).toMatchObject({ holder: 'b', token: 2 });
      });
    });

    describe('listing', () => {
      it('lists in resource order with paging, and by holder', async () => {
        for (const [resource, holder] of [
          ['c', 'x'],
          ['a', 'x'],
          ['b', 'y'],
          ['d', 'x'],
        ] as const) {
          await acquire(store, resource, holder, 1_000);
        }
        await release(store, 'd', 1_100);
        const all = await store.list();
        expect(all.kind === 'ok' && all.records.map((r) => r.record.resource)).toEqual([
          'a',
          'b',
          'c',
          'd',
        ]);
        const page = await store.list({ limit: 2, afterResource: 'a' });
        expect(page.kind === 'ok' && page.records.map((r) => r.record.resource)).toEqual([
          'b',
          'c',
        ]);
        const byX = await store.listByHolder('x');
        expect(byX.kind === 'ok' && byX.records.map((r) => r.record.resource)).toEqual(['a', 'c']);
        const byNobody = await store.listByHolder('nobody');
        expect(byNobody).toEqual({ kind: 'ok', records: [] });
      });
    });

    describe('listing order is compareResources (UTF-16 code units)', () => {
      // Stores that sort by UTF-8 bytes or code points put U+FFFF and U+E000 after emoji (a
      // surrogate pair); JavaScript string order, the contract's order, puts them before.
      const names = ['\uFFFF', '🚀', '\uE000', 'a', 'a\u0000', 'a/b', 'a\u0000b', 'Z', 'é', '~'];
      const sorted = [...names].sort(compareResources);

      it('lists and pages in compareResources order, for all records and by holder', async () => {
        for (const resource of names) await acquire(store, resource, 'same', 1_000);
        const all = await store.list();
        expect(all.kind === 'ok' && all.records.map((r) => r.record.resource)).toEqual(sorted);
        const byHolder = await store.listByHolder('same');
        expect(byHolder.kind === 'ok' && byHolder.records.map((r) => r.record.resource)).toEqual(
          sorted,
        );
        const paged: string[] = [];
        let after: string | undefined;
        for (let page = 0; page < names.length; page++) {
          const next = await store.list(
            after === undefined ? { limit: 3 } : { limit: 3, afterResource: after },
          );
          if (next.kind !== 'ok' || next.records.length === 0) break;
          paged.push(...next.records.map((r) => r.record.resource));
          after = next.records.at(-1)!.record.resource;
        }
        expect(paged).toEqual(sorted);
      });

      it('keeps the history of names that prefix each other apart', async () => {
        for (const resource of ['a', 'a\u0000', 'a/b', 'a\u0000b']) {
          await acquire(store, resource, `h-${resource}`, 1_000);
        }
        for (const resource of ['a', 'a\u0000', 'a/b', 'a\u0000b']) {
          const history = await store.history(resource);
          expect(
            history.kind === 'ok' && history.events.map((e) => [e.resource, e.holder]),
          ).toEqual([[resource, `h-${resource}`]]);
        }
      });
    });

    describe('watch (optional capability)', () => {
      // A store without `watch` is still a complete store: a blocking acquire then sleeps until the
      // holder's lease could be claimable instead of taking a release at once. These tests skip.
      const NO_WATCH = 'this store has no watch (optional): blocking acquires poll on their timer';

      it('resolves after a write to the watched resource commits', async (ctx) => {
        if (store.watch === undefined) return ctx.skip(NO_WATCH);
        await acquire(store, 'watched', 'a', 1_000);
        const stop = new AbortController();
        let fired = false;
        const watching = store.watch('watched', stop.signal).then(() => (fired = true));
        // A watch may resolve spuriously, but not before it is set up and a write lands.
        expect(await release(store, 'watched', 1_100)).toMatchObject({ kind: 'ok' });
        await watching;
        expect(fired).toBe(true);
        stop.abort();
      });

      it('resolves when its signal aborts, with no write', async (ctx) => {
        if (store.watch === undefined) return ctx.skip(NO_WATCH);
        const stop = new AbortController();
        const watching = store.watch('quiet', stop.signal);
        stop.abort();
        await expect(watching).resolves.toBeUndefined();
        await expect(store.watch('quiet', AbortSignal.abort())).resolves.toBeUndefined();
      });
    });

    describe('settings (optional capability)', () => {
      // A store without settings is still a complete store: the lease service then keeps its
      // runtime configuration in memory until a restart. These tests skip.
      const NO_SETTINGS = 'this store keeps no settings (optional): a service keeps them in memory';

      it('reads null before a write, then the last value written', async (ctx) => {
        if (store.readSetting === undefined || store.writeSetting === undefined) {
          return ctx.skip(NO_SETTINGS);
        }
        expect(await store.readSetting('service.config')).toEqual({ kind: 'ok', value: null });
        const first = JSON.stringify({ default_ttl_ms: 60_000, note: 'ünïcödé 🧠 "quoted"' });
        expect(await store.writeSetting('service.config', first)).toEqual({ kind: 'ok' });
        expect(await store.readSetting('service.config')).toEqual({ kind: 'ok', value: first });
        expect(await store.writeSetting('service.config', '{}')).toEqual({ kind: 'ok' });
        expect(await store.readSetting('service.config')).toEqual({ kind: 'ok', value: '{}' });
        expect(await store.readSetting('other')).toEqual({ kind: 'ok', value: null });
      });
    });

    describe("a lease's own limits round-trip with its record", () => {
      it('keeps maxRenewals and maxAgeMs of a grant, and of its renewal, exactly', async () => {
        const limits = { maxRenewals: 3, maxAgeMs: 25_000 };
        await apply(store, 'limited', (r) =>
          decideAcquire(r, { ...acquireRequest('limited', 'a'), ...limits }, 1_000, DEFAULT_CONFIG),
        );
        const granted = await readOk(store, 'limited');
        expect(granted.record).toMatchObject({ ...limits, renewals: 0 });
        await apply(store, 'limited', (r) =>
          decideRenew(
            r,
            { ...releaseRequest(r!), requestId: 'renew-1', ttlMs: 30_000 },
            2_000,
            DEFAULT_CONFIG,
          ),
        );
        const read = await readOk(store, 'limited');
        // The renewal was capped at acquiredAtMs + maxAgeMs, and kept the limits.
        expect(read.record).toMatchObject({ ...limits, renewals: 1, expiresAtMs: 26_000 });
        const listed = await store.listByHolder('a');
        expect(listed.kind === 'ok' && listed.records[0]?.record).toMatchObject(limits);
      });

      it('keeps a lease without limits as null, not absent', async () => {
        await acquire(store, 'unlimited', 'a', 1_000);
        const read = await readOk(store, 'unlimited');
        expect(read.record).toMatchObject({ maxRenewals: null, maxAgeMs: null });
      });
    });

    describe('resource names round-trip exactly', () => {
      const names: Array<[string, string]> = [
        ['quotes', `it's "quoted" and 'single'`],
        ['slashes', 'refs/heads/feature/x\\y//z'],
        ['sql fragment', "x'); DROP TABLE leases; --"],
        ['unicode', 'naïve 資源 🚀 résumé'],
        ['whitespace', '  leading and trailing\ttab\nnewline  '],
        ['longest ascii', 'a'.repeat(RESOURCE_BYTES_MAX)],
        ['longest 4-byte', '🚀'.repeat(RESOURCE_BYTES_MAX / 4)],
      ];
      for (const [label, resource] of names) {
        it(`stores and returns ${label}`, async () => {
          await acquire(store, resource, `holder ${label} ✓`, 1_000);
          const read = await readOk(store, resource);
          expect(read.record).toMatchObject({ resource, holder: `holder ${label} ✓` });
          const listed = await store.listByHolder(`holder ${label} ✓`);
          expect(listed.kind === 'ok' && listed.records.map((r) => r.record.resource)).toEqual([
            resource,
          ]);
          const history = await store.history(resource);
          expect(history.kind === 'ok' && history.events[0]?.resource).toBe(resource);
        });
      }
    });
  });
}

function acquireRequest(resource: string, holder: string) {
  return {
    resource,
    holder,
    requestId: `acq-${holder}-${resource.length}`,
    ownerKey: `key-${holder}`,
    ttlMs: 10_000,
  };
}

function releaseRequest(record: LeaseRecord) {
  if (record.status !== 'held') throw new Error('releaseRequest needs a held record');
  return {
    resource: record.resource,
    holder: record.holder,
    token: record.token,
    ownerKey: record.ownerKey,
    requestId: `rel-${record.token}`,
  };
}

async function readOk(store: LeaseStore, resource: string) {
  const read = await store.read(resource);
  if (read.kind !== 'ok') throw new Error(`read of ${resource} failed: ${read.reason}`);
  return read;
}

async function apply<R>(
  store: LeaseStore,
  resource: string,
  decide: (record: LeaseRecord | null) => Decision<R>,
) {
  const read = await readOk(store, resource);
  const decision = decide(read.record);
  if (decision.write === null)
    throw new Error(`no write decided for ${resource}: ${JSON.stringify(decision.result)}`);
  return store.compareAndSet(resource, read.version, decision.write.record, decision.write.event);
}

function acquire(store: LeaseStore, resource: string, holder: string, nowMs: number) {
  return apply(store, resource, (r) =>
    decideAcquire(r, acquireRequest(resource, holder), nowMs, DEFAULT_CONFIG),
  );
}

async function acquireToken(store: LeaseStore, resource: string, holder: string, nowMs: number) {
  expect((await acquire(store, resource, holder, nowMs)).kind).toBe('ok');
  return (await readOk(store, resource)).record!.token;
}

function release(store: LeaseStore, resource: string, nowMs: number) {
  return apply(store, resource, (r) => decideRelease(r, releaseRequest(r!), nowMs));
}

function forceRelease(store: LeaseStore, resource: string, nowMs: number) {
  const request = { resource, expectedHolder: null, requestId: `force-${nowMs}`, by: 'admin' };
  return apply(store, resource, (r) => decideForceRelease(r, request, nowMs));
}
