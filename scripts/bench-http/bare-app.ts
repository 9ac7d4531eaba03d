import { randomBytes } from 'node:crypto';
import {
  decideAcquire,
  decideRelease,
  DEFAULT_CONFIG,
  type Decision,
  type LeaseRecord,
} from '@leasehold/core';
import { decodeLeaseId, encodeLeaseId } from '@leasehold/server';
import type { LeaseStore } from '@leasehold/store';
import Fastify, { type FastifyInstance } from 'fastify';
import { BARE_ATTEMPTS_MAX } from './limits';

type Mutated<R> = { kind: 'ok'; result: R } | { kind: 'unavailable'; reason: string };

/** read -> decide -> compare-and-set, retried on conflict: the service's transaction, bare. */
async function mutate<R>(
  store: LeaseStore,
  resource: string,
  decide: (record: LeaseRecord | null, nowMs: number) => Decision<R>,
): Promise<Mutated<R>> {
  for (let attempt = 1; attempt <= BARE_ATTEMPTS_MAX; attempt++) {
    const read = await store.read(resource);
    if (read.kind !== 'ok') return { kind: 'unavailable', reason: read.reason };
    const decision = decide(read.record, Date.now());
    if (decision.write === null) return { kind: 'ok', result: decision.result };
    const { record, event } = decision.write;
    const cas = await store.compareAndSet(resource, read.version, record, event);
    if (cas.kind === 'ok') return { kind: 'ok', result: decision.result };
    if (cas.kind !== 'conflict') return { kind: 'unavailable', reason: cas.reason };
  }
  return { kind: 'unavailable', reason: 'compare-and-set conflicts' };
}

const secret = (bytes: number) => randomBytes(bytes).toString('base64url');

/**
 * The limit the service is measured against: the same SQLite transactions (a read, the core's
 * decision, a compare-and-set; owner keys and request ids drawn as the service draws them) behind
 * two fastify routes, with no schemas, metrics, auth, rate limit or waiters. Bodies are the
 * service's own (`{resource, holder, ttl_ms}`, `{lease_id, owner_key}`), so one load drives both.
 */
export function bareApp(store: LeaseStore): FastifyInstance {
  const app = Fastify({ logger: false });
  app.post('/v1/leases/acquire', async (request, reply) => {
    const body = request.body as { resource: string; holder: string; ttl_ms?: number };
    const ownerKey = secret(32);
    const requestId = `srv-${secret(16)}`;
    const ttlMs = body.ttl_ms ?? DEFAULT_CONFIG.ttlMsDefault;
    const { resource, holder } = body;
    const mutated = await mutate(store, resource, (record, nowMs) =>
      decideAcquire(
        record,
        { resource, holder, requestId, ownerKey, ttlMs },
        nowMs,
        DEFAULT_CONFIG,
      ),
    );
    if (mutated.kind === 'unavailable') return reply.code(503).send(mutated);
    const result = mutated.result;
    if (result.kind === 'granted') {
      const { lease } = result;
      return reply.code(201).send({
        lease_id: encodeLeaseId(resource, lease.token),
        owner_key: lease.ownerKey,
        token: lease.token,
      });
    }
    if (result.kind === 'held') {
      return reply.code(409).send({ holder: result.holder, retry_after_ms: result.retryAfterMs });
    }
    return reply.code(400).send({ error: result.kind });
  });
  app.post('/v1/leases/release', async (request, reply) => {
    const body = request.body as { lease_id: string; owner_key: string };
    const ref = decodeLeaseId(body.lease_id);
    if (ref === null) return reply.code(404).send({ error: 'not_found' });
    const requestId = `srv-${secret(16)}`;
    const mutated = await mutate(store, ref.resource, (record, nowMs) => {
      const holder = record?.status === 'held' ? record.holder : '';
      const request = { ...ref, holder, ownerKey: body.owner_key, requestId };
      return decideRelease(record, request, nowMs);
    });
    if (mutated.kind === 'unavailable') return reply.code(503).send(mutated);
    if (mutated.result.kind === 'released') return reply.send({ released: true });
    return reply.code(410).send({ error: mutated.result.kind });
  });
  return app;
}
