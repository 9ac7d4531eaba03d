import type { HistoryEvent, HistoryKind, LeaseRecord } from '@leasehold/core';
import type { CasResult, LeaseStore } from '@leasehold/store';

/**
 * Z1 and Z9: writes of the given kinds are made as two store transactions: the decision was taken
 * on one read, and the write re-reads the version just before writing, so it lands even if the
 * record changed in between (check-then-act; a renew that is not a compare-and-set).
 */
export function blindWrites(store: LeaseStore, kinds: readonly HistoryKind[]): LeaseStore {
  return {
    read: (resource) => store.read(resource),
    async compareAndSet(
      resource: string,
      version: number,
      record: LeaseRecord,
      event: HistoryEvent,
    ): Promise<CasResult> {
      if (!kinds.includes(event.kind)) return store.compareAndSet(resource, version, record, event);
      const fresh = await store.read(resource);
      if (fresh.kind === 'unavailable') return { ...fresh, maybeApplied: false };
      return store.compareAndSet(resource, fresh.version, record, event);
    },
    list: (options) => store.list(options),
    listByHolder: (holder, options) => store.listByHolder(holder, options),
    history: (resource, options) => store.history(resource, options),
    pruneHistory: (beforeMs) => store.pruneHistory(beforeMs),
    close: () => store.close(),
  };
}
