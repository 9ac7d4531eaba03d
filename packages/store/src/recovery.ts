import {
  assert,
  TTL_MS_LIMIT_MIN,
  type HeldRecord,
  type HistoryEvent,
  type LeaseRecord,
} from '@leasehold/core';
import { CEILING_STEP } from './limits.js';

/**
 * Recovery after lost commits: the pure rules a store follows when it acknowledges commits before
 * they are on disk (SQLite with synchronous=normal; the simulator's power-loss fault models it).
 *
 * Power loss or a kernel crash may forget a store's last unsynced commits; what survives is a
 * prefix of the commits. A forgotten grant is dangerous twice over: its holder may still believe
 * it holds the lease (I-1), its token would be issued again (I-5, I-6), and its record version
 * too, so a compare-and-set decided on the forgotten record could still apply. Durable ceilings and
 * one rule close all three:
 *
 * - Every issued token stays at or below the token ceiling, every record version at or below the
 *   version ceiling, and every TTL granted or renewed since the last synced commit at or below the
 *   TTL ceiling. A commit that would exceed a ceiling raises it in the same commit and is synced,
 *   which also makes every commit before it durable.
 * - After commits may have been lost, before anything else, every resource is handed to
 *   RECOVERY_HOLDER with a token and a version above their ceilings, for the TTL ceiling and at
 *   least until its surviving lease expires (the quarantine). Resources without a record read as
 *   the same quarantine, at the same version.
 *
 * So every token and version issued after a recovery is above every one issued before it, lost or
 * not (the version jump of FoundationDB's recovery): a write decided before the loss is a
 * conflict. And no one is granted anything until every lease granted before the loss has expired
 * by the usual claim rule (the lease wait of Chubby's master fail-over). An operator may end one
 * resource's quarantine early with a force-release.
 */

/** Holds every resource during a quarantine; never a real client (its owner key is secret). */
export const RECOVERY_HOLDER = 'leasehold:recovery';

/** What a recovery handed out: the token and the lease that every resource is held under. */
export interface RecoveryMark {
  readonly token: number;
  /** The version of every record after the quarantine (absent ones read at it too). */
  readonly version: number;
  readonly atMs: number;
  readonly ttlMs: number;
}

/**
 * Durable bounds. Every token and record version ever issued is at or below its ceiling. The TTL
 * ceiling bounds the TTL of every grant or renewal committed since the last synced commit; that
 * is all a power loss can forget, since a synced commit makes every commit before it durable.
 */
export interface Ceilings {
  readonly tokenCeiling: number;
  readonly versionCeiling: number;
  readonly ttlCeilingMs: number;
}

export const NO_CEILINGS: Ceilings = Object.freeze({
  tokenCeiling: 0,
  versionCeiling: 0,
  ttlCeilingMs: 0,
});

/**
 * True when writing `record` at `version` would go above a ceiling: it must raise it, synced. A
 * store shared by several writers compares with the ceilings read in the same write transaction
 * (the TTL ceiling may go down, so a copy read earlier is not a bound).
 */
export function exceedsCeilings(record: LeaseRecord, version: number, ceilings: Ceilings): boolean {
  return (
    record.token > ceilings.tokenCeiling ||
    version > ceilings.versionCeiling ||
    (record.status === 'held' && record.ttlMs > ceilings.ttlCeilingMs)
  );
}

/**
 * The ceilings after `record` is written at `version` in a synced commit. Token and version
 * ceilings are raised `step` above what they must cover, so only one write in `step` is synced.
 * The TTL ceiling is raised to a longer TTL; and when the token or version ceiling moves, it is
 * set to this record's TTL (0 for a free record), which may lower it: every earlier grant is
 * durable once this commit is, so one long lease long ago does not lengthen every later
 * quarantine.
 */
export function raisedCeilings(
  ceilings: Ceilings,
  record: LeaseRecord,
  version: number,
  step: number = CEILING_STEP,
): Ceilings {
  const stepped = record.token > ceilings.tokenCeiling || version > ceilings.versionCeiling;
  const ttlMs = record.status === 'held' ? record.ttlMs : 0;
  return {
    tokenCeiling:
      record.token > ceilings.tokenCeiling ? record.token + step : ceilings.tokenCeiling,
    versionCeiling: version > ceilings.versionCeiling ? version + step : ceilings.versionCeiling,
    ttlCeilingMs: stepped ? ttlMs : Math.max(ceilings.ttlCeilingMs, ttlMs),
  };
}

/**
 * The quarantine of a recovery at `atMs`: a token and a version above their ceilings and above
 * every surviving record (`highest`), for the TTL ceiling (the longest TTL a forgotten grant or
 * renewal can have had).
 */
export function recoveryMark(
  ceilings: Ceilings,
  highest: { readonly token: number; readonly version: number },
  atMs: number,
): RecoveryMark {
  return {
    token: Math.max(ceilings.tokenCeiling, highest.token) + 1,
    version: Math.max(ceilings.versionCeiling, highest.version) + 1,
    atMs,
    ttlMs: Math.max(ceilings.ttlCeilingMs, TTL_MS_LIMIT_MIN),
  };
}

/** How a store chooses its quarantine after lost commits (`recoveryMark`, unless a test breaks it). */
export type RecoveryRule = typeof recoveryMark;

/** The ceilings once a recovery has issued `mark`. */
export function ceilingsAfterRecovery(
  ceilings: Ceilings,
  mark: RecoveryMark,
  step: number = CEILING_STEP,
): Ceilings {
  return {
    tokenCeiling: mark.token + step,
    versionCeiling: mark.version + step,
    ttlCeilingMs: Math.max(ceilings.ttlCeilingMs, mark.ttlMs),
  };
}

/**
 * The record a quarantine puts in place of `current` (null: a resource with no record). It lasts
 * the mark's TTL, and at least until a surviving lease's own expiry (that lease may have been
 * granted before the TTL ceiling last went down). The grant marks of `current` are kept, so an
 * acquire retried after the recovery is still recognised (I-8). `ownerKey` must be a secret, so
 * that no client can renew or release the quarantine.
 */
export function quarantineRecord(
  resource: string,
  current: LeaseRecord | null,
  mark: RecoveryMark,
  ownerKey: string,
): HeldRecord {
  assert(current === null || mark.token > current.token, 'I-5: a quarantine raises the token');
  const expiresAtMs = Math.max(
    mark.atMs + mark.ttlMs,
    current?.status === 'held' ? current.expiresAtMs : Number.NEGATIVE_INFINITY,
  );
  return {
    status: 'held',
    resource,
    token: mark.token,
    updatedAtMs: mark.atMs,
    requestId: `leasehold-recovery-${mark.token}`,
    recentGrants: current?.recentGrants ?? [],
    holder: RECOVERY_HOLDER,
    ownerKey,
    ttlMs: expiresAtMs - mark.atMs,
    acquiredAtMs: mark.atMs,
    expiresAtMs,
    renewals: 0,
    maxRenewals: null,
    maxAgeMs: null,
  };
}

/** The history event of a quarantine: a grant to RECOVERY_HOLDER over whoever held the record. */
export function quarantineEvent(next: HeldRecord, current: LeaseRecord | null): HistoryEvent {
  return {
    kind: 'granted',
    resource: next.resource,
    holder: next.holder,
    token: next.token,
    atMs: next.acquiredAtMs,
    requestId: next.requestId,
    previousHolder: current?.status === 'held' ? current.holder : null,
  };
}
