import type { LeaseConfig } from './config.js';
import type { Invalid } from './invalid.js';
import {
  HOLDER_BYTES_MAX,
  OWNER_KEY_BYTES_MAX,
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
import { checkIntegerMs, checkName, checkToken } from './validate.js';

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
      : checkToken('uncertainToken', request.uncertainToken))
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
