import type { HistoryEvent, LeaseRecord } from '@leasehold/core';
import type {
  CasResult,
  HistoryOptions,
  HistoryResult,
  LeaseStore,
  ListOptions,
  ListResult,
  PruneResult,
  ReadResult,
} from '@leasehold/store';
import type { SimNode } from './node-process.js';
import type { StoreUnderFaults } from './store-under-faults.js';

/**
 * The store as one node sees it: every read and compare-and-set is a scheduled round trip through
 * the store under faults (latency, failures, lost replies, timeouts, crashes). Listing and
 * history go straight to the durable state; the workload does not use them.
 */
export class NodeStoreView implements LeaseStore {
  readonly #store: StoreUnderFaults;
  readonly #node: SimNode;

  constructor(store: StoreUnderFaults, node: SimNode) {
    this.#store = store;
    this.#node = node;
  }

  read(resource: string): Promise<ReadResult> {
    return this.#store.call(this.#node, { kind: 'read', resource }) as Promise<ReadResult>;
  }

  compareAndSet(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): Promise<CasResult> {
    const request = { kind: 'cas', resource, expectedVersion, record, event } as const;
    return this.#store.call(this.#node, request) as Promise<CasResult>;
  }

  list(options?: ListOptions): Promise<ListResult> {
    return this.#store.store.list(options);
  }

  listByHolder(holder: string, options?: ListOptions): Promise<ListResult> {
    return this.#store.store.listByHolder(holder, options);
  }

  history(resource: string, options?: HistoryOptions): Promise<HistoryResult> {
    return this.#store.store.history(resource, options);
  }

  pruneHistory(beforeMs: number): Promise<PruneResult> {
    this.#store.states.historyRewritten();
    return this.#store.store.pruneHistory(beforeMs);
  }

  async close(): Promise<void> {}
}
