import type { Transport } from '@leasehold/api';
import {
  HttpLeaseClient,
  LeaseClient,
  type AcquireOutcome,
  type ExpireOutcome,
  type ForceReleaseOutcome,
  type IdSource,
  type Lease,
  type ReleaseOutcome,
  type RenewOutcome,
} from '@leasehold/client';
import type { Clock, Fence, LeaseConfig } from '@leasehold/core';
import { handleRequest, LeaseService, storeSettings } from '@leasehold/server/service';
import type { LeaseStore, RecoveryRule } from '@leasehold/store';
import type { ReplicaFactory } from './replicas.js';
import type { SimulatedStore } from './simulated-store.js';

/**
 * What the harness needs of a lease client: the LeaseClient contract. `forceRelease` and `expire`
 * are optional: without them the workload never force-releases or cleans up.
 */
export interface LeaseClientLike {
  acquire(
    resource: string,
    options?: {
      ttlMs?: number;
      waitMs?: number;
      requestId?: string;
      /** The lease's own limits, kept in its record (see `AcquireOptions`). */
      maxRenewals?: number;
      maxAgeMs?: number;
    },
  ): Promise<AcquireOutcome>;
  renew(lease: Lease, options?: { ttlMs?: number }): Promise<RenewOutcome>;
  release(lease: Lease): Promise<ReleaseOutcome>;
  /** Whether the holder may still act as owner (the harness checks I-1/I-2 against this). */
  believes(lease: Lease): boolean;
  /**
   * The gate before acting as owner of `resource` (the client holds it and its belief has not
   * ended): what plain turns act on and the checker samples, when the client has one.
   */
  holds?(resource: string): boolean;
  timeLeftMs(lease: Lease): number;
  forceRelease?(
    resource: string,
    options?: { readonly expectedHolder?: string },
  ): Promise<ForceReleaseOutcome>;
  expire?(resource: string): Promise<ExpireOutcome>;
}

/** What an agent's client is made of in the service topology. */
export interface AgentFactoryOptions {
  /** The simulated network to the replicas of the lease service. */
  readonly transport: Transport;
  readonly clock: Clock;
  readonly holder: string;
  /** The belief margins (the service decides expiry). */
  readonly config: LeaseConfig;
  readonly ids: IdSource;
  /** How long the agent waits for one answer before its request counts as failed. */
  readonly requestMs: number;
}

export interface ClientFactoryOptions {
  readonly store: LeaseStore;
  readonly clock: Clock;
  readonly holder: string;
  readonly config: LeaseConfig;
  readonly ids: IdSource;
}

/**
 * An implementation under test. The harness gives each simulated node a store view and a clock it
 * controls; every await on them is a scheduling point. Any implementation of the client contract
 * can be plugged in here, ours or a user's.
 */
export interface Implementation {
  readonly name: string;
  createClient(options: ClientFactoryOptions): LeaseClientLike;
  /**
   * A fenced resource, if the implementation brings its own (default: `@leasehold/core`'s
   * `FencedResource`, which refuses tokens below the highest it accepted). One per lease.
   */
  readonly createFence?: () => Fence;
  /**
   * The store's quarantine after a power loss, if the implementation brings its own (default:
   * `@leasehold/store`'s `recoveryMark`: a token and version jump, and the TTL ceiling).
   */
  readonly recovery?: RecoveryRule;
  /**
   * The service topology: what each replica of the lease service serves requests with, over its
   * store, clock and randomness (default: `LeaseService` and the request path `handleRequest`).
   * Each request comes with its own view of the store: a read or compare-and-set made through it
   * is judged as the work of the agent whose request it serves (see `ReplicaHandler`).
   */
  readonly createReplica?: ReplicaFactory;
  /** The service topology: an agent's client over the network (default: `HttpLeaseClient`). */
  readonly createAgent?: (options: AgentFactoryOptions) => LeaseClientLike;
  /**
   * A store adapter of its own, run as the world's store process (default: the memory store or
   * `SqliteStore`, by the seed). See `SimulatedStore`.
   */
  readonly createStore?: () => SimulatedStore;
}

/** leasehold's own lease service, as each replica runs it. */
export const leaseholdReplica: ReplicaFactory = async ({ store, clock, random }) => {
  const settingsStore = storeSettings(store);
  const opened = await LeaseService.open({
    store,
    clock,
    random,
    ...(settingsStore === null ? {} : { settingsStore }),
  });
  if (opened.kind === 'refused')
    throw new Error(`the lease service refused to open: ${opened.reason}`);
  const service = opened.service;
  return (request, caller, view) => handleRequest(service.through(view), request, caller);
};

/** leasehold's own client over the lease service. */
export function leaseholdAgent(options: AgentFactoryOptions): LeaseClientLike {
  return new HttpLeaseClient({
    transport: options.transport,
    clock: options.clock,
    holder: options.holder,
    config: options.config,
    ids: options.ids,
    requestMsMax: options.requestMs,
  });
}

export const leaseholdImplementation: Implementation = {
  name: 'leasehold',
  createClient: (options) => new LeaseClient(options),
};
