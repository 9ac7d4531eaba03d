import type { FreeRecord, LeaseRecord } from './record.js';
import type { ReleaseRequest } from './request.js';
import { assertDecisionInputs, checkReleaseRequest } from './request-checks.js';
import type { Decision, ReleaseResult } from './result.js';

/**
 * Release: owner-checked (holder, token and owner key). The record stays, with its token, so the
 * next grant gets a higher one (I-5). Releasing a lease that already ended for this holder, with
 * its token, is answered `released` without a write, which makes release safe to retry.
 */
export function decideRelease(
  record: LeaseRecord | null,
  request: ReleaseRequest,
  nowMs: number,
): Decision<ReleaseResult> {
  const problem = checkReleaseRequest(request);
  if (problem) return { result: problem, write: null };
  assertDecisionInputs(record, request.resource, nowMs);

  if (record === null) return { result: { kind: 'notHolder', holder: null }, write: null };
  if (record.status === 'free') {
    if (record.lastHolder === request.holder && record.token === request.token) {
      return { result: { kind: 'released', token: record.token, replayed: true }, write: null };
    }
    return { result: { kind: 'notHolder', holder: null }, write: null };
  }
  const owned =
    record.holder === request.holder &&
    record.token === request.token &&
    record.ownerKey === request.ownerKey;
  if (!owned) return { result: { kind: 'notHolder', holder: record.holder }, write: null };

  const next: FreeRecord = {
    status: 'free',
    resource: record.resource,
    token: record.token,
    updatedAtMs: nowMs,
    requestId: request.requestId,
    recentGrants: record.recentGrants,
    lastHolder: record.holder,
    freedBy: 'released',
  };
  const event = {
    kind: 'released',
    resource: record.resource,
    holder: record.holder,
    token: record.token,
    atMs: nowMs,
    requestId: request.requestId,
    previousHolder: null,
  } as const;
  return {
    result: { kind: 'released', token: record.token, replayed: false },
    write: { record: next, event },
  };
}
