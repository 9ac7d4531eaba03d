import { violation, type InvariantViolation, type LeaseRecord } from '@leasehold/core';
import { sameRecord } from './ledger.js';
import { claimableOnWall, claimFromWallMs, type TimeBounds } from './time-rules.js';

/**
 * I-3 RenewalRequiresOwnership, for one applied write that extended a held lease: the node whose
 * call applied it (the world knows which) was the holder, acting on the current grant (the token
 * its own acquire obtained, when the workload knows it), and the write kept holder and token.
 */
export function checkRenewalOwnership(
  writer: string,
  leaseToken: number | null,
  before: LeaseRecord | null,
  after: LeaseRecord,
): InvariantViolation | null {
  const who = `renew of ${JSON.stringify(after.resource)} by ${writer}`;
  if (before === null || before.status !== 'held') {
    return violation('I-3', `${who} applied while nobody held it`);
  }
  if (before.holder !== writer) {
    return violation('I-3', `${who} applied while ${before.holder} held it`);
  }
  if (leaseToken !== null && leaseToken !== before.token) {
    return violation(
      'I-3',
      `${who} for its grant with token ${leaseToken} applied to the grant with token ${before.token}`,
    );
  }
  if (after.status !== 'held' || after.holder !== before.holder || after.token !== before.token) {
    return violation('I-3', `${who} changed the holder or token`);
  }
  return null;
}

/**
 * The store's contract for a request it refused (conflict, failure, down) or a read: the record
 * and its version stay exactly as they were. A breach is the store's, not a client's (no client
 * asked for it), so it is reported as a broken store contract; null when nothing changed.
 */
export function unchangedProblem(
  what: string,
  before: LeaseRecord | null,
  after: LeaseRecord | null,
  versionBefore: number,
  versionAfter: number,
): string | null {
  if (versionBefore === versionAfter && sameRecord(before, after)) return null;
  return `${what} changed the record (version ${versionBefore} -> ${versionAfter})`;
}

/**
 * I-3, second half, for a release: only the holder, of its own current grant (the token its own
 * acquire obtained, when the workload knows it), frees a lease; any other release must fail and
 * change nothing.
 */
export function checkReleaseOwnership(
  writer: string,
  leaseToken: number | null,
  before: LeaseRecord & { status: 'held' },
): InvariantViolation | null {
  const who = `release of ${JSON.stringify(before.resource)} by ${writer}`;
  if (before.holder !== writer) {
    return violation('I-3', `${who} applied while ${before.holder} held it`);
  }
  if (leaseToken !== null && leaseToken !== before.token) {
    return violation(
      'I-3',
      `${who} for its grant with token ${leaseToken} freed the grant with token ${before.token}`,
    );
  }
  return null;
}

/**
 * I-3, second half, for a cleanup (expire): it frees a lease only once it is claimable on the
 * expirer's own clock (the checker's rule, `time-rules.ts`); before that it must fail and change
 * nothing.
 */
export function checkExpireClaimable(
  writer: string,
  before: LeaseRecord & { status: 'held' },
  wallMs: number,
  bounds: TimeBounds,
  epochMs: number,
): InvariantViolation | null {
  if (!Number.isFinite(wallMs) || claimableOnWall(before, wallMs, bounds)) return null;
  return violation(
    'I-3',
    `expire of ${JSON.stringify(before.resource)} by ${writer} applied at ${wallMs - epochMs} ms on its clock, before the lease was claimable (from ${claimFromWallMs(before.expiresAtMs, bounds) - epochMs} ms: expiry ${before.expiresAtMs - epochMs} ms + grace ${bounds.graceMs} + skew ${bounds.skewMs})`,
  );
}

/**
 * I-3, second half, for an admin force-release that names the holder it expects: when another
 * node held the lease, the mutation had to fail, so it must not have changed anything.
 */
export function checkForceReleaseCondition(
  expectedHolder: string | null,
  before: LeaseRecord | null,
): InvariantViolation | null {
  if (expectedHolder === null || before === null || before.status !== 'held') return null;
  if (before.holder === expectedHolder) return null;
  return violation(
    'I-3',
    `force-release of ${JSON.stringify(before.resource)} expecting ${expectedHolder} applied while ${before.holder} held it`,
  );
}
