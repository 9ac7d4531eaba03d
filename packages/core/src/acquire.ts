import { assert } from './assert.js';
import type { LeaseConfig } from './config.js';
import { invalid } from './invalid.js';
import { RECORD_GRANT_IDS_MAX, TOKEN_MAX } from './limits.js';
import type { GrantMark, HeldRecord, LeaseRecord } from './record.js';
import type { AcquireRequest } from './request.js';
import { assertDecisionInputs, checkAcquireRequest } from './request-checks.js';
import type { AcquireResult, Decision, Expired, LeaseGrant } from './result.js';
import { lockedRecord, retryAfterMs } from './time-rules.js';

/**
 * Acquire, as a pure decision over the record the caller just read. The caller applies `write`
 * with a compare-and-set on the version it read, so two claimants racing on the same record
 * cannot both succeed.
 */
export function decideAcquire(
  record: LeaseRecord | null,
  request: AcquireRequest,
  nowMs: number,
  config: LeaseConfig,
): Decision<AcquireResult> {
  const problem = checkAcquireRequest(request, config);
  if (problem) return { result: problem, write: null };
  assertDecisionInputs(record, request.resource, nowMs);

  if (record !== null) {
    const earlier = record.recentGrants.find((mark) => mark.requestId === request.requestId);
    if (earlier !== undefined) return replayAcquire(record, request, earlier);
  }
  const forgotten = forgottenOutcome(record, request.uncertainToken ?? null);
  if (forgotten !== null) return { result: forgotten, write: null };

  const locked = lockedRecord(record, nowMs, config);
  if (locked !== null) {
    const result = {
      kind: 'held',
      holder: locked.holder,
      token: locked.token,
      expiresAtMs: locked.expiresAtMs,
      retryAfterMs: retryAfterMs(locked.expiresAtMs, nowMs, config),
    } as const;
    return { result, write: null };
  }
  return grant(record, request, nowMs);
}

/** I-8: a request id that already obtained a grant never obtains a second one. */
function replayAcquire(
  record: LeaseRecord,
  request: AcquireRequest,
  earlier: GrantMark,
): Decision<AcquireResult> {
  const current = record.status === 'held' && record.token === earlier.token;
  if (current && (record.holder !== request.holder || record.ownerKey !== request.ownerKey)) {
    return {
      result: invalid(
        'requestId',
        'was already used by a different acquire (holder or ownerKey differ)',
      ),
      write: null,
    };
  }
  if (current)
    return { result: { kind: 'granted', lease: leaseOf(record), replayed: true }, write: null };
  const reason = endedGrantReason(record, earlier.token);
  return { result: { kind: 'expired', token: earlier.token, reason }, write: null };
}

/**
 * I-8 beyond the record's memory: an earlier attempt proposed `uncertainToken` and its outcome is
 * unknown. Every grant from the oldest mark the record keeps onwards is remembered, so a proposal
 * at or above it that is not among the marks was never applied; below it, the record cannot tell,
 * and a second grant could be a double one.
 */
function forgottenOutcome(
  record: LeaseRecord | null,
  uncertainToken: number | null,
): Expired | null {
  if (record === null || uncertainToken === null || uncertainToken > record.token) return null;
  const oldestKept = record.recentGrants[0]?.token ?? record.token + 1;
  if (uncertainToken >= oldestKept) return null;
  return { kind: 'expired', token: uncertainToken, reason: 'superseded' };
}

function grant(
  record: LeaseRecord | null,
  request: AcquireRequest,
  nowMs: number,
): Decision<AcquireResult> {
  const token = (record?.token ?? 0) + 1;
  assert(token <= TOKEN_MAX, 'fencing token would exceed TOKEN_MAX');
  // The newest marks, one fewer than the record keeps, and this grant's.
  const kept = (record?.recentGrants ?? []).slice(1 - RECORD_GRANT_IDS_MAX);
  const recentGrants = [...kept, { requestId: request.requestId, token }];
  const next: HeldRecord = {
    status: 'held',
    resource: request.resource,
    token,
    updatedAtMs: nowMs,
    requestId: request.requestId,
    recentGrants,
    holder: request.holder,
    ownerKey: request.ownerKey,
    ttlMs: request.ttlMs,
    acquiredAtMs: nowMs,
    expiresAtMs: nowMs + request.ttlMs,
    renewals: 0,
    maxRenewals: request.maxRenewals ?? null,
    maxAgeMs: request.maxAgeMs ?? null,
  };
  const event = {
    kind: 'granted',
    resource: request.resource,
    holder: request.holder,
    token,
    atMs: nowMs,
    requestId: request.requestId,
    previousHolder: record !== null && record.status === 'held' ? record.holder : null,
  } as const;
  return {
    result: { kind: 'granted', lease: leaseOf(next), replayed: false },
    write: { record: next, event },
  };
}

/** Why the grant with `token` is no longer current in `record`. */
export function endedGrantReason(record: LeaseRecord, token: number): Expired['reason'] {
  if (record.status === 'held') return 'superseded';
  const freedThisGrant =
    record.token === token || (record.freedBy === 'forceReleased' && record.token === token + 1);
  if (!freedThisGrant) return 'superseded';
  return record.freedBy === 'expired' ? 'pastExpiry' : record.freedBy;
}

export function leaseOf(record: HeldRecord): LeaseGrant {
  return {
    resource: record.resource,
    holder: record.holder,
    token: record.token,
    ownerKey: record.ownerKey,
    ttlMs: record.ttlMs,
    acquiredAtMs: record.acquiredAtMs,
    expiresAtMs: record.expiresAtMs,
    renewals: record.renewals,
    maxRenewals: record.maxRenewals,
    maxAgeMs: record.maxAgeMs,
  };
}
