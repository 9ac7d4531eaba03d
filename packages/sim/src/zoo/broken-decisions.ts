import {
  decideAcquire,
  decideRelease,
  decideRenew,
  leaseOf,
  type FreeRecord,
  type HeldRecord,
  type LeaseRecord,
} from '@leasehold/core';

/*
 * Deliberately broken lease decisions for the bug zoo. Each is the real decision from
 * `@leasehold/core` with one classic mistake; they are never exported from the package's main
 * entry (see '@leasehold/sim/zoo').
 */

/** Z2: release frees the lease whoever asks (no holder, token or owner-key check). */
export const releaseWithoutOwnerCheck: typeof decideRelease = (record, request, nowMs) => {
  if (record === null || record.status !== 'held') return decideRelease(record, request, nowMs);
  const owner = {
    ...request,
    holder: record.holder,
    token: record.token,
    ownerKey: record.ownerKey,
  };
  return decideRelease(record, owner, nowMs);
};

/** Z3: renew by the holder succeeds even after expiry (no expiry check), resurrecting the lease. */
export const renewWithoutExpiryCheck: typeof decideRenew = (record, request, nowMs, config) => {
  const owned =
    record !== null &&
    record.status === 'held' &&
    record.holder === request.holder &&
    record.token === request.token &&
    record.ownerKey === request.ownerKey &&
    record.requestId !== request.requestId;
  if (!owned || nowMs < record.expiresAtMs) return decideRenew(record, request, nowMs, config);
  return renewWrite(record, request.holder, request.token, request.requestId, request.ttlMs, nowMs);
};

/** Z8: renew succeeds for anyone while the lease is unexpired (no holder or token check). */
export const renewByNonHolder: typeof decideRenew = (record, request, nowMs, config) => {
  if (record === null || record.status !== 'held' || nowMs >= record.expiresAtMs) {
    return decideRenew(record, request, nowMs, config);
  }
  if (record.holder === request.holder && record.token === request.token) {
    return decideRenew(record, request, nowMs, config);
  }
  return renewWrite(record, request.holder, request.token, request.requestId, request.ttlMs, nowMs);
};

function renewWrite(
  record: HeldRecord,
  requester: string,
  token: number,
  requestId: string,
  ttlMs: number,
  nowMs: number,
) {
  const next: HeldRecord = {
    ...record,
    updatedAtMs: nowMs,
    requestId,
    ttlMs,
    expiresAtMs: nowMs + ttlMs,
    renewals: record.renewals + 1,
  };
  const event = {
    kind: 'renewed',
    resource: record.resource,
    holder: requester,
    token,
    atMs: nowMs,
    requestId,
    previousHolder: null,
  } as const;
  return {
    result: { kind: 'renewed', lease: leaseOf(next), replayed: false } as const,
    write: { record: next, event },
  };
}

/** Z5: a grant keeps the record's token instead of raising it. */
export const acquireWithoutTokenBump: typeof decideAcquire = (record, request, nowMs, config) => {
  const decision = decideAcquire(record, request, nowMs, config);
  if (decision.write === null || decision.write.record.status !== 'held') return decision;
  const token = Math.max(1, record?.token ?? 1);
  const next = { ...decision.write.record, token };
  const lease = { ...leaseOf(next) };
  return {
    result: { kind: 'granted', lease, replayed: false },
    write: { record: next, event: { ...decision.write.event, token } },
  };
};

/**
 * Z6: no idempotency: a retry is not recognised as the request that already won, and a holder
 * asking again is simply granted again (so a retry after a lost reply grants twice).
 */
export const acquireWithoutIdempotency: typeof decideAcquire = (record, given, nowMs, config) => {
  const request = { ...given, uncertainToken: null };
  if (record === null) return decideAcquire(record, request, nowMs, config);
  const forgotten: LeaseRecord = { ...record, recentGrants: [] };
  if (forgotten.status === 'held' && forgotten.holder === request.holder) {
    const asFree: FreeRecord = {
      status: 'free',
      resource: forgotten.resource,
      token: forgotten.token,
      updatedAtMs: forgotten.updatedAtMs,
      requestId: forgotten.requestId,
      recentGrants: [],
      lastHolder: forgotten.holder,
      freedBy: 'released',
    };
    return decideAcquire(asFree, request, nowMs, config);
  }
  return decideAcquire(forgotten, request, nowMs, config);
};

/** Z7: the claimant takes over at `expiresAtMs` on its own clock (no grace, no skew allowance). */
export const acquireIgnoringGraceAndSkew: typeof decideAcquire = (record, request, nowMs, config) =>
  decideAcquire(record, request, nowMs, { ...config, graceMs: 0, maxClockSkewMs: 0 });
