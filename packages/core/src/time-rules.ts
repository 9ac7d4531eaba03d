import { safetyMarginMsFor, type LeaseConfig } from './config.js';
import type { HeldRecord, LeaseRecord } from './record.js';
import type { LeaseGrant } from './result.js';

/**
 * Claimability (spec/README.md, "Claimability and renewal"): a node may take a lease over only
 * when, on its own wall clock, `now >= expiresAtMs + graceMs + maxClockSkewMs`. A missing or free
 * record is claimable.
 */
export function claimable(record: LeaseRecord | null, nowMs: number, config: LeaseConfig): boolean {
  return lockedRecord(record, nowMs, config) === null;
}

/**
 * The record while it holds a lease that is not yet claimable on the observer's wall clock
 * (`nowMs`), else null: the one place the rule is decided, for `claimable` and the acquire
 * decision, which needs the holder it answers with.
 */
export function lockedRecord(
  record: LeaseRecord | null,
  nowMs: number,
  config: LeaseConfig,
): HeldRecord | null {
  if (record === null || record.status === 'free') return null;
  return nowMs >= claimableAtMs(record.expiresAtMs, config) ? null : record;
}

export function claimableAtMs(expiresAtMs: number, config: LeaseConfig): number {
  return expiresAtMs + config.graceMs + config.maxClockSkewMs;
}

/** How long a claimant should wait, on its own clock, before trying again. */
export function retryAfterMs(expiresAtMs: number, nowMs: number, config: LeaseConfig): number {
  return Math.max(0, claimableAtMs(expiresAtMs, config) - nowMs);
}

/**
 * Belief (spec/README.md, "Why belief is safe"): how long, on the holder's monotonic clock and
 * counted from when it *sent* the successful request, the holder may act as the owner.
 */
export function beliefDurationMs(ttlMs: number, config: LeaseConfig): number {
  return ttlMs - safetyMarginMsFor(ttlMs, config);
}

/** The monotonic instant at which a holder must stop using the lease. */
export function beliefEndsAtMonoMs(sendMonoMs: number, ttlMs: number, config: LeaseConfig): number {
  return sendMonoMs + beliefDurationMs(ttlMs, config);
}

/**
 * Belief kept across processes of one machine, which share no monotonic clock (an agent's
 * commands, each a process of its own): counted on the wall clock from the *send* of the
 * successful request, shortened by the skew bound as well, since a wall clock may be stepped by up
 * to that much between the two readings.
 */
export function beliefEndsAtWallMs(sendWallMs: number, ttlMs: number, config: LeaseConfig): number {
  return sendWallMs + beliefDurationMs(ttlMs, config) - config.maxClockSkewMs;
}

/**
 * Belief for a grant whose send time is unknown (an idempotent replay across calls): derived from
 * the record's wall-clock expiry, shortened by the skew bound and the margin, so it still ends
 * before any in-bound claimant's clock makes the lease claimable.
 */
export function beliefEndsAtMonoFromWallMs(
  expiresAtMs: number,
  ttlMs: number,
  wallNowMs: number,
  monoNowMs: number,
  config: LeaseConfig,
): number {
  const leftMs = expiresAtMs - wallNowMs - config.maxClockSkewMs - safetyMarginMsFor(ttlMs, config);
  return monoNowMs + Math.max(0, Math.min(leftMs, beliefDurationMs(ttlMs, config)));
}

/**
 * Belief in a grant or renewal whose send is known: counted from the send
 * (`beliefEndsAtMonoMs`), unless the lease expires at its maximum age (`acquiredAtMs +
 * maxAgeMs`). A renewal capped there extends the lease by less than its TTL, by how much only the
 * deciding wall clock knew (the service's, for an HTTP client), so the belief is bounded by the
 * record's wall-clock expiry too, as for a send time unknown (`beliefEndsAtMonoFromWallMs`, with
 * both clocks read together at any instant after the send).
 */
export function beliefEndsAtMonoForGrantMs(
  grant: Pick<LeaseGrant, 'ttlMs' | 'acquiredAtMs' | 'expiresAtMs' | 'maxAgeMs'>,
  sendMonoMs: number,
  wallNowMs: number,
  monoNowMs: number,
  config: LeaseConfig,
): number {
  const fromSend = beliefEndsAtMonoMs(sendMonoMs, grant.ttlMs, config);
  if (grant.maxAgeMs === null || grant.expiresAtMs < grant.acquiredAtMs + grant.maxAgeMs)
    return fromSend;
  const fromWall = beliefEndsAtMonoFromWallMs(
    grant.expiresAtMs,
    grant.ttlMs,
    wallNowMs,
    monoNowMs,
    config,
  );
  return Math.min(fromSend, fromWall);
}
