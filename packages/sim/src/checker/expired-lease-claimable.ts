import { violation, type InvariantViolation, type LeaseRecord } from '@leasehold/core';
import { claimableOnWall, claimFromWallMs, type TimeBounds } from './time-rules.js';

/**
 * I-4 ExpiredLeaseClaimable (safety half): an acquire answered `held` although the record the
 * node last read (and decided on) was claimable on its own wall clock at that instant. Messages
 * give wall times since `epochMs` (the run's start; 0 for real clocks).
 */
export function checkHeldAnswer(
  node: string,
  seen: LeaseRecord | null,
  wallMs: number,
  bounds: TimeBounds,
  epochMs: number,
): InvariantViolation | null {
  if (!claimableOnWall(seen, wallMs, bounds)) return null;
  const what =
    seen === null || seen.status !== 'held'
      ? 'nobody held it'
      : `it was claimable from ${claimFromWallMs(seen.expiresAtMs, bounds) - epochMs} ms (its expiry at ${seen.expiresAtMs - epochMs} ms, ttl ${seen.ttlMs} ms)`;
  return violation(
    'I-4',
    `acquire by ${node} was answered held at ${wallMs - epochMs} ms on its wall clock, but ${what} on its own clock`,
  );
}

/**
 * I-4 (liveness half): once faults healed, a waiting node got the lease within the bound (the
 * later of the heal and the lease's last claimable point, plus the healed store's round trips).
 */
export function checkProbeWait(
  node: string,
  resource: string,
  result: string,
  atMs: number,
  boundMs: number,
): InvariantViolation | null {
  if (result === 'granted' && atMs <= boundMs) return null;
  const what =
    result === 'granted' ? `got it only at ${atMs} ms` : `was answered ${result} at ${atMs} ms`;
  return violation(
    'I-4',
    `after faults healed, ${node} waiting for ${JSON.stringify(resource)} ${what}; the bound is ${boundMs} ms`,
  );
}
