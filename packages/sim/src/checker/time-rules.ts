import type { LeaseRecord } from '@leasehold/core';
import { LATENCY_MS_BASE_MAX, PPM, PROBE_ROUND_TRIPS_MAX } from '../limits.js';

/**
 * The checker's own statement of the time rules, written from spec/Lease.tla and spec/README.md
 * ("Why belief is safe", "Claimability and renewal"), and deliberately not imported from
 * `@leasehold/core`: a bug in the core's rule must not move the check along with it. A property
 * test (packages/sim/test/time-rules-agree.test.ts) checks that the two statements agree on correct
 * inputs.
 */
export interface TimeBounds {
  readonly graceMs: number;
  /** Any two wall clocks differ by at most this; each stays within half of it of true time. */
  readonly skewMs: number;
  /** The configured margin; the drift allowance may make the effective margin larger. */
  readonly marginMs: number;
  /** Bound on any clock's rate error, parts per million. */
  readonly driftPpm: number;
}

/**
 * Claimability (spec/README.md, "Claimability and renewal"; spec `ClaimableBySpec`): on a
 * claimant's own wall clock, a held lease may be taken over from
 * `expiresAtMs + graceMs + maxClockSkewMs` on.
 */
export function claimFromWallMs(expiresAtMs: number, bounds: TimeBounds): number {
  return expiresAtMs + bounds.graceMs + bounds.skewMs;
}

export function claimableOnWall(
  record: LeaseRecord | null,
  wallMs: number,
  bounds: TimeBounds,
): boolean {
  if (record === null || record.status !== 'held') return true;
  return wallMs >= claimFromWallMs(record.expiresAtMs, bounds);
}

/**
 * The first true instant at which some in-bound clock could make `record` claimable: every wall
 * clock stays within half the skew bound of true time, so the fastest reads `trueMs + skew / 2`.
 */
export function claimableByAnyoneFromTrueMs(expiresAtMs: number, bounds: TimeBounds): number {
  return claimFromWallMs(expiresAtMs, bounds) - bounds.skewMs / 2;
}

/**
 * The margin a holder must keep (spec/README.md, "Why belief is safe": the margin covers drift over
 * the TTL): the configured margin, and at least twice the drift over the TTL (the holder's clock
 * may run slow while a claimant's runs fast).
 */
export function marginMsFor(ttlMs: number, bounds: TimeBounds): number {
  return Math.max(bounds.marginMs, Math.ceil((2 * ttlMs * bounds.driftPpm) / PPM));
}

/**
 * Belief (spec/README.md, "Why belief is safe"): a holder believes only until `send + ttl - margin`
 * on its monotonic clock, counted from when it sent the request that succeeded. A monotonic clock
 * that runs slow by the full drift bound reaches that reading last, so the first true instant at
 * which the belief must have ended is `send + ceil((ttl - margin) / (1 - drift))`. Believing at or
 * after this instant is a violation, whatever the implementation's own arithmetic.
 */
export function beliefEndsByTrueMs(sendTrueMs: number, ttlMs: number, bounds: TimeBounds): number {
  const beliefMs = ttlMs - marginMsFor(ttlMs, bounds);
  return sendTrueMs + Math.ceil((beliefMs * PPM) / (PPM - bounds.driftPpm));
}

/**
 * Liveness (I-4, second half): once faults heal, a node waiting for a lease gets it within this
 * long of the later of the heal and the lease's last claimable point (as the checker computes it
 * from the writes it saw). The allowance covers the round trips a healed store needs and nothing
 * else: waiting beyond it is needless.
 */
export function probeAllowanceMs(): number {
  return PROBE_ROUND_TRIPS_MAX * 2 * LATENCY_MS_BASE_MAX;
}

/**
 * The same allowance for a waiter served by the lease service: each round trip is two hops more
 * (agent to replica and back), and the replica waits on its own monotonic clock, which may run
 * slow by the drift bound over the wait (`waitedMs`, from the heal to the claimable point).
 */
export function serviceProbeAllowanceMs(waitedMs: number, bounds: TimeBounds): number {
  const stretchMs = Math.ceil((Math.max(0, waitedMs) * bounds.driftPpm) / (PPM - bounds.driftPpm));
  return 2 * probeAllowanceMs() + stretchMs;
}

/**
 * How long a grant or renewal decided at `wallMs` on the deciding clock runs (spec/README.md,
 * "Claimability and renewal"): its TTL, cut short where the lease's maximum age ends (its start
 * plus `maxAgeMs`, as the store's record of the grant holds them): a renewal is capped there. The
 * claimable point of the write counts from this, not from the TTL asked for.
 */
export function grantedMsFor(ttlMs: number, wallMs: number, grant: LeaseRecord | null): number {
  if (grant === null || grant.status !== 'held' || grant.maxAgeMs === null) return ttlMs;
  if (!Number.isFinite(wallMs)) return ttlMs;
  return Math.min(ttlMs, grant.acquiredAtMs + grant.maxAgeMs - wallMs);
}

/**
 * Belief in a write whose expiry is not `send + ttl` (a renewal capped at the lease's maximum age,
 * which only the deciding clock could measure): the holder counts it from the record's wall-clock
 * expiry (spec/README.md, "Why belief is safe" step 6: the skew bound and the margin taken off),
 * so it must have ended by the first true instant at which the slowest in-bound wall clock (half
 * the skew bound behind true time) reads `expiresAtMs - margin`, stretched by the drift bound over
 * what is left of the TTL (the holder measures it on its monotonic clock).
 */
export function beliefEndsByExpiryTrueMs(
  expiresAtMs: number,
  ttlMs: number,
  bounds: TimeBounds,
): number {
  const marginMs = marginMsFor(ttlMs, bounds);
  const stretchMs = Math.ceil(((ttlMs - marginMs) * bounds.driftPpm) / (PPM - bounds.driftPpm));
  return expiresAtMs + bounds.skewMs / 2 - marginMs + stretchMs;
}
