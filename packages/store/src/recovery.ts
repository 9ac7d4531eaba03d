import {
  assert,
  TTL_MS_LIMIT_MIN,
  type HeldRecord,
  type HistoryEvent,
  type LeaseRecord,
} from '@leasehold/core';
import { CEILING_STEP } from './limits';

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
 *   version ceiling, and every granted TTL at or below the TTL ceiling. A commit that would exceed
 *   a ceiling raises it in the same commit and is synced, which also makes every commit before it
 *   durable.
 * - After commits may have been lost, before anything else, every resource is handed to
 *   RECOVERY_HOLDER with a token and a version above their ceilings, for the TTL ceiling (the
 *   quarantine). Resources without a record read as the same quarantine, at the same version.
 *
 * So every token and version issued after a recovery is above every one issued before it, lost or
 * not (the version jump of FoundationDB's recovery): a write decided before the loss is a
 * conflict. And no one is granted anything until every lease
 * granted before the loss has expired by the usual claim rule (the lease wait of Chubby's master
 * fail-over). An operator may end one resource's quarantine early with a force-release.
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

/** Bounds on every token and TTL a store has issued, kept durable. */
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

/** True when writing `record` at `version` would go above a ceiling: it must raise it, synced. */
export function exceedsCeilings(record: LeaseRecord, version: number, ceilings: Ceilings): boolean {
  return (
    record.token > ceilings.tokenCeiling ||
    version > ceilings.versionCeiling ||
    (record.status === 'held' && record.ttlMs > ceilings.ttlCeilingMs)
  );
}

/** The ceilings after `record` is written at `version`: raised where it would exceed them. */
export function raisedCeilings(ceilings: Ceilings, record: LeaseRecord, version: number): Ceilings {
  return {
    tokenCeiling:
      record.token > ceilings.tokenCeiling ? record.token + CEILING_STEP : ceilings.tokenCeiling,
    versionCeiling:
      version > ceilings.versionCeiling ? version + CEILING_STEP : ceilings.versionCeiling,
    ttlCeilingMs:
      record.status === 'held'
        ? Math.max(ceilings.ttlCeilingMs, record.ttlMs)
        : ceilings.ttlCeilingMs,
  };
}

/**
 * The quarantine of a recovery at `atMs`: a token and a version above their ceilings and above
 * every surviving record (`highest`), for the longest TTL ever granted.
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
export function ceilingsAfterRecovery(ceilings: Ceilings, mark: RecoveryMark): Ceilings {
  return {
    tokenCeiling: mark.token + CEILING_STEP,
    versionCeiling: mark.version + CEILING_STEP,
    ttlCeilingMs: Math.max(ceilings.ttlCeilingMs, mark.ttlMs),
  };
}

/**
 * The record a quarantine puts in place of `current` (null: a resource with no record). The grant
 * marks of `current` are kept, so an acquire retried after the recovery is still recognised (I-8).
 * `ownerKey` must be a secret, so that no client can renew or release the quarantine.
 */
export function quarantineRecord(
  resource: string,
  current: LeaseRecord | null,
  mark: RecoveryMark,
  ownerKey: string,
): HeldRecord {
  assert(current === null || mark.token > current.token, 'I-5: a quarantine raises the token');
  return {
    status: 'held',
    resource,
    token: mark.token,
    updatedAtMs: mark.atMs,
    requestId: `leasehold-recovery-${mark.token}`,
    recentGrants: current?.recentGrants ?? [],
    holder: RECOVERY_HOLDER,
    ownerKey,
    ttlMs: mark.ttlMs,
    acquiredAtMs: mark.atMs,
    expiresAtMs: mark.atMs + mark.ttlMs,
    renewals: 0,
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
