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
 * keeps counting across releases, expiries, force-releases, crashes and forgotten commits). A
 * write by an acquire is a grant whatever it looks like (`byAcquire`): one that kept the holder's
 * token would hand out a lease a fenced resource cannot tell from the old one.
 */
export function checkFencingMonotonic(
  before: LeaseRecord | null,
  after: LeaseRecord,
  tokenMax: number,
  byAcquire = false,
): InvariantViolation | null {
  const tokenBefore = before?.token ?? 0;
  if (after.token < tokenBefore) {
    return violation(
      'I-5',
      `token of ${JSON.stringify(after.resource)} went down from ${tokenBefore} to ${after.token}`,
    );
  }
  if (
    (byAcquire || isNewGrant(before, after)) &&
    after.status === 'held' &&
    after.token <= tokenMax
  ) {
    return violation(
      'I-5',
      `grant of ${JSON.stringify(after.resource)} to ${after.status === 'held' ? after.holder : '?'} has token ${after.token}, not above ${tokenMax} issued before`,
    );
  }
  return null;
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
