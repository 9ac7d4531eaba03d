import { AsyncLocalStorage } from 'node:async_hooks';
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
 * Which agent request the code running now serves: a replica serves many at once, and each store
 * call it makes must name the request (and so the agent and its logical op) it was made for. The
 * context follows each request's own chain of awaits, whoever resolved them.
 */
const serving = new AsyncLocalStorage<ServedRequest>();

/** Runs `serve` as the request `served`: every store call it makes names it. */
export function serveAs<T>(served: ServedRequest, serve: () => Promise<T>): Promise<T> {
  return serving.run(served, serve);
}

/**
 * The store as one replica reaches it: every read and compare-and-set is a round trip through the
 * network and the store under faults, naming the agent request it serves. Listing, history and
 * settings go straight to the durable state (the simulator judges the writes, not these reads).
 */
export class ReplicaStoreView implements LeaseStore {
  readonly #store: StoreUnderFaults;
  readonly #replica: SimNode;

  constructor(store: StoreUnderFaults, replica: SimNode) {
    this.#store = store;
    this.#replica = replica;
  }

  read(resource: string): Promise<ReadResult> {
    const served = serving.getStore() ?? null;
    return this.#store.call(
      this.#replica,
      { kind: 'read', resource },
      served,
    ) as Promise<ReadResult>;
  }

  compareAndSet(
    resource: string,
    expectedVersion: number,
    record: LeaseRecord,
    event: HistoryEvent,
  ): Promise<CasResult> {
    const served = serving.getStore() ?? null;
    const request = { kind: 'cas', resource, expectedVersion, record, event } as const;
    return this.#store.call(this.#replica, request, served) as Promise<CasResult>;
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

/** What starts a replica's request path over its store view, clock and randomness. */
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
      store: new ReplicaStoreView(store, node),
      clock: replicaClock(node),
      random: replicaRandom(new Prng(ctx.seed, `random:${node.id}.${incarnation}`)),
    });
    if (node.incarnation === incarnation && !node.down) node.replica = handler;
  };
}
