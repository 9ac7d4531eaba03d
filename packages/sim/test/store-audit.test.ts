import type { HeldRecord, HistoryEvent } from '@leasehold/core';
import { MemoryStore, type LeaseStore } from '@leasehold/store';
import { describe, expect, it } from 'vitest';
import { StoreAudit } from '../src/store-audit';
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
