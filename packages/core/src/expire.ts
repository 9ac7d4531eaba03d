import type { LeaseConfig } from './config.js';
import type { FreeRecord, LeaseRecord } from './record.js';
import type { ExpireRequest } from './request.js';
import { assertDecisionInputs, checkExpireRequest } from './request-checks.js';
import type { Decision, ExpireResult } from './result.js';
import { claimable, retryAfterMs } from './time-rules.js';

/**
 * Cleanup of one lease past its claimable point: marks it free with `freedBy: 'expired'` so
 * listings and history show it ended. The token is kept; the next grant raises it.
 */
export function decideExpire(
  record: LeaseRecord | null,
  request: ExpireRequest,
  nowMs: number,
  config: LeaseConfig,
): Decision<ExpireResult> {
  const problem = checkExpireRequest(request);
  if (problem) return { result: problem, write: null };
  assertDecisionInputs(record, request.resource, nowMs);
  if (record === null || record.status === 'free')
    return { result: { kind: 'notHeld' }, write: null };
  if (!claimable(record, nowMs, config)) {
    const result = {
      kind: 'held',
      holder: record.holder,
      token: record.token,
      expiresAtMs: record.expiresAtMs,
      retryAfterMs: retryAfterMs(record.expiresAtMs, nowMs, config),
    } as const;
    return { result, write: null };
  }
  const next: FreeRecord = {
    status: 'free',
    resource: record.resource,
    token: record.token,
    updatedAtMs: nowMs,
    requestId: request.requestId,
    recentGrants: record.recentGrants,
    lastHolder: record.holder,
    freedBy: 'expired',
  };
  const event = {
    kind: 'expired',
    resource: record.resource,
    holder: record.holder,
    token: record.token,
    atMs: nowMs,
    requestId: request.requestId,
    previousHolder: null,
  } as const;
  return { result: { kind: 'expiredNow', token: record.token }, write: { record: next, event } };
}
