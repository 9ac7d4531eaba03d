import type { LeaseConfig } from './config.js';
import { invalid, type Invalid } from './invalid.js';
import {
  HOLDER_BYTES_MAX,
  LEASE_AGE_MS_LIMIT_MAX,
  OWNER_KEY_BYTES_MAX,
  RENEWALS_LIMIT_MAX,
  REQUEST_ID_BYTES_MAX,
  RESOURCE_BYTES_MAX,
} from './limits.js';
import type { LeaseRecord } from './record.js';
import { AssertionError } from './assert.js';
import type {
  AcquireRequest,
  ExpireRequest,
  ForceReleaseRequest,
  ReleaseRequest,
  RenewRequest,
} from './request.js';
import { checkInteger, checkIntegerMs, checkName, checkToken } from './validate.js';

/* Requests come from users (possibly plain JavaScript), so every field is checked as unknown. */

export function checkResource(value: unknown): Invalid | null {
  return checkName('resource', value, RESOURCE_BYTES_MAX);
}

export function checkHolder(value: unknown, field = 'holder'): Invalid | null {
  return checkName(field, value, HOLDER_BYTES_MAX);
}

export function checkRequestId(value: unknown): Invalid | null {
  return checkName('requestId', value, REQUEST_ID_BYTES_MAX);
}

export function checkTtlMs(value: unknown, config: LeaseConfig): Invalid | null {
  return checkIntegerMs('ttlMs', value, config.ttlMsMin, config.ttlMsMax);
}

export function checkAcquireRequest(request: AcquireRequest, config: LeaseConfig): Invalid | null {
  return (
    checkResource(request.resource) ??
    checkHolder(request.holder) ??
    checkRequestId(request.requestId) ??
    checkName('ownerKey', request.ownerKey, OWNER_KEY_BYTES_MAX) ??
    checkTtlMs(request.ttlMs, config) ??
    (request.uncertainToken === undefined || request.uncertainToken === null
      ? null
      : checkToken('uncertainToken', request.uncertainToken)) ??
    checkLeaseLimits(request)
  );
}

/**
 * A lease's own limits, given at acquire: a renewal count from 0, and a maximum age no shorter
 * than the TTL the lease is granted for (a grant never expires past it, so no grant is capped).
 */
export function checkLeaseLimits(request: {
  readonly ttlMs: number;
  readonly maxRenewals?: unknown;
  readonly maxAgeMs?: unknown;
}): Invalid | null {
  const { maxRenewals, maxAgeMs } = request;
  const renewals =
    maxRenewals === undefined || maxRenewals === null
      ? null
      : checkInteger('maxRenewals', maxRenewals, 0, RENEWALS_LIMIT_MAX);
  if (renewals !== null || maxAgeMs === undefined || maxAgeMs === null) return renewals;
  const age = checkIntegerMs('maxAgeMs', maxAgeMs, 1, LEASE_AGE_MS_LIMIT_MAX);
  if (age !== null) return age;
  if ((maxAgeMs as number) >= request.ttlMs) return null;
  return invalid(
    'maxAgeMs',
    `must be at least the lease's TTL (${request.ttlMs} ms) (got ${String(maxAgeMs)})`,
  );
}

export function checkRenewRequest(request: RenewRequest, config: LeaseConfig): Invalid | null {
  return checkOwnerRequest(request) ?? checkTtlMs(request.ttlMs, config);
}

export function checkReleaseRequest(request: ReleaseRequest): Invalid | null {
  return checkOwnerRequest(request);
}

function checkOwnerRequest(request: ReleaseRequest): Invalid | null {
  return (
    checkResource(request.resource) ??
    checkHolder(request.holder) ??
    checkToken('token', request.token) ??
    checkName('ownerKey', request.ownerKey, OWNER_KEY_BYTES_MAX) ??
    checkName('requestId', request.requestId, REQUEST_ID_BYTES_MAX)
  );
}

export function checkForceReleaseRequest(request: ForceReleaseRequest): Invalid | null {
  return (
    checkResource(request.resource) ??
    (request.expectedHolder === null
      ? null
      : checkHolder(request.expectedHolder, 'expectedHolder')) ??
    checkRequestId(request.requestId) ??
    checkHolder(request.by, 'by')
  );
}

export function checkExpireRequest(request: ExpireRequest): Invalid | null {
  return (
    checkResource(request.resource) ??
    checkName('requestId', request.requestId, REQUEST_ID_BYTES_MAX)
  );
}

/** The clock is ours, not the user's: a bad reading is a programmer error. */
export function assertDecisionInputs(
  record: LeaseRecord | null,
  resource: string,
  nowMs: number,
): void {
  // Plain `if`s, not assert(): messages are built only on failure (this is the hot path).
  if (!Number.isSafeInteger(nowMs)) fail(`nowMs must be a safe integer (got ${nowMs})`);
  if (record === null) return;
  if (record.resource !== resource) fail(`record for ${record.resource} passed for ${resource}`);
  if (!(record.token >= 1)) fail(`record token must be >= 1 (got ${record.token})`);
}

function fail(message: string): never {
  throw new AssertionError(message);
}
