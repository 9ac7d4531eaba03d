import { LeaseClient, type Lease, type LeaseDecisions } from '@leasehold/client';
import type { InvariantId } from '@leasehold/core';
import type { ClientFactoryOptions, Implementation, LeaseClientLike } from '../implementation.js';
import { blindWrites } from './blind-write-store.js';
import { recoveryWithoutJump, recoveryWithoutQuarantine } from './broken-recovery.js';
import {
  agentBeliefFromReply,
  agentSendingClientTime,
  replicaDedupByHolder,
  replicaLosingWakeups,
  replicaTrustingClientTime,
} from './broken-service.js';
import {
  acquireIgnoringGraceAndSkew,
  acquireWithoutIdempotency,
  acquireWithoutTokenBump,
  releaseWithoutOwnerCheck,
  renewByNonHolder,
  renewWithoutExpiryCheck,
} from './broken-decisions.js';

/** One classic lease bug, as a small change to the real client, and what must catch it. */
export interface ZooVariant {
  readonly id: string;
  readonly title: string;
  /**
   * What may report it (the first is the one it is meant to trip): invariants, or `spec` for a
   * step the spec does not allow when no invariant noticed (trace validation).
   */
  readonly expected: readonly (InvariantId | 'spec')[];
  /** The scenario the zoo sweeps it in. */
  readonly scenario: string;
  readonly implementation: Implementation;
}

function brokenClient(
  name: string,
  change: {
    decisions?: Partial<LeaseDecisions>;
    store?: (options: ClientFactoryOptions) => ClientFactoryOptions['store'];
    belief?: 'fromReplyWithoutMargin';
  },
): Implementation {
  return {
    name: `zoo:${name}`,
    createClient(options) {
      const store = change.store?.(options) ?? options.store;
      const client = new LeaseClient({
        ...options,
        store,
        ...(change.decisions ? { decisions: change.decisions } : {}),
      });
      if (change.belief === undefined) return client;
      return replyBelief(client, options);
    },
  };
}

/**
 * Z4: the holder starts its TTL when the reply arrives and keeps no margin. (Believing until its
 * own `expiresAtMs` alone is still safe within the bounds, because a claimant also waits out
 * grace and skew; counting from the reply is the form of this bug that breaks leases.)
 */
function replyBelief(client: LeaseClient, options: ClientFactoryOptions): LeaseClientLike {
  const fromReply = (lease: Lease): Lease => ({
    ...lease,
    validUntilMonoMs: options.clock.monoMs() + lease.ttlMs,
  });
  return {
    acquire: async (resource, o) => {
      const got = await client.acquire(resource, o);
      return got.kind === 'granted' ? { kind: 'granted', lease: fromReply(got.lease) } : got;
    },
    renew: async (lease, o) => {
      const got = await client.renew(lease, o);
      return got.kind === 'renewed' ? { kind: 'renewed', lease: fromReply(got.lease) } : got;
    },
    release: (lease) => client.release(lease),
    believes: (lease) => client.believes(lease),
    timeLeftMs: (lease) => client.timeLeftMs(lease),
  };
}

export const ZOO: readonly ZooVariant[] = [
  {
    id: 'Z1',
    title: 'check-then-act acquire: read, then an unconditional write (no compare-and-set)',
    expected: ['I-5', 'I-1', 'I-2', 'spec'],
    scenario: 'contention',
    implementation: brokenClient('Z1', { store: (o) => blindWrites(o.store, ['granted']) }),
  },
  {
    id: 'Z2',
    title: 'release without an ownership check (anyone can release any lease)',
    expected: ['I-3', 'I-2', 'I-1', 'spec'],
    scenario: 'swarm',
    implementation: brokenClient('Z2', { decisions: { release: releaseWithoutOwnerCheck } }),
  },
  {
    id: 'Z3',
    title: 'renew without an expiry check (resurrects expired leases)',
    expected: ['I-7', 'I-2', 'I-1'],
    scenario: 'swarm',
    implementation: brokenClient('Z3', { decisions: { renew: renewWithoutExpiryCheck } }),
  },
  {
    id: 'Z4',
    title: 'holder belief without the safety margin, counted from the reply instead of the send',
    expected: ['I-2', 'I-1'],
    scenario: 'swarm',
    implementation: brokenClient('Z4', { belief: 'fromReplyWithoutMargin' }),
  },
  {
    id: 'Z5',
    title: 're-acquire does not increment the fencing token',
    expected: ['I-5'],
    scenario: 'baseline',
    implementation: brokenClient('Z5', { decisions: { acquire: acquireWithoutTokenBump } }),
  },
  {
    id: 'Z6',
    title: 'retry after a lost reply without requestId idempotency (grants twice)',
    expected: ['I-8', 'spec'],
    scenario: 'storage-faults',
    implementation: brokenClient('Z6', { decisions: { acquire: acquireWithoutIdempotency } }),
  },
  {
    id: 'Z7',
    title: 'claimant ignores grace and skew (takes over at expiresAtMs on its own clock)',
    expected: ['I-2', 'I-1', 'spec'],
    scenario: 'clock-faults',
    implementation: brokenClient('Z7', { decisions: { acquire: acquireIgnoringGraceAndSkew } }),
  },
  {
    id: 'Z8',
    title: 'renew by a non-holder accepted',
    expected: ['I-3', 'I-2', 'I-1'],
    scenario: 'swarm',
    implementation: brokenClient('Z8', { decisions: { renew: renewByNonHolder } }),
  },
  {
    id: 'Z9',
    title: 'renew as two separate store transactions (read in one, write in another)',
    expected: ['I-3', 'I-7', 'I-5', 'spec'],
    scenario: 'node-faults',
    implementation: brokenClient('Z9', { store: (o) => blindWrites(o.store, ['renewed']) }),
  },
  {
    id: 'Z10',
    title: 'fenced resource accepts any token',
    expected: ['I-6'],
    scenario: 'node-faults',
    implementation: {
      name: 'zoo:Z10',
      createClient: (options) => new LeaseClient(options),
      createFence: () => ({ write: (token) => ({ kind: 'accepted', tokenAcceptedMax: token }) }),
    },
  },
  {
    id: 'Z11',
    title:
      'unsynced commits forgotten by power loss, tokens reissued (restart as if nothing was lost)',
    expected: ['I-5', 'I-3'],
    scenario: 'power-loss',
    implementation: {
      name: 'zoo:Z11',
      createClient: (options) => new LeaseClient(options),
      recovery: recoveryWithoutJump,
    },
  },
  {
    id: 'Z12',
    title: 'lease server grants at once after power loss (no wait for forgotten leases to expire)',
    expected: ['I-1'],
    scenario: 'power-loss-server',
    implementation: {
      name: 'zoo:Z12',
      createClient: (options) => new LeaseClient(options),
      recovery: recoveryWithoutQuarantine,
    },
  },
  {
    id: 'Z13',
    title:
      'lease service recognises a retry by its holder, not its request id (answers a new acquire with the old grant)',
    // Validated against the model, the grant that names the holder for a request id is the
    // first step the spec does not allow; the double grant it leads to breaks I-2 or I-1 later.
    expected: ['spec', 'I-2', 'I-1'],
    scenario: 'service',
    implementation: {
      name: 'zoo:Z13',
      createClient: (options) => new LeaseClient(options),
      createReplica: replicaDedupByHolder,
    },
  },
  {
    id: 'Z14',
    title: 'HTTP client counts belief from the answer, for the whole TTL',
    expected: ['I-2', 'I-1'],
    scenario: 'service-network',
    implementation: {
      name: 'zoo:Z14',
      createClient: (options) => new LeaseClient(options),
      createAgent: agentBeliefFromReply,
    },
  },
  {
    id: 'Z15',
    title: "lease service decides expiry on the client's timestamp, not its own clock",
    // A grant that expires on the client's clock is the first step the spec does not allow.
    expected: ['spec', 'I-7', 'I-2', 'I-1', 'I-4'],
    scenario: 'service-swarm',
    implementation: {
      name: 'zoo:Z15',
      createClient: (options) => new LeaseClient(options),
      createReplica: replicaTrustingClientTime,
      createAgent: agentSendingClientTime,
    },
  },
  {
    id: 'Z16',
    title: 'lease service: a waiting acquire sleeps out its wait and loses a lease freed meanwhile',
    expected: ['I-4'],
    scenario: 'service',
    implementation: {
      name: 'zoo:Z16',
      createClient: (options) => new LeaseClient(options),
      createReplica: replicaLosingWakeups,
    },
  },
];

export function findZooVariant(id: string): ZooVariant | undefined {
  return ZOO.find((v) => v.id.toLowerCase() === id.toLowerCase());
}
