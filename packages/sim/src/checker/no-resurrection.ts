import { violation, type InvariantViolation, type LeaseRecord } from '@leasehold/core';

/**
 * I-7 NoResurrection, for one applied renewal: the record it replaced still held the grant being
 * renewed (not released, force-released, expired, or superseded), and the renewer's own wall
 * clock when it sent the request (the world read it) was before that record's expiry. Messages
 * give wall times since the run started (`epochMs`).
 */
export function checkNoResurrection(
  writer: string,
  before: LeaseRecord | null,
  leaseToken: number | null,
  writerWallMs: number,
  epochMs: number,
): InvariantViolation | null {
  const what = `renew of ${before === null ? 'a lease' : JSON.stringify(before.resource)} by ${writer}`;
  if (before === null) return violation('I-7', `${what} succeeded on a lease that never existed`);
  if (before.status === 'free') {
    return violation(
      'I-7',
      `${what} succeeded on a lease that was ${before.freedBy} (token ${before.token})`,
    );
  }
  if (leaseToken !== null && leaseToken < before.token) {
    return violation(
      'I-7',
      `${what} for token ${leaseToken} succeeded after the lease was granted again (token ${before.token})`,
    );
  }
  if (writerWallMs >= before.expiresAtMs) {
    return violation(
      'I-7',
      `${what} sent at ${writerWallMs - epochMs} ms on its wall clock succeeded at or after the lease's expiry at ${before.expiresAtMs - epochMs} ms (token ${before.token}, ttl ${before.ttlMs} ms)`,
    );
  }
  return null;
}
