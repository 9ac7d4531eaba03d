import {
  checkInput,
  ROUTES,
  type AcquireBody,
  type ApiAnswer,
  type ApiRequest,
  type ConfigBody,
  type ForceReleaseBody,
  type HistoryQuery,
  type ListQuery,
  type ReleaseBody,
  type ReleaseHolderBody,
  type RenewBody,
  type RouteName,
  type RouteSpec,
} from '@leasehold/api';
import type { Invalid, RenewalLimitOwner } from '@leasehold/core';
import type { Principal } from './auth.js';
import type { LeaseService } from './lease-service.js';
import { settingsView } from './service-settings.js';
import type { Gone, LeaseStatus, LeaseView, ServiceUnavailable } from './service-types.js';

/*
 * The lease API's request path, as plain functions of (route, input, principal): the input is
 * checked against the route's schema (400 naming the field), the caller's key against what the
 * route allows, then the service answers and the answer becomes a status and a JSON body. The
 * fastify shell and the simulator's transport both call `handleRequest`, so what runs in
 * simulation is what serves HTTP.
 */

/** A request's caller as the shell resolved it; null when the service checks no API keys. */
export type Caller = Principal | null;

/** The request path: one request in, one answer out. */
export async function handleRequest(
  service: LeaseService,
  request: ApiRequest,
  caller: Caller,
): Promise<ApiAnswer> {
  const spec: RouteSpec = ROUTES[request.route];
  if (spec.admin && caller !== null && !caller.admin) {
    return error(403, 'forbidden', 'admin routes need an admin key');
  }
  const parts = [
    ['params', spec.params, request.params ?? {}],
    ['querystring', spec.query, request.query ?? {}],
    ['body', spec.body, request.body ?? null],
  ] as const;
  for (const [part, schema, value] of parts) {
    if (schema === undefined) continue;
    const problem = checkInput(schema, value, part);
    if (problem !== null) return error(400, 'invalid', problem.message, { field: problem.field });
  }
  return HANDLERS[request.route](service, request, caller);
}

type Handler = (service: LeaseService, request: ApiRequest, caller: Caller) => Promise<ApiAnswer>;

const HANDLERS: Readonly<Record<RouteName, Handler>> = {
  acquire: (service, request, caller) => acquire(service, request.body as AcquireBody, caller),
  renew: (service, request, caller) => renew(service, request.body as RenewBody, caller),
  release: (service, request, caller) => release(service, request.body as ReleaseBody, caller),
  list: (service, request) => list(service, (request.query ?? {}) as ListQuery),
  status: (service, request) => status(service, request.params?.resource ?? ''),
  history: (service, request) =>
    history(service, request.params?.resource ?? '', (request.query ?? {}) as HistoryQuery),
  forceRelease: (service, request, caller) =>
    forceRelease(service, request.body as ForceReleaseBody, caller),
  releaseHolder: (service, request, caller) =>
    releaseHolder(service, request.body as ReleaseHolderBody, caller),
  cleanup: (service) => cleanup(service),
  getConfig: async (service) => ok(settingsView(service.settings)),
  putConfig: (service, request) => putConfig(service, request.body as ConfigBody),
};

async function acquire(
  service: LeaseService,
  body: AcquireBody,
  caller: Caller,
): Promise<ApiAnswer> {
  const ttl = ttlOf(body);
  if (ttl === 'both')
    return error(400, 'invalid', 'give ttl_seconds or ttl_ms, not both', { field: 'ttl_ms' });
  const holder = caller?.holder ?? null;
  if (holder !== null && holder !== body.holder) {
    return error(403, 'forbidden', 'this API key belongs to another holder');
  }
  const answer = await service.acquire({
    resource: body.resource,
    holder: body.holder,
    ...(ttl === undefined ? {} : { ttlMs: ttl.ms }),
    ...(body.request_id === undefined ? {} : { requestId: body.request_id }),
    ...(body.wait_ms === undefined ? {} : { waitMs: body.wait_ms }),
    ...(body.token_floor === undefined ? {} : { tokenFloor: body.token_floor }),
    ...(body.max_renewals === undefined ? {} : { maxRenewals: body.max_renewals }),
    ...(body.max_age_ms === undefined ? {} : { maxAgeMs: body.max_age_ms }),
  });
  switch (answer.kind) {
    case 'granted':
      return { status: 201, body: { ...grantBody(answer.lease), replayed: answer.replayed } };
    case 'held':
      return {
        status: 409,
        body: {
          error: 'held',
          message: `${body.resource} is held by ${answer.holder}`,
          holder: answer.holder,
          token: answer.token,
          expires_at: iso(answer.expiresAtMs),
          expires_at_ms: answer.expiresAtMs,
          retry_after_ms: answer.retryAfterMs,
        },
      };
    case 'gone':
      return gone(answer);
    case 'invalid':
      return invalid(answer, ttl?.field);
    case 'unavailable':
      return unavailable(answer);
  }
}

async function renew(service: LeaseService, body: RenewBody, caller: Caller): Promise<ApiAnswer> {
  const ttl = ttlOf(body);
  if (ttl === 'both')
    return error(400, 'invalid', 'give ttl_seconds or ttl_ms, not both', { field: 'ttl_ms' });
  const asHolder = caller?.holder ?? null;
  const answer = await service.renew({
    leaseId: body.lease_id,
    ownerKey: body.owner_key,
    ...(ttl === undefined ? {} : { ttlMs: ttl.ms }),
    ...(body.min_interval_ms === undefined ? {} : { minIntervalMs: body.min_interval_ms }),
    ...(asHolder === null ? {} : { asHolder }),
  });
  switch (answer.kind) {
    case 'renewed':
      return ok({ ...renewBody(answer.lease), skipped: false });
    case 'skipped':
      return ok({ ...renewBody(answer.lease), skipped: true });
    case 'maxRenewalsReached':
      return error(
        409,
        'max_renewals_reached',
        `the lease was renewed ${answer.renewals} times, the most ${LIMIT_OWNER[answer.limit]} allows (max_renewals ${answer.maxRenewals})`,
        { renewals: answer.renewals, max_renewals: answer.maxRenewals, limit: answer.limit },
      );
    case 'invalid':
      return invalid(answer, ttl?.field);
    default:
      return ownerFailure(answer);
  }
}

async function release(
  service: LeaseService,
  body: ReleaseBody,
  caller: Caller,
): Promise<ApiAnswer> {
  const asHolder = caller?.holder ?? null;
  const answer = await service.release({
    leaseId: body.lease_id,
    ownerKey: body.owner_key,
    ...(asHolder === null ? {} : { asHolder }),
  });
  switch (answer.kind) {
    case 'released':
      return ok({ released: true, token: answer.token, replayed: answer.replayed });
    case 'invalid':
      return invalid(answer);
    default:
      return ownerFailure(answer);
  }
}

async function list(service: LeaseService, q: ListQuery): Promise<ApiAnswer> {
  const answer = await service.queries.list({
    ...(q.holder === undefined ? {} : { holder: q.holder }),
    ...(q.prefix === undefined ? {} : { prefix: q.prefix }),
    ...(q.status === undefined ? {} : { status: q.status }),
    ...(q.limit === undefined ? {} : { limit: Number(q.limit) }),
    ...(q.after === undefined ? {} : { after: q.after }),
  });
  if (answer.kind === 'invalid') return invalid(answer);
  if (answer.kind === 'unavailable') return unavailable(answer);
  return ok({ leases: answer.leases.map(statusBody), next: answer.next });
}

async function status(service: LeaseService, resource: string): Promise<ApiAnswer> {
  const answer = await service.queries.get(resource);
  if (answer.kind === 'invalid') return invalid(answer);
  if (answer.kind === 'unavailable') return unavailable(answer);
  return ok(statusBody(answer.lease));
}

async function history(
  service: LeaseService,
  resource: string,
  q: HistoryQuery,
): Promise<ApiAnswer> {
  const answer = await service.queries.history(resource, {
    ...(q.limit === undefined ? {} : { limit: Number(q.limit) }),
    ...(q.after_seq === undefined ? {} : { afterSeq: Number(q.after_seq) }),
  });
  if (answer.kind === 'invalid') return invalid(answer);
  if (answer.kind === 'unavailable') return unavailable(answer);
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
  return ok({ resource, events });
}

/** Who an admin action is recorded as in history: the admin key's holder, or `admin`. */
function actor(caller: Caller): string {
  return caller?.holder ?? 'admin';
}

async function forceRelease(
  service: LeaseService,
  body: ForceReleaseBody,
  caller: Caller,
): Promise<ApiAnswer> {
  const answer = await service.forceRelease(
    body.resource,
    body.expected_holder ?? null,
    actor(caller),
    body.request_id,
  );
  switch (answer.kind) {
    case 'forceReleased':
      return ok({ released: true, previous_holder: answer.previousHolder, token: answer.token });
    case 'notHeld':
      return error(409, 'not_held', `${body.resource} is not held`);
    case 'holderMismatch':
      return error(
        409,
        'holder_mismatch',
        `${body.resource} is held by ${answer.holder}, not the expected holder`,
        { holder: answer.holder },
      );
    case 'invalid':
      return invalid(answer);
    case 'unavailable':
      return unavailable(answer);
  }
}

async function releaseHolder(
  service: LeaseService,
  body: ReleaseHolderBody,
  caller: Caller,
): Promise<ApiAnswer> {
  const answer = await service.releaseHolder(body.holder, actor(caller));
  if (answer.kind === 'unavailable') return unavailable(answer);
  return ok({ released: answer.released, complete: !answer.remaining });
}

async function cleanup(service: LeaseService): Promise<ApiAnswer> {
  const answer = await service.cleanup();
  if (answer.kind === 'unavailable') return unavailable(answer);
  return ok({ expired: answer.expired, history_pruned: answer.pruned, scanned: answer.scanned });
}

async function putConfig(service: LeaseService, body: ConfigBody): Promise<ApiAnswer> {
  const applied = await service.updateSettings(body);
  if (applied.kind === 'invalid') return invalid(applied);
  if (applied.kind === 'unavailable') return unavailable(applied);
  return ok(settingsView(applied.settings));
}

/** Whose renewal limit refused a renewal, as the refusal's message says it. */
const LIMIT_OWNER: Readonly<Record<RenewalLimitOwner, string>> = {
  lease: "the lease's own limit",
  deployment: "the deployment's limit",
};

/** `ttl_seconds` or `ttl_ms`, never both; undefined for the default. */
function ttlOf(body: {
  ttl_seconds?: number;
  ttl_ms?: number;
}): { ms: number; field: string } | undefined | 'both' {
  if (body.ttl_seconds !== undefined && body.ttl_ms !== undefined) return 'both';
  if (body.ttl_seconds !== undefined) return { ms: body.ttl_seconds * 1000, field: 'ttl_seconds' };
  if (body.ttl_ms !== undefined) return { ms: body.ttl_ms, field: 'ttl_ms' };
  return undefined;
}

/** The core names fields as the TypeScript API does; the HTTP API as its JSON bodies do. */
const API_FIELD: Readonly<Record<string, string>> = {
  ttlMs: 'ttl_ms',
  requestId: 'request_id',
  waitMs: 'wait_ms',
  ownerKey: 'owner_key',
  expectedHolder: 'expected_holder',
  maxRenewals: 'max_renewals',
  maxAgeMs: 'max_age_ms',
};

/** A 400 for a refusal of the core (or the service), naming the field as the caller wrote it. */
function invalid(refusal: Invalid, ttlField = 'ttl_ms'): ApiAnswer {
  const field = refusal.field === 'ttlMs' ? ttlField : (API_FIELD[refusal.field] ?? refusal.field);
  const message = refusal.reason.startsWith(refusal.field)
    ? `${field}${refusal.reason.slice(refusal.field.length)}`
    : refusal.reason;
  return error(400, 'invalid', message, { field });
}

function ownerFailure(
  answer: { kind: 'notFound' } | { kind: 'forbidden'; reason: string } | Gone | ServiceUnavailable,
): ApiAnswer {
  switch (answer.kind) {
    case 'notFound':
      return error(404, 'not_found', 'no lease with this lease_id was ever granted');
    case 'forbidden':
      return error(403, 'forbidden', answer.reason);
    case 'gone':
      return gone(answer);
    case 'unavailable':
      return unavailable(answer);
  }
}

const GONE_MESSAGE: Readonly<Record<string, string>> = {
  pastExpiry: 'the lease expired',
  released: 'the lease was released',
  forceReleased: 'the lease was force-released by an admin',
  superseded: 'the lease ended and was granted again since',
};

function gone({ token, reason, holder, lastHolder }: Gone): ApiAnswer {
  const message = `${GONE_MESSAGE[reason] ?? 'the lease ended'}; it is never renewed again`;
  return error(410, 'gone', message, {
    reason,
    token,
    ...(holder === null ? {} : { holder }),
    ...(lastHolder === null ? {} : { last_holder: lastHolder }),
  });
}

function unavailable(answer: ServiceUnavailable): ApiAnswer {
  const floor = answer.tokenFloor === undefined ? {} : { token_floor: answer.tokenFloor };
  return error(503, 'unavailable', answer.reason, floor);
}

function ok(body: unknown): ApiAnswer {
  return { status: 200, body };
}

export function error(
  status: number,
  code: string,
  message: string,
  extra: object = {},
): ApiAnswer {
  return { status, body: { error: code, message, ...extra } };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
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
    max_renewals: lease.maxRenewals,
    max_age_ms: lease.maxAgeMs,
  };
}

function renewBody(lease: LeaseView) {
  return {
    lease_id: lease.leaseId,
    resource: lease.resource,
    holder: lease.holder,
    token: lease.token,
    acquired_at: iso(lease.acquiredAtMs),
    acquired_at_ms: lease.acquiredAtMs,
    expires_at: iso(lease.expiresAtMs),
    expires_at_ms: lease.expiresAtMs,
    ttl_ms: lease.ttlMs,
    renewals: lease.renewals,
    max_renewals: lease.maxRenewals,
    max_age_ms: lease.maxAgeMs,
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
    max_renewals: lease.maxRenewals,
    max_age_ms: lease.maxAgeMs,
    last_holder: lease.lastHolder,
    freed_by: lease.freedBy,
    updated_at: at(lease.updatedAtMs),
  };
}
