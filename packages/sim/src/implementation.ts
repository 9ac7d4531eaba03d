import {
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
import type { LeaseStore, RecoveryRule } from '@leasehold/store';

/**
 * What the harness needs of a lease client: the LeaseClient contract. `forceRelease` and `expire`
 * are optional: without them the workload never force-releases or cleans up.
 */
export interface LeaseClientLike {
  acquire(
    resource: string,
    options?: { ttlMs?: number; waitMs?: number; requestId?: string },
  ): Promise<AcquireOutcome>;
  renew(lease: Lease, options?: { ttlMs?: number }): Promise<RenewOutcome>;
  release(lease: Lease): Promise<ReleaseOutcome>;
  /** Whether the holder may still act as owner (the harness checks I-1/I-2 against this). */
  believes(lease: Lease): boolean;
  timeLeftMs(lease: Lease): number;
  forceRelease?(
    resource: string,
    options?: { readonly expectedHolder?: string },
  ): Promise<ForceReleaseOutcome>;
  expire?(resource: string): Promise<ExpireOutcome>;
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
}

export const leaseholdImplementation: Implementation = {
  name: 'leasehold',
  createClient: (options) => new LeaseClient(options),
};
