import { violation, type InvariantViolation, type LeaseRecord } from '@leasehold/core';
import { sameRecord } from './ledger.js';

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
 * I-3, second half: a request the store refused (conflict, failure, down) or a read left the
 * record and its version exactly as they were.
 */
export function checkUnchanged(
  what: string,
  before: LeaseRecord | null,
  after: LeaseRecord | null,
  versionBefore: number,
  versionAfter: number,
): InvariantViolation | null {
  if (versionBefore === versionAfter && sameRecord(before, after)) return null;
  return violation(
    'I-3',
    `${what} changed the record (version ${versionBefore} -> ${versionAfter})`,
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
