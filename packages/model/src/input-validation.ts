import type { LeaseConfig } from '@leasehold/core';
import type { Op } from '@leasehold/step';
import {
  DOCUMENTED_LEASE_AGE_MS_MAX,
  DOCUMENTED_LEASE_RENEWALS_MAX,
  DOCUMENTED_REQUEST_ID_BYTES_MAX,
  DOCUMENTED_RESOURCE_BYTES_MAX,
} from './limits.js';

/**
 * One input of an operation that breaks a documented limit (README "Limits"; `@leasehold/core`
 * limits and the configuration's TTL range), and the limit a reason must name (null where there
 * is no number to name: empty, not UTF-8, not a whole number).
 */
export interface InvalidInput {
  readonly field: 'resource' | 'ttlMs' | 'requestId' | 'maxRenewals' | 'maxAgeMs';
  readonly limit: number | null;
}

/**
 * The inputs of `op` that break a documented limit, judged on their own: byte lengths are counted
 * here with the platform's UTF-8 encoder, not with the implementation's counter. The client must
 * answer such an operation `invalid` without calling the store, with a reason that names the
 * field and the limit (CONSTRAINTS.md C-3).
 */
export function invalidInputs(op: Op, config: LeaseConfig): readonly InvalidInput[] {
  const found: InvalidInput[] = [];
  const resource = nameProblem(op.resource, DOCUMENTED_RESOURCE_BYTES_MAX);
  if (resource !== undefined) found.push({ field: 'resource', limit: resource });
  if ((op.kind === 'acquire' || op.kind === 'renew') && op.ttlMs !== null) {
    const ttl = op.ttlMs;
    if (!Number.isInteger(ttl)) found.push({ field: 'ttlMs', limit: null });
    else if (ttl < config.ttlMsMin) found.push({ field: 'ttlMs', limit: config.ttlMsMin });
    else if (ttl > config.ttlMsMax) found.push({ field: 'ttlMs', limit: config.ttlMsMax });
  }
  if (op.requestId !== null) {
    const requestId = nameProblem(op.requestId, DOCUMENTED_REQUEST_ID_BYTES_MAX);
    if (requestId !== undefined) found.push({ field: 'requestId', limit: requestId });
  }
  if (op.kind === 'acquire') found.push(...limitProblems(op));
  return found;
}

/**
 * A lease's own limits, given at acquire: a renewal count from 0 to DOCUMENTED_LEASE_RENEWALS_MAX, and a
 * maximum age of whole milliseconds from the lease's TTL (when that is valid, else from 1) to
 * DOCUMENTED_LEASE_AGE_MS_MAX.
 */
function limitProblems(op: Op): InvalidInput[] {
  const found: InvalidInput[] = [];
  const renewals = op.maxRenewals;
  if (renewals !== undefined) {
    if (!Number.isInteger(renewals)) found.push({ field: 'maxRenewals', limit: null });
    else if (renewals < 0) found.push({ field: 'maxRenewals', limit: 0 });
    else if (renewals > DOCUMENTED_LEASE_RENEWALS_MAX)
      found.push({ field: 'maxRenewals', limit: DOCUMENTED_LEASE_RENEWALS_MAX });
  }
  const age = op.maxAgeMs;
  if (age !== undefined) {
    const ttl = op.ttlMs;
    if (!Number.isInteger(age)) found.push({ field: 'maxAgeMs', limit: null });
    else if (age < 1) found.push({ field: 'maxAgeMs', limit: 1 });
    else if (age > DOCUMENTED_LEASE_AGE_MS_MAX)
      found.push({ field: 'maxAgeMs', limit: DOCUMENTED_LEASE_AGE_MS_MAX });
    else if (ttl !== null && Number.isInteger(ttl) && age < ttl)
      found.push({ field: 'maxAgeMs', limit: ttl });
  }
  return found;
}

/**
 * Undefined for a non-empty string of well-formed UTF-16 whose UTF-8 encoding is at most
 * `bytesMax` bytes; otherwise the limit it breaks (null for empty or not well-formed).
 */
function nameProblem(text: string, bytesMax: number): number | null | undefined {
  if (text.length === 0 || !text.isWellFormed()) return null;
  return Buffer.byteLength(text, 'utf8') > bytesMax ? bytesMax : undefined;
}

/**
 * Why the answer to `op` breaks the input rule, or null: an operation with an invalid input is
 * answered `invalid` naming one of its invalid fields (and that field's limit, in the reason),
 * and makes no store call; a valid one is never answered `invalid`.
 */
export function inputProblem(
  op: Op,
  result: string,
  invalid: { readonly field: string; readonly reason: string } | null,
  calls: number,
  config: LeaseConfig,
): string | null {
  const inputs = invalidInputs(op, config);
  if (inputs.length === 0) {
    return result === 'invalid'
      ? `a valid ${op.kind} was answered invalid (${invalid?.reason ?? 'no reason'})`
      : null;
  }
  const which = inputs.map((i) => i.field).join(', ');
  if (calls > 0) return `a ${op.kind} with an invalid ${which} reached the store (${calls} calls)`;
  if (result !== 'invalid' || invalid === null)
    return `a ${op.kind} with an invalid ${which} was answered ${result}`;
  const input = inputs.find((i) => i.field === invalid.field);
  if (input === undefined)
    return `a ${op.kind} with an invalid ${which} was answered invalid naming ${invalid.field}`;
  if (!invalid.reason.includes(input.field))
    return `the reason "${invalid.reason}" does not name the field ${input.field}`;
  if (input.limit !== null && !invalid.reason.includes(String(input.limit)))
    return `the reason "${invalid.reason}" does not name the limit ${input.limit} of ${input.field}`;
  return null;
}
