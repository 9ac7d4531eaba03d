import {
  violation,
  type InvariantViolation,
  type LeaseConfig,
  type LeaseRecord,
  type HistoryEvent,
} from '@leasehold/core';
import { specClaimAtMs } from './spec-time.js';

/**
 * I-3 RenewalRequiresOwnership, for one applied renewal: the requester (`event.holder`) was the
 * holder with the current token in the record the write replaced, and the write kept both.
 */
export function checkRenewalOwnership(
  before: LeaseRecord | null,
  after: LeaseRecord | null,
  event: HistoryEvent,
): InvariantViolation | null {
  const who = `renew of ${JSON.stringify(event.resource)} by ${event.holder} with token ${event.token}`;
  if (before === null || before.status !== 'held') {
    return violation('I-3', `${who} applied while nobody held it`);
  }
  if (before.holder !== event.holder) {
    return violation('I-3', `${who} applied while ${before.holder} held it`);
  }
  if (before.token !== event.token) {
    return violation('I-3', `${who} applied while the current token was ${before.token}`);
  }
  if (
    after === null ||
    after.status !== 'held' ||
    after.holder !== before.holder ||
    after.token !== before.token
  ) {
    return violation('I-3', `${who} changed the holder or token`);
  }
  return null;
}

/**
 * I-3, for a cleanup (spec: `Expire(d)`): it freed a lease that was held and claimable on the
 * wall clock it decided on (`clock`, reading `wallMs`; the spec's claimability rule).
 */
export function checkExpireClaimable(
  clock: string,
  before: LeaseRecord | null,
  wallMs: number,
  config: LeaseConfig,
): InvariantViolation | null {
  const who = `expire decided on ${clock}'s clock`;
  if (before === null || before.status !== 'held') {
    return violation('I-3', `${who} applied while nobody held the lease`);
  }
  const atMs = specClaimAtMs(before.expiresAtMs, config);
  if (wallMs >= atMs) return null;
  return violation(
    'I-3',
    `${who} applied at wall ${wallMs} on its clock, before the lease of ${JSON.stringify(before.resource)} was claimable (from ${atMs})`,
  );
}

/**
 * I-3, for an admin force-release that names the holder it expects (spec: `ForceRelease(e)`,
 * `e` a node): it applied only to that holder's lease. `expectedHolder` null: the admin named none.
 */
export function checkForceReleaseCondition(
  expectedHolder: string | null,
  before: LeaseRecord | null,
): InvariantViolation | null {
  if (expectedHolder === null) return null;
  const who = `force-release expecting ${expectedHolder}`;
  if (before === null || before.status !== 'held') {
    return violation('I-3', `${who} applied while nobody held the lease`);
  }
  if (before.holder === expectedHolder) return null;
  return violation(
    'I-3',
    `${who} applied while ${before.holder} held ${JSON.stringify(before.resource)}`,
  );
}

/** I-3, second half: a mutation that reported failure left the record exactly as it was. */
export function checkFailedMutationUnchanged(
  operation: string,
  before: LeaseRecord | null,
  after: LeaseRecord | null,
): InvariantViolation | null {
  if (sameRecord(before, after)) return null;
  return violation('I-3', `${operation} reported failure but changed the record`);
}

export function sameRecord(a: LeaseRecord | null, b: LeaseRecord | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
