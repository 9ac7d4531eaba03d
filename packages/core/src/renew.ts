import { endedGrantReason, leaseOf } from './acquire.js';
import { assert } from './assert.js';
import type { LeaseConfig } from './config.js';
import type { HeldRecord, LeaseRecord } from './record.js';
import type { RenewRequest } from './request.js';
import { assertDecisionInputs, checkRenewRequest } from './request-checks.js';
import type { Decision, RenewResult } from './result.js';

/**
 * Renew: only the current holder, presenting the current token and owner key, before expiry on
 * its own clock (I-3, I-7). A renew never revives a released, force-released or expired lease,
 * and never moves the expiry earlier: it extends the lease to `now + ttl` or leaves it.
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
  if (config.maxRenewals !== null && record.renewals >= config.maxRenewals) {
    const result = {
      kind: 'maxRenewalsReached',
      renewals: record.renewals,
      maxRenewals: config.maxRenewals,
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
    expiresAtMs: Math.max(record.expiresAtMs, nowMs + request.ttlMs),
    renewals: record.renewals + 1,
  };
  assert(next.token === record.token, 'I-3: a renewal keeps the token');
  assert(next.holder === record.holder, 'I-3: a renewal keeps the holder');
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
