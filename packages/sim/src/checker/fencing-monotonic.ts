import { violation, type InvariantViolation, type LeaseRecord } from '@leasehold/core';

/** A write that hands the lease to a (possibly the same) node under a new grant. */
export function isNewGrant(before: LeaseRecord | null, after: LeaseRecord): boolean {
  if (after.status !== 'held') return false;
  if (before === null || before.status !== 'held') return true;
  return before.token !== after.token || before.holder !== after.holder;
}

/**
 * I-5 FencingMonotonic, for one applied write: the record's token never goes down, and every new
 * grant carries a token above every token the store ever held for the resource (`tokenMax`, which
 * keeps counting across releases, expiries, force-releases, crashes and forgotten commits).
 */
export function checkFencingMonotonic(
  before: LeaseRecord | null,
  after: LeaseRecord,
  tokenMax: number,
): InvariantViolation | null {
  const tokenBefore = before?.token ?? 0;
  if (after.token < tokenBefore) {
    return violation(
      'I-5',
      `token of ${JSON.stringify(after.resource)} went down from ${tokenBefore} to ${after.token}`,
    );
  }
  if (isNewGrant(before, after) && after.token <= tokenMax) {
    return violation(
      'I-5',
      `grant of ${JSON.stringify(after.resource)} to ${after.status === 'held' ? after.holder : '?'} has token ${after.token}, not above ${tokenMax} issued before`,
    );
  }
  return null;
}

/** I-5, for an acquire that wrote a held record without a new grant (it kept the token). */
export function checkAcquireRaisedToken(
  writer: string,
  before: LeaseRecord | null,
  after: LeaseRecord,
): InvariantViolation | null {
  if (isNewGrant(before, after)) return null;
  return violation(
    'I-5',
    `acquire by ${writer} of ${JSON.stringify(after.resource)} wrote the lease again with token ${after.token} instead of a new grant`,
  );
}

/** I-5, for a force-release: it must raise the token, so the evicted holder's token is stale. */
export function checkForceReleaseRaisedToken(
  before: LeaseRecord,
  after: LeaseRecord,
): InvariantViolation | null {
  if (after.token > before.token) return null;
  return violation(
    'I-5',
    `force-release of ${JSON.stringify(after.resource)} kept token ${after.token}: the evicted holder's token is not stale`,
  );
}
