/**
 * Bring your own implementation: the harness drives any lease client through this shape.
 * Run it: `npx leasehold dst run --impl examples/my-lease.ts --seeds 20`.
 *
 * This one wraps LeaseClient and counts outcomes, the way a user might instrument their client;
 * replace `createClient` with your own client over the given store and clock.
 */
import { LeaseClient } from '@leasehold/client';
import type { Implementation } from '@leasehold/sim';

export const outcomes = new Map<string, number>();
const count = (kind: string) => outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);

export const implementation: Implementation = {
  name: 'my-lease',
  // The harness passes a store view and a clock it controls (every await is a scheduling point),
  // the node's holder id, the lease configuration and a seeded id source.
  createClient: (options) => {
    const client = new LeaseClient(options);
    return {
      acquire: async (resource, o) => {
        const got = await client.acquire(resource, o);
        count(`acquire:${got.kind}`);
        return got;
      },
      renew: (lease, o) => client.renew(lease, o),
      release: (lease) => client.release(lease),
      believes: (lease) => client.believes(lease),
      timeLeftMs: (lease) => client.timeLeftMs(lease),
    };
  },
};
