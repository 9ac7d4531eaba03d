import { endedGrantReason, leaseOf } from './acquire.js';
import type { LeaseConfig } from './config.js';
import type { HeldRecord, LeaseRecord } from './record.js';
import type { RenewRequest } from './request.js';
import { assertDecisionInputs, checkRenewRequest } from './request-checks.js';
import type { Decision, LeaseGrant, RenewalLimitOwner, RenewResult } from './result.js';

/**
 * Renew: only the current holder, presenting the current token and owner key, before expiry on
 * its own clock (I-3, I-7), within the lease's renewal limit (the tighter of its own and the
 * deployment's). A renew never revives a released, force-released or expired lease, and never
 * moves the expiry earlier: it extends the lease to `now + ttl`, capped at the lease's maximum
 * age (`acquiredAtMs + maxAgeMs`), or leaves it.
 */
export function decideRenew(
  record: LeaseRecord | null,
  request: RenewRequest,
  nowMs: number,
  config: LeaseConfig,
): Decision<RenewResult> {
  const problem = checkRenewRequest(request, config);
  if (problem) return { result: problem, write: null };
  assertDecisionInputs(record, request.resource, nowMs);

  if (record === null) return { result: { kind: 'notHolder', holder: null }, write: null };
  if (record.status === 'free') {
    if (record.lastHolder !== request.holder || record.token < request.token) {
      return { result: { kind: 'notHolder', holder: null }, write: null };
    }
    const reason = endedGrantReason(record, request.token);
    return { result: { kind: 'expired', token: request.token, reason }, write: null };
  }
  if (record.holder !== request.holder) {
    return { result: { kind: 'notHolder', holder: record.holder }, write: null };
  }
  if (record.token !== request.token || record.ownerKey !== request.ownerKey) {
    if (request.token < record.token) {
      return {
        result: { kind: 'expired', token: request.token, reason: 'superseded' },
        write: null,
      };
    }
    return { result: { kind: 'notHolder', holder: record.holder }, write: null };
  }
  return renewOwned(record, request, nowMs, config);
}

function renewOwned(
  record: HeldRecord,
  request: RenewRequest,
  nowMs: number,
  config: LeaseConfig,
): Decision<RenewResult> {
  if (record.requestId === request.requestId) {
    return { result: { kind: 'renewed', lease: leaseOf(record), replayed: true }, write: null };
  }
  if (nowMs >= record.expiresAtMs) {
    return { result: { kind: 'expired', token: record.token, reason: 'pastExpiry' }, write: null };
  }
  const limit = renewalLimit(record, config);
  if (limit !== null && record.renewals >= limit.maxRenewals) {
    const result = {
      kind: 'maxRenewalsReached',
      renewals: record.renewals,
      maxRenewals: limit.maxRenewals,
      limit: limit.owner,
    } as const;
    return { result, write: null };
  }
  // Spelled out rather than spread: V8 gives every record the same shape, which keeps the
  // decision path monomorphic (bench:core).
  const next: HeldRecord = {
    status: 'held',
    resource: record.resource,
    token: record.token,
    updatedAtMs: nowMs,
    requestId: request.requestId,
    recentGrants: record.recentGrants,
    holder: record.holder,
    ownerKey: record.ownerKey,
    ttlMs: request.ttlMs,
    acquiredAtMs: record.acquiredAtMs,
    // Never earlier than the expiry it replaces: a renewal with a shorter TTL lands while the
    // holder still believes its earlier grant, which was counted against the later expiry (I-2).
    // Never past the lease's maximum age: a grant never expires past it, so the cap never makes
    // the expiry earlier either.
    expiresAtMs: Math.max(
      record.expiresAtMs,
      Math.min(nowMs + request.ttlMs, maxAgeEndsAtMs(record) ?? Number.POSITIVE_INFINITY),
    ),
    renewals: record.renewals + 1,
    maxRenewals: record.maxRenewals,
    maxAgeMs: record.maxAgeMs,
  };
  const event = {
    kind: 'renewed',
    resource: record.resource,
    holder: record.holder,
    token: record.token,
    atMs: nowMs,
    requestId: request.requestId,
    previousHolder: null,
  } as const;
  return {
    result: { kind: 'renewed', lease: leaseOf(next), replayed: false },
    write: { record: next, event },
  };
}

/**
 * The renewal limit of a lease: the tighter of its own (given at acquire) and the deployment's,
 * and whose it is (the lease's on a tie: the one its holder asked for); null when neither is set.
 * A lease's own limit can only tighten the deployment's, never widen it.
 */
export function renewalLimit(
  record: Pick<HeldRecord, 'maxRenewals'>,
  config: Pick<LeaseConfig, 'maxRenewals'>,
): { readonly maxRenewals: number; readonly owner: RenewalLimitOwner } | null {
  const own = record.maxRenewals;
  const deployment = config.maxRenewals;
  if (own !== null && (deployment === null || own <= deployment))
    return { maxRenewals: own, owner: 'lease' };
  return deployment === null ? null : { maxRenewals: deployment, owner: 'deployment' };
}

/** The latest expiry a renewal may write, `acquiredAtMs + maxAgeMs`; null without a maximum age. */
export function maxAgeEndsAtMs(
  lease: Pick<LeaseGrant, 'acquiredAtMs' | 'maxAgeMs'>,
): number | null {
  return lease.maxAgeMs === null ? null : lease.acquiredAtMs + lease.maxAgeMs;
}
