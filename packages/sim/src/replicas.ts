import type { HistoryEvent, LeaseRecord } from '@leasehold/core';
import type { ServiceClock } from '@leasehold/server/service';
import type {
  CasResult,
  HistoryOptions,
  HistoryResult,
  LeaseStore,
  ListOptions,
  ListResult,
  PruneResult,
  ReadResult,
  SettingResult,
  Unavailable,
} from '@leasehold/store';
import type { ReplicaHandler, SimNode } from './node-process.js';
import { Prng } from './prng.js';
import type { ServedRequest, StoreUnderFaults } from './store-under-faults.js';
import type { WorldContext } from './world-context.js';

/**
 * The store as one replica reaches it for one request (`served`; null: the replica's own calls):
 * every read and compare-and-set is a round trip through the network and the store under faults,
 * naming the agent request it serves. Listing, history and settings go straight to the durable
 * state (the simulator judges the writes, not these reads).
 */
export class ReplicaStoreView implements LeaseStore {
  readonly #store: StoreUnderFaults;
  readonly #replica: SimNode;
  readonly #served: ServedRequest | null;

  constructor(store: StoreUnderFaults, replica: SimNode, served: ServedRequest | null) {
    this.#store = store;
    this.#replica = replica;
    this.#served = served;
  }

  read(resource: string): Promise<ReadResult> {
    const request = { kind: 'read', resource } as const;
    return this.#store.call(this.#replica, request, this.#served) as Promise<ReadResult>;
  }

  compareAndSet(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): Promise<CasResult> {
    const request = { kind: 'cas', resource, expectedVersion, record, event } as const;
    return this.#store.call(this.#replica, request, this.#served) as Promise<CasResult>;
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

  async readSetting(name: string): Promise<SettingResult> {
    const store = this.#store.store;
    if (store.readSetting === undefined) return { kind: 'ok', value: null };
    return store.readSetting(name);
  }

  async writeSetting(name: string, value: string): Promise<{ readonly kind: 'ok' } | Unavailable> {
    const store = this.#store.store;
    if (store.writeSetting === undefined)
      return { kind: 'unavailable', reason: 'this store keeps no settings' };
    return store.writeSetting(name, value);
  }

  async close(): Promise<void> {}
}

/** A replica's clock as the service wants it: its node's clock (sleeps are scheduling points). */
export function replicaClock(node: SimNode): ServiceClock {
  return {
    wallMs: () => node.clock.wallMs(),
    monoMs: () => node.clock.monoMs(),
    sleep: (ms, signal) => node.clock.sleep(ms, signal),
  };
}

/** Seeded randomness for a replica's owner keys and request ids (its own stream). */
export function replicaRandom(prng: Prng): (count: number) => Uint8Array {
  return (count) => {
    const bytes = new Uint8Array(count);
    for (let i = 0; i < count; i++) bytes[i] = prng.int(256);
    return bytes;
  };
}

/**
 * What starts a replica's request path over its store view, clock and randomness. The handler it
 * returns is given each request's own view of the store: the calls made through it name that
 * request (those made through `store` are the replica's own).
 */
export type ReplicaFactory = (options: {
  readonly store: LeaseStore;
  readonly clock: ServiceClock;
  readonly random: (count: number) => Uint8Array;
}) => Promise<ReplicaHandler>;

/**
 * A replica's process: each (re)start opens a new service over the replica's store view (its
 * memory, waiters among it, lost with the crash before), which then serves requests until the
 * replica crashes.
 */
export function replicaRunner(
  ctx: WorldContext,
  store: StoreUnderFaults,
  factory: ReplicaFactory,
): (node: SimNode) => Promise<void> {
  return async (node) => {
    const incarnation = node.incarnation;
    const handler = await factory({
      store: new ReplicaStoreView(store, node, null),
      clock: replicaClock(node),
      random: replicaRandom(new Prng(ctx.seed, `random:${node.id}.${incarnation}`)),
    });
    if (node.incarnation !== incarnation || node.down) return;
    node.replica = (request, served, caller) =>
      handler(request, caller, new ReplicaStoreView(store, node, served));
  };
}
