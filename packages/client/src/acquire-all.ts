import { compareResources } from '@leasehold/store';
import { invalid, type Invalid } from '@leasehold/core';
import type { BudgetOptions } from './attempts-budget.js';
import { ACQUIRE_ALL_RESOURCES_MAX } from './limits.js';
import type { AcquireOutcome, Lease, ReleaseOutcome } from './outcomes.js';

export interface AcquireAllOptions extends BudgetOptions {
  readonly ttlMs?: number;
  /** Wait up to this long (monotonic ms) for the whole set, not per resource. 0: do not wait. */
  readonly waitMs?: number;
}

export type AcquireAllOutcome =
  | {
      readonly kind: 'granted';
      /** One lease per distinct resource, in compareResources order. */
      readonly leases: readonly Lease[];
    }
  | {
      readonly kind: 'failed';
      /** The resource whose acquire failed, and its answer. */
      readonly resource: string;
      readonly outcome: Exclude<AcquireOutcome, { readonly kind: 'granted' }>;
      /** The leases taken before it, released again in reverse order, with their answers. */
      readonly rolledBack: readonly {
        readonly resource: string;
        readonly outcome: ReleaseOutcome;
      }[];
    }
  | Invalid;

/** The client operations acquireAll runs on. */
export interface AcquireAllHost {
  readonly monoMs: () => number;
  acquire(
    resource: string,
    options: { ttlMs?: number; waitMs?: number; attemptsMax?: number },
  ): Promise<AcquireOutcome>;
  release(lease: Lease): Promise<ReleaseOutcome>;
}

/**
 * Takes every resource or none. Resources are deduplicated and taken in one canonical order
 * (`compareResources`, the order every client and store agree on), so two clients that want
 * overlapping sets never each hold what the other waits for: no deadlock. On the first failure,
 * every lease taken is released, in reverse order, and the failure is returned.
 */
export async function acquireAll(
  host: AcquireAllHost,
  resources: readonly string[],
  options: AcquireAllOptions = {},
): Promise<AcquireAllOutcome> {
  const sorted = [...new Set(resources)].sort(compareResources);
  if (sorted.length > ACQUIRE_ALL_RESOURCES_MAX) {
    return invalid(
      'resources',
      `may name at most ${ACQUIRE_ALL_RESOURCES_MAX} distinct resources (ACQUIRE_ALL_RESOURCES_MAX), got ${sorted.length}`,
    );
  }
  const deadlineMonoMs = host.monoMs() + (options.waitMs ?? 0);
  const leases: Lease[] = [];
  for (const resource of sorted) {
    const waitMs = Math.max(0, deadlineMonoMs - host.monoMs());
    const got = await host.acquire(resource, {
      ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
      ...(options.attemptsMax === undefined ? {} : { attemptsMax: options.attemptsMax }),
      waitMs,
    });
    if (got.kind !== 'granted') {
      return {
        kind: 'failed',
        resource,
        outcome: got,
        rolledBack: await releaseReversed(host, leases),
      };
    }
    leases.push(got.lease);
  }
  return { kind: 'granted', leases };
}

async function releaseReversed(
  host: AcquireAllHost,
  leases: readonly Lease[],
): Promise<{ readonly resource: string; readonly outcome: ReleaseOutcome }[]> {
  const released: { readonly resource: string; readonly outcome: ReleaseOutcome }[] = [];
  for (const lease of [...leases].reverse()) {
    released.push({ resource: lease.resource, outcome: await host.release(lease) });
  }
  return released;
}
