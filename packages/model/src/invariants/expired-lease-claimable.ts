import { specClaimable } from './spec-time.js';
import {
  violation,
  type InvariantViolation,
  type LeaseConfig,
  type LeaseRecord,
} from '@leasehold/core';

/**
 * I-4 ExpiredLeaseClaimable (safety half): an acquire that read a record claimable on the
 * claimant's own wall clock was not answered `held`.
 */
export function checkExpiredLeaseClaimable(
  recordSeen: LeaseRecord | null,
  claimantWallMs: number,
  resultKind: string,
  config: LeaseConfig,
): InvariantViolation | null {
  if (resultKind !== 'held' || !specClaimable(recordSeen, claimantWallMs, config)) return null;
  const expiry =
    recordSeen !== null && recordSeen.status === 'held' ? recordSeen.expiresAtMs : 'none';
  return violation(
    'I-4',
    `acquire was refused as held at wall ${claimantWallMs} although the lease (expiry ${expiry}) was claimable`,
  );
}

/**
 * I-4 (liveness half): once faults have healed, a node that waits for a lease gets it within
 * `ttlMs + graceMs + maxClockSkewMs + slackMs` of true time. `slackMs` is the stated allowance
 * for scheduling and retries.
 */
export function livenessBoundMs(ttlMs: number, slackMs: number, config: LeaseConfig): number {
  return ttlMs + config.graceMs + config.maxClockSkewMs + slackMs;
}

export function checkAcquiredWithin(
  resource: string,
  waitedMs: number,
  boundMs: number,
): InvariantViolation | null {
  if (waitedMs <= boundMs) return null;
  return violation(
    'I-4',
    `a node waited ${waitedMs} ms for ${JSON.stringify(resource)} after faults healed; the bound is ${boundMs} ms`,
  );
}
