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
import type { SimNode, World } from './world';

export type StoreOp =
  | { readonly kind: 'read'; readonly resource: string }
  | {
      readonly kind: 'cas';
      readonly resource: string;
      readonly expectedVersion: number;
      readonly record: LeaseRecord;
      readonly event: HistoryEvent;
    };

/**
 * The store as one node sees it: every read and compare-and-set is a scheduled round trip through
 * the world (latency, faults, crashes). Listing and history go straight to the durable state; the
 * workload does not use them, so they need no scheduling.
 */
export class NodeStoreView implements LeaseStore {
  readonly #world: World;
  readonly #node: SimNode;

  constructor(world: World, node: SimNode) {
    this.#world = world;
    this.#node = node;
  }

  read(resource: string): Promise<ReadResult> {
    return this.#world.storeCall<ReadResult>(this.#node, { kind: 'read', resource });
  }

  compareAndSet(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): Promise<CasResult> {
    return this.#world.storeCall<CasResult>(this.#node, {
      kind: 'cas',
      resource,
      expectedVersion,
      record,
      event,
    });
  }

  list(options?: ListOptions): Promise<ListResult> {
    return this.#world.store.list(options);
  }

  listByHolder(holder: string, options?: ListOptions): Promise<ListResult> {
    return this.#world.store.listByHolder(holder, options);
  }

  history(resource: string, options?: HistoryOptions): Promise<HistoryResult> {
    return this.#world.store.history(resource, options);
  }

  pruneHistory(beforeMs: number): Promise<PruneResult> {
    return this.#world.store.pruneHistory(beforeMs);
  }

  async close(): Promise<void> {}
}
