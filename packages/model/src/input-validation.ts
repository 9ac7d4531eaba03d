import { REQUEST_ID_BYTES_MAX, RESOURCE_BYTES_MAX, type LeaseConfig } from '@leasehold/core';
import type { Op } from '@leasehold/step';

/**
 * The inputs of `op` that break a documented limit (README "Limits"; `@leasehold/core` limits
 * and the configuration's TTL range), judged on their own: the byte length is counted here with
 * the platform's UTF-8 encoder, not with the implementation's counter. The client must answer
 * such an operation `invalid`, naming one of these fields, without calling the store.
 */
export function invalidFields(op: Op, config: LeaseConfig): readonly string[] {
  const fields: string[] = [];
  if (!nameWithin(op.resource, RESOURCE_BYTES_MAX)) fields.push('resource');
  if ((op.kind === 'acquire' || op.kind === 'renew') && op.ttlMs !== null) {
    const ttl = op.ttlMs;
    if (!Number.isInteger(ttl) || ttl < config.ttlMsMin || ttl > config.ttlMsMax)
      fields.push('ttlMs');
  }
  if (op.requestId !== null && !nameWithin(op.requestId, REQUEST_ID_BYTES_MAX))
    fields.push('requestId');
  return fields;
}

const ENCODER = new TextEncoder();

/** A non-empty string of well-formed UTF-16 whose UTF-8 encoding is at most `bytesMax` bytes. */
function nameWithin(text: string, bytesMax: number): boolean {
  return text.length > 0 && text.isWellFormed() && ENCODER.encode(text).length <= bytesMax;
}

/**
 * Why the answer to `op` breaks the input rule, or null: an operation with an invalid input is
 * answered `invalid` naming one of its invalid fields, and makes no store call; a valid one is
 * never answered `invalid`.
 */
export function inputProblem(
  op: Op,
  result: string,
  field: string | null,
  calls: number,
  config: LeaseConfig,
): string | null {
  const fields = invalidFields(op, config);
  if (fields.length === 0) {
    return result === 'invalid'
      ? `a valid ${op.kind} was answered invalid (naming ${field ?? 'no field'})`
      : null;
  }
  const which = fields.join(', ');
  if (calls > 0) return `a ${op.kind} with an invalid ${which} reached the store (${calls} calls)`;
  if (result !== 'invalid') return `a ${op.kind} with an invalid ${which} was answered ${result}`;
  if (field === null || !fields.includes(field))
    return `a ${op.kind} with an invalid ${which} was answered invalid naming ${field ?? 'no field'}`;
  return null;
}
