import { compareResources } from '@leasehold/store';
import type { KeepAlive } from './keep-alive.js';
import type { Lease, ReleaseOutcome } from './outcomes.js';

/** What releaseAll answers: one release outcome per lease, in the order they were released. */
export type ReleaseAllOutcome = { readonly resource: string; readonly outcome: ReleaseOutcome }[];

/** The holder's state and client operation releaseAll runs on. */
export interface ReleaseAllHost {
  /** The keep-alives running: each is stopped first, so none renews a lease being released. */
  keepAlives(): readonly KeepAlive[];
  /** The leases held, asked once the keep-alives have stopped. */
  held(): readonly Lease[];
  release(lease: Lease): Promise<ReleaseOutcome>;
}

/**
 * Graceful shutdown: stops the keep-alives, then releases every lease held, one at a time, in
 * reverse compareResources order (the reverse of acquireAll's). Answers per resource.
 */
export async function releaseAll(host: ReleaseAllHost): Promise<ReleaseAllOutcome> {
  for (const loop of [...host.keepAlives()]) await loop.stop();
  const leases = [...host.held()].sort((a, b) => compareResources(b.resource, a.resource));
  const outcomes: ReleaseAllOutcome = [];
  for (const lease of leases)
    outcomes.push({ resource: lease.resource, outcome: await host.release(lease) });
  return outcomes;
}
