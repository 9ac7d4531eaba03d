import type { FastifyReply } from 'fastify';
import { errorReply, invalidReply } from './http-errors.js';
import type { App } from './http-app.js';
import type { LeaseService } from './lease-service.js';
import {
  AcquireBody,
  ErrorReply,
  HeldReply,
  HistoryQuery,
  HistoryReply,
  LeaseReply,
  ListQuery,
  ListReply,
  ReleaseBody,
  ReleaseReply,
  RenewBody,
  RenewReply,
  ResourceParams,
  StatusReply,
} from './schemas.js';
import type { LeaseStatus, LeaseView, ServiceUnavailable } from './service-types.js';

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const errors = {
  400: ErrorReply,
  403: ErrorReply,
  404: ErrorReply,
  410: ErrorReply,
  503: ErrorReply,
};

/** The lease routes: acquire, renew, release (owner-checked), and the read side. */
export function leaseRoutes(app: App, service: LeaseService): void {
  app.post(
    '/v1/leases/acquire',
    { schema: { body: AcquireBody, response: { 201: LeaseReply, 409: HeldReply, ...errors } } },
    async (request, reply) => {
      const body = request.body;
      const ttl = ttlOf(body, reply);
      if (ttl === 'refused') return reply;
      const holder = request.principal?.holder ?? null;
      if (holder !== null && holder !== body.holder) {
        return errorReply(reply, 403, 'forbidden', 'this API key belongs to another holder');
      }
      const answer = await service.acquire({
        resource: body.resource,
        holder: body.holder,
        ...(ttl === undefined ? {} : { ttlMs: ttl.ms }),
        ...(body.request_id === undefined ? {} : { requestId: body.request_id }),
        ...(body.wait_ms === undefined ? {} : { waitMs: body.wait_ms }),
      });
      switch (answer.kind) {
        case 'granted':
          return reply.code(201).send({ ...grantBody(answer.lease), replayed: answer.replayed });
        case 'held':
          return reply.code(409).send({
            error: 'held',
            message: `${body.resource} is held by ${answer.holder}`,
            holder: answer.holder,
            token: answer.token,
            expires_at: iso(answer.expiresAtMs),
            expires_at_ms: answer.expiresAtMs,
            retry_after_ms: answer.retryAfterMs,
          });
        case 'gone':
          return goneReply(reply, answer.token, answer.reason);
        case 'invalid':
          return invalidReply(reply, answer, ttl?.field);
        case 'unavailable':
          return unavailableReply(reply, answer);
      }
    },
  );

  app.post(
    '/v1/leases/renew',
    { schema: { body: RenewBody, response: { 200: RenewReply, 409: ErrorReply, ...errors } } },
    async (request, reply) => {
      const body = request.body;
      const ttl = ttlOf(body, reply);
      if (ttl === 'refused') return reply;
      const asHolder = request.principal?.holder ?? null;
      const answer = await service.renew({
        leaseId: body.lease_id,
        ownerKey: body.owner_key,
        ...(ttl === undefined ? {} : { ttlMs: ttl.ms }),
        ...(body.min_interval_ms === undefined ? {} : { minIntervalMs: body.min_interval_ms }),
        ...(asHolder === null ? {} : { asHolder }),
      });
      switch (answer.kind) {
        case 'renewed':
          return reply.send({ ...renewBody(answer.lease), skipped: false });
        case 'skipped':
          return reply.send({ ...renewBody(answer.lease), skipped: true });
        case 'maxRenewalsReached':
          return errorReply(
            reply,
            409,
            'max_renewals_reached',
            `the lease was renewed ${answer.renewals} times, the most allowed`,
            { renewals: answer.renewals, max_renewals: answer.maxRenewals },
          );
        case 'invalid':
          return invalidReply(reply, answer, ttl?.field);
        default:
          return ownerFailure(reply, answer);
      }
    },
  );

  app.post(
    '/v1/leases/release',
    { schema: { body: ReleaseBody, response: { 200: ReleaseReply, ...errors } } },
    async (request, reply) => {
      const asHolder = request.principal?.holder ?? null;
      const answer = await service.release({
        leaseId: request.body.lease_id,
        ownerKey: request.body.owner_key,
        ...(asHolder === null ? {} : { asHolder }),
      });
      switch (answer.kind) {
        case 'released':
          return reply.send({ released: true, token: answer.token, replayed: answer.replayed });
        case 'invalid':
          return invalidReply(reply, answer);
        default:
          return ownerFailure(reply, answer);
      }
    },
  );

  readRoutes(app, service);
}

function readRoutes(app: App, service: LeaseService): void {
  app.get(
    '/v1/leases',
    { schema: { querystring: ListQuery, response: { 200: ListReply, ...errors } } },
    async (request, reply) => {
      const q = request.query;
      const answer = await service.queries.list({
        ...(q.holder === undefined ? {} : { holder: q.holder }),
        ...(q.prefix === undefined ? {} : { prefix: q.prefix }),
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.limit === undefined ? {} : { limit: Number(q.limit) }),
        ...(q.after === undefined ? {} : { after: q.after }),
      });
      if (answer.kind === 'invalid') return invalidReply(reply, answer);
      if (answer.kind === 'unavailable') return unavailableReply(reply, answer);
      return reply.send({ leases: answer.leases.map(statusBody), next: answer.next });
    },
  );

  app.get(
    '/v1/leases/:resource',
    { schema: { params: ResourceParams, response: { 200: StatusReply, ...errors } } },
    async (request, reply) => {
      const answer = await service.queries.get(request.params.resource);
      if (answer.kind === 'invalid') return invalidReply(reply, answer);
      if (answer.kind === 'unavailable') return unavailableReply(reply, answer);
      return reply.send(statusBody(answer.lease));
    },
  );

  app.get(
    '/v1/leases/:resource/history',
    {
      schema: {
        params: ResourceParams,
        querystring: HistoryQuery,
        response: { 200: HistoryReply, ...errors },
      },
    },
    async (request, reply) => {
      const { resource } = request.params;
      const q = request.query;
      const answer = await service.queries.history(resource, {
        ...(q.limit === undefined ? {} : { limit: Number(q.limit) }),
        ...(q.after_seq === undefined ? {} : { afterSeq: Number(q.after_seq) }),
      });
      if (answer.kind === 'invalid') return invalidReply(reply, answer);
      if (answer.kind === 'unavailable') return unavailableReply(reply, answer);
      const events = answer.events.map((e) => ({
        seq: e.seq,
        kind: e.kind,
        holder: e.holder,
        token: e.token,
        at: iso(e.atMs),
        at_ms: e.atMs,
        request_id: e.requestId,
        previous_holder: e.previousHolder,
      }));
      return reply.send({ resource, events });
    },
  );
}

/** `ttl_seconds` or `ttl_ms`, never both; undefined for the default. */
function ttlOf(
  body: { ttl_seconds?: number; ttl_ms?: number },
  reply: FastifyReply,
): { ms: number; field: string } | undefined | 'refused' {
  if (body.ttl_seconds !== undefined && body.ttl_ms !== undefined) {
    errorReply(reply, 400, 'invalid', 'give ttl_seconds or ttl_ms, not both', { field: 'ttl_ms' });
    return 'refused';
  }
  if (body.ttl_seconds !== undefined) return { ms: body.ttl_seconds * 1000, field: 'ttl_seconds' };
  if (body.ttl_ms !== undefined) return { ms: body.ttl_ms, field: 'ttl_ms' };
  return undefined;
}

function ownerFailure(
  reply: FastifyReply,
  answer:
    | { kind: 'notFound' }
    | { kind: 'forbidden'; reason: string }
    | { kind: 'gone'; token: number; reason: string }
    | ServiceUnavailable,
) {
  switch (answer.kind) {
    case 'notFound':
      return errorReply(reply, 404, 'not_found', 'no lease with this lease_id was ever granted');
    case 'forbidden':
      return errorReply(reply, 403, 'forbidden', answer.reason);
    case 'gone':
      return goneReply(reply, answer.token, answer.reason);
    case 'unavailable':
      return unavailableReply(reply, answer);
  }
}

const GONE_MESSAGE: Readonly<Record<string, string>> = {
  pastExpiry: 'the lease expired',
  released: 'the lease was released',
  forceReleased: 'the lease was force-released by an admin',
  superseded: 'the lease ended and was granted again since',
};

function goneReply(reply: FastifyReply, token: number, reason: string) {
  const message = `${GONE_MESSAGE[reason] ?? 'the lease ended'}; it is never renewed again`;
  return errorReply(reply, 410, 'gone', message, { reason, token });
}

export function unavailableReply(reply: FastifyReply, answer: ServiceUnavailable) {
  return errorReply(reply, 503, 'unavailable', answer.reason);
}

function grantBody(lease: LeaseView) {
  return {
    lease_id: lease.leaseId,
    resource: lease.resource,
    holder: lease.holder,
    token: lease.token,
    owner_key: lease.ownerKey,
    acquired_at: iso(lease.acquiredAtMs),
    acquired_at_ms: lease.acquiredAtMs,
    expires_at: iso(lease.expiresAtMs),
    expires_at_ms: lease.expiresAtMs,
    ttl_ms: lease.ttlMs,
    renewals: lease.renewals,
  };
}

function renewBody(lease: LeaseView) {
  return {
    lease_id: lease.leaseId,
    resource: lease.resource,
    holder: lease.holder,
    token: lease.token,
    expires_at: iso(lease.expiresAtMs),
    expires_at_ms: lease.expiresAtMs,
    ttl_ms: lease.ttlMs,
    renewals: lease.renewals,
  };
}

export function statusBody(lease: LeaseStatus) {
  const at = (ms: number | null) => (ms === null ? null : iso(ms));
  return {
    resource: lease.resource,
    status: lease.status,
    holder: lease.holder,
    token: lease.token,
    lease_id: lease.leaseId,
    expires_at: at(lease.expiresAtMs),
    expires_at_ms: lease.expiresAtMs,
    ttl_ms: lease.ttlMs,
    acquired_at: at(lease.acquiredAtMs),
    renewals: lease.renewals,
    last_holder: lease.lastHolder,
    freed_by: lease.freedBy,
    updated_at: at(lease.updatedAtMs),
  };
}
