import {
  violation,
  type InvariantViolation,
  type LeaseRecord,
  type HistoryEvent,
} from '@leasehold/core';

/**
 * I-7 NoResurrection, for one applied renewal: the record it replaced was still held under the
 * renewed token, and the renewer's own clock (`event.atMs`) was before that record's expiry.
 */
export function checkNoResurrection(
  before: LeaseRecord | null,
  event: HistoryEvent,
): InvariantViolation | null {
  const what = `renew of ${JSON.stringify(event.resource)} token ${event.token} by ${event.holder}`;
  if (before === null) return violation('I-7', `${what} succeeded on a lease that never existed`);
  if (before.status === 'free') {
    return violation('I-7', `${what} succeeded on a lease that was ${before.freedBy}`);
  }
  if (before.token !== event.token) {
    return violation(
      'I-7',
      `${what} succeeded after the lease was granted again (token ${before.token})`,
    );
  }
  if (event.atMs >= before.expiresAtMs) {
    return violation(
      'I-7',
      `${what} succeeded at ${event.atMs}, at or after its expiry ${before.expiresAtMs}`,
    );
  }
  return null;
}
