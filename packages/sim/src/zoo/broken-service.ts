import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApiRequest, Transport } from '@leasehold/api';
import { HttpLeaseClient, type AcquireOutcome, type Lease } from '@leasehold/client';
import type { AgentFactoryOptions, LeaseClientLike } from '../implementation.js';
import { leaseholdReplica } from '../implementation.js';
import type { ReplicaFactory } from '../replicas.js';

/*
 * Deliberately broken parts of the lease service and its HTTP client for the bug zoo: each is the
 * real request path or client with one classic mistake of a lease server (never exported from the
 * package's main entry, see '@leasehold/sim/zoo').
 */

type Body = Record<string, unknown>;

function withBody(request: ApiRequest, change: (body: Body) => Body): ApiRequest {
  return { ...request, body: change({ ...((request.body ?? {}) as Body) }) };
}

/**
 * Z13: the service recognises a retry by its holder, not by its request id: an acquire by the
 * lease's current holder is answered with that holder's grant, as if it were the same request
 * again. The new request's caller counts its belief from its own send, while the lease still
 * expires as the first grant said.
 */
export const replicaDedupByHolder: ReplicaFactory = async (options) => {
  const serve = await leaseholdReplica(options);
  return (request, caller, store) => {
    if (request.route !== 'acquire') return serve(request, caller, store);
    return serve(
      withBody(request, (body) => {
        const rest = { ...body };
        delete rest.token_floor;
        return { ...rest, request_id: `holder:${String(body.holder)}` };
      }),
      caller,
      store,
    );
  };
};

/** The time a client put in its request (Z15): what the broken replica decides on. */
const clientTime = new AsyncLocalStorage<number>();

/**
 * Z15: the replica decides expiry and claimability on the time the client sends with its request
 * (`client_time_ms`), not on its own clock: an agent whose clock runs ahead claims leases early.
 */
export const replicaTrustingClientTime: ReplicaFactory = async (options) => {
  const clock = {
    ...options.clock,
    wallMs: () => clientTime.getStore() ?? options.clock.wallMs(),
  };
  const serve = await leaseholdReplica({ ...options, clock });
  return (request, caller, store) => {
    const body = (request.body ?? {}) as Body;
    const sent = body.client_time_ms;
    if (typeof sent !== 'number') return serve(request, caller, store);
    const rest = { ...body };
    delete rest.client_time_ms;
    return clientTime.run(sent, () => serve({ ...request, body: rest }, caller, store));
  };
};

/** Z15's agent: its client sends its own wall clock with every write. */
export function agentSendingClientTime(options: AgentFactoryOptions): LeaseClientLike {
  const transport: Transport = {
    send: (request, sendOptions) =>
      options.transport.send(
        request.route === 'acquire' || request.route === 'renew'
          ? withBody(request, (body) => ({ ...body, client_time_ms: options.clock.wallMs() }))
          : request,
        sendOptions,
      ),
  };
  return new HttpLeaseClient({
    transport,
    clock: options.clock,
    holder: options.holder,
    config: options.config,
    ids: options.ids,
    requestMsMax: options.requestMs,
  });
}

/**
 * Z14: the HTTP client counts a grant's belief from when the answer arrived, for its whole TTL
 * (no margin): a slow answer, or a clock that drifts, lets the holder believe past the lease.
 */
export function agentBeliefFromReply(options: AgentFactoryOptions): LeaseClientLike {
  const client = new HttpLeaseClient({
    transport: options.transport,
    clock: options.clock,
    holder: options.holder,
    config: options.config,
    ids: options.ids,
    requestMsMax: options.requestMs,
  });
  const fromReply = (lease: Lease): Lease => ({
    ...lease,
    validUntilMonoMs: options.clock.monoMs() + lease.ttlMs,
  });
  return {
    acquire: async (resource, o) => {
      const got: AcquireOutcome = await client.acquire(resource, o);
      return got.kind === 'granted' ? { kind: 'granted', lease: fromReply(got.lease) } : got;
    },
    renew: async (lease, o) => {
      const got = await client.renew(lease, o);
      return got.kind === 'renewed' ? { kind: 'renewed', lease: fromReply(got.lease) } : got;
    },
    release: (lease) => client.release(lease),
    believes: (lease) => client.believes(lease),
    timeLeftMs: (lease) => client.timeLeftMs(lease),
    forceRelease: (resource, o) => client.forceRelease(resource, o),
  };
}

/**
 * Z16: a waiting acquire that does not look again when the lease is released or becomes
 * claimable: it sleeps out its whole wait and answers what it saw first, so a waiter loses a lease
 * that was free long before.
 */
export const replicaLosingWakeups: ReplicaFactory = async (options) => {
  const serve = await leaseholdReplica(options);
  return async (request, caller, store) => {
    const body = (request.body ?? {}) as Body;
    const waitMs = body.wait_ms;
    if (request.route !== 'acquire' || typeof waitMs !== 'number' || waitMs === 0)
      return serve(request, caller, store);
    const once = { ...body };
    delete once.wait_ms;
    const answer = await serve({ ...request, body: once }, caller, store);
    if (answer.status !== 409) return answer;
    await options.clock.sleep(waitMs);
    return answer;
  };
};
