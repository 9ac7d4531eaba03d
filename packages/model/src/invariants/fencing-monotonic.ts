import { violation, type InvariantViolation, type LeaseRecord } from '@leasehold/core';

/** A write that hands the lease to a (possibly same) node under a new grant. */
export function isNewGrant(before: LeaseRecord | null, after: LeaseRecord): boolean {
  if (after.status !== 'held') return false;
  if (before === null || before.status === 'free') return true;
  return (
    before.token !== after.token ||
    before.holder !== after.holder ||
    before.acquiredAtMs !== after.acquiredAtMs
  );
}

/**
 * I-5 FencingMonotonic, for one applied write: the record's token never goes down, and every new
 * grant carries a token above every token granted before for that resource (`tokenGrantedMax`).
 */
export function checkFencingMonotonic(
  before: LeaseRecord | null,
  after: LeaseRecord,
  tokenGrantedMax: number,
): InvariantViolation | null {
  const tokenBefore = before?.token ?? 0;
  if (after.token < tokenBefore) {
    return violation(
      'I-5',
      `token of ${JSON.stringify(after.resource)} went down from ${tokenBefore} to ${after.token}`,
    );
  }
  if (isNewGrant(before, after) && after.token <= tokenGrantedMax) {
    return violation(
      'I-5',
      `grant of ${JSON.stringify(after.resource)} to ${after.status === 'held' ? after.holder : '?'} has token ${after.token}, not above ${tokenGrantedMax} already granted`,
    );
  }
  return null;
}
