import { assert } from './assert.js';
import { TOKEN_MAX } from './limits.js';
import type { FreeRecord, LeaseRecord } from './record.js';
import type { ForceReleaseRequest } from './request.js';
import { assertDecisionInputs, checkForceReleaseRequest } from './request-checks.js';
import type { Decision, ForceReleaseResult } from './result.js';

/**
 * Admin force-release (a crashed agent's lease). It bumps the token, so the evicted holder's token
 * is stale at once and a fenced resource refuses it after the next holder writes (I-5, I-6).
 * With `expectedHolder`, it only applies while that node still holds the lease.
 */
export function decideForceRelease(
  record: LeaseRecord | null,
  request: ForceReleaseRequest,
  nowMs: number,
): Decision<ForceReleaseResult> {
  const problem = checkForceReleaseRequest(request);
  if (problem) return { result: problem, write: null };
  assertDecisionInputs(record, request.resource, nowMs);

  if (record === null) return { result: { kind: 'notHeld' }, write: null };
  if (record.status === 'free') {
    if (record.freedBy === 'forceReleased' && record.requestId === request.requestId) {
      const result = {
        kind: 'forceReleased',
        previousHolder: record.lastHolder,
        token: record.token,
      } as const;
      return { result, write: null };
    }
    return { result: { kind: 'notHeld' }, write: null };
  }
  if (request.expectedHolder !== null && record.holder !== request.expectedHolder) {
    return { result: { kind: 'notHolder', holder: record.holder }, write: null };
  }
  const token = record.token + 1;
  assert(token <= TOKEN_MAX, 'fencing token would exceed TOKEN_MAX');
  const next: FreeRecord = {
    status: 'free',
    resource: record.resource,
    token,
    updatedAtMs: nowMs,
    requestId: request.requestId,
    recentGrants: record.recentGrants,
    lastHolder: record.holder,
    freedBy: 'forceReleased',
  };
  const event = {
    kind: 'forceReleased',
    resource: record.resource,
    holder: record.holder,
    token,
    atMs: nowMs,
    requestId: request.requestId,
    previousHolder: request.by,
  } as const;
  return {
    result: { kind: 'forceReleased', previousHolder: record.holder, token },
    write: { record: next, event },
  };
}
