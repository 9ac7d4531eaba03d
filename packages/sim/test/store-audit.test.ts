import type { HeldRecord, HistoryEvent } from '@leasehold/core';
import { MemoryStore, type LeaseStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import { Prng } from '../src/prng';
import { StoreAudit } from '../src/store-audit';
import { probeStoreGuards } from '../src/store-guards';
import { STORE_HISTORY_EVENTS_MAX } from '../src/limits';

function held(resource: string, holder: string, token: number, atMs: number): HeldRecord {
  return {
    resource,
    status: 'held',
    holder,
    token,
    ownerKey: `key-${token}`,
    acquiredAtMs: atMs,
    expiresAtMs: atMs + 1_000,
    ttlMs: 1_000,
    renewals: 0,
    maxRenewals: null,
    maxAgeMs: null,
    updatedAtMs: atMs,
    requestId: `req-${token}`,
    recentGrants: [{ requestId: `req-${token}`, token }],
  };
}

function granted(r: HeldRecord): HistoryEvent {
  return {
    kind: 'granted',
    resource: r.resource,
    holder: r.holder,
    token: r.token,
    atMs: r.acquiredAtMs,
    requestId: r.requestId,
    previousHolder: null,
  };
}

/** Writes `count` grants over three resources through `store`, telling `audit` of each. */
async function write(store: MemoryStore, audit: StoreAudit, count: number): Promise<void> {
  const versions = new Map<string, number>();
  for (let i = 1; i <= count; i++) {
    const resource = ['b', 'a', 'c/ü'][i % 3]!;
    const version = versions.get(resource) ?? 0;
    const record = held(resource, `n${(i % 2) + 1}`, i, i * 10);
    const event = granted(record);
    const result = await store.compareAndSet(resource, version, record, event);
    expect(result.kind).toBe('ok');
    versions.set(resource, version + 1);
    audit.onApplied(record, version + 1, event);
  }
}

describe('store audit', () => {
  it('passes a store whose listing and history agree with the writes applied', async () => {
    // The audit prunes the history it judges: one store per audit, as at the end of a run.
    for (const seed of ['1', '2', '3']) {
      const store = new MemoryStore({ historyEntriesMax: 40 });
      const audit = new StoreAudit({ kind: 'newest', eventsMin: STORE_HISTORY_EVENTS_MAX });
      await write(store, audit, 150);
      expect(await audit.audit(store, seed, ['n1', 'n2', 'n3'])).toBeNull();
    }
  });

  it.each([
    [
      'a listing that skips the first page entry after a cursor',
      (s: MemoryStore): LeaseStore => ({
        ...bind(s),
        list: async (o) => {
          const r = await s.list(o);
          if (r.kind === 'ok' && o?.afterResource !== undefined)
            return { kind: 'ok', records: r.records.slice(1) };
          return r;
        },
      }),
      /list\(\) in pages of/,
    ],
    [
      'a listing by holder that also lists freed records',
      (s: MemoryStore): LeaseStore => ({
        ...bind(s),
        listByHolder: async () => s.list(),
      }),
      /listByHolder/,
    ],
    [
      'a history that loses its oldest kept event',
      (s: MemoryStore): LeaseStore => ({
        ...bind(s),
        history: async (resource, o) => {
          const r = await s.history(resource, o);
          if (r.kind === 'ok' && (o?.afterSeq ?? 0) === 0)
            return { kind: 'ok', events: r.events.slice(1) };
          return r;
        },
      }),
      /history/,
    ],
    [
      'a prune that reports the wrong count',
      (s: MemoryStore): LeaseStore => ({
        ...bind(s),
        pruneHistory: async (at) => {
          const r = await s.pruneHistory(at);
          return r.kind === 'ok' ? { kind: 'ok', removed: r.removed + 1 } : r;
        },
      }),
      /pruneHistory/,
    ],
  ])('reports %s', async (_title, broken, message) => {
    const reasons = await Promise.all(
      ['1', '2', '3', '4'].map(async (seed) => {
        const store = new MemoryStore({ historyEntriesMax: 40 });
        const audit = new StoreAudit({ kind: 'newest', eventsMin: STORE_HISTORY_EVENTS_MAX });
        await write(store, audit, 150);
        return audit.audit(broken(store), seed, ['n1', 'n2']);
      }),
    );
    expect(
      reasons.some((r) => r !== null && message.test(r)),
      reasons.join('\n'),
    ).toBe(true);
  });
});

function bind(s: MemoryStore): LeaseStore {
  return {
    read: (r) => s.read(r),
    compareAndSet: (r, v, rec, e) => s.compareAndSet(r, v, rec, e),
    list: (o) => s.list(o),
    listByHolder: (h, o) => s.listByHolder(h, o),
    history: (r, o) => s.history(r, o),
    pruneHistory: (b) => s.pruneHistory(b),
    close: () => s.close(),
  };
}

/**
 * A store adapter written carelessly, in the ways the guard probe looks for: it applies any write
 * at the right version unless `guards`, and hands out (`sharesRead`) or keeps (`keepsSent`) the
 * very record objects its callers hold.
 */
function carelessStore(options: { guards: boolean; sharesRead: boolean; keepsSent: boolean }) {
  const records = new Map<string, { record: HeldRecord; version: number }>();
  return {
    async read(resource: string) {
      const got = records.get(resource);
      if (got === undefined) return { kind: 'ok', record: null, version: 0 } as const;
      return {
        kind: 'ok',
        record: options.sharesRead ? got.record : { ...got.record },
        version: got.version,
      } as const;
    },
    async compareAndSet(
      resource: string,
      expected: number,
      record: HeldRecord,
      event: HistoryEvent,
    ) {
      const version = records.get(resource)?.version ?? 0;
      if (version !== expected) return { kind: 'conflict', version } as const;
      if (options.guards) {
        // The memory store's own checks, on a copy of what this store holds.
        const current = records.get(resource);
        const probe = new MemoryStore();
        if (current !== undefined)
          await probe.compareAndSet(resource, 0, current.record, granted(current.record));
        await probe.compareAndSet(resource, current === undefined ? 0 : 1, record, event);
      }
      records.set(resource, {
        record: options.keepsSent ? record : { ...record },
        version: version + 1,
      });
      return { kind: 'ok', version: version + 1 } as const;
    },
  } as unknown as LeaseStore;
}

describe('store guard probe (store-guards.ts)', () => {
  const written = (records: readonly HeldRecord[]) =>
    records.map((record, i) => ({ record, version: i + 1 }));

  async function seeded(store: LeaseStore): Promise<HeldRecord> {
    const first = held('job', 'n1', 1, 10);
    const second = held('job', 'n2', 2, 20);
    expect((await store.compareAndSet('job', 0, first, granted(first))).kind).toBe('ok');
    expect((await store.compareAndSet('job', 1, second, granted(second))).kind).toBe('ok');
    return second;
  }

  it('passes the memory store, whose last probe writes the record again', async () => {
    const store = new MemoryStore();
    const record = await seeded(store);
    expect(await probeStoreGuards(store, new Prng('1', 'audit'), written([record]))).toBeNull();
    const after = await store.read('job');
    expect(after.kind === 'ok' && after.version).toBe(3);
    expect(after.kind === 'ok' && after.record?.token).toBe(2);
  });

  it('passes a careful adapter too (copies in and out, the same checks)', async () => {
    const store = carelessStore({ guards: true, sharesRead: false, keepsSent: false });
    const record = await seeded(store);
    expect(await probeStoreGuards(store, new Prng('1', 'audit'), written([record]))).toBeNull();
  });

  it('I-5: names a store that lets a write lower a token', async () => {
    const store = carelessStore({ guards: false, sharesRead: false, keepsSent: false });
    const record = await seeded(store);
    expect(await probeStoreGuards(store, new Prng('1', 'audit'), written([record]))).toBe(
      'compareAndSet("job") of a write that lowers its token answered ok: a store refuses it with an exception',
    );
  });

  it('names a store that hands out the record it holds', async () => {
    const store = carelessStore({ guards: true, sharesRead: true, keepsSent: false });
    const record = await seeded(store);
    expect(await probeStoreGuards(store, new Prng('1', 'audit'), written([record]))).toMatch(
      /^after a caller edited the record read\(\) handed out, read\("job"\) answered .*"token":3.* at version 2/,
    );
  });

  it('names a store that keeps the record it was given', async () => {
    const store = carelessStore({ guards: true, sharesRead: false, keepsSent: true });
    const record = await seeded(store);
    expect(await probeStoreGuards(store, new Prng('1', 'audit'), written([record]))).toMatch(
      /^after a caller edited the record it had written, read\("job"\) answered .*"token":3/,
    );
  });

  it('has nothing to probe when no record has a token above 1', async () => {
    const store = carelessStore({ guards: false, sharesRead: true, keepsSent: true });
    const first = held('job', 'n1', 1, 10);
    await store.compareAndSet('job', 0, first, granted(first));
    expect(await probeStoreGuards(store, new Prng('1', 'audit'), written([first]))).toBeNull();
  });
});
