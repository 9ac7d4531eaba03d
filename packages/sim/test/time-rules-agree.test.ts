import {
  beliefDurationMs,
  claimable,
  claimableAtMs,
  safetyMarginMsFor,
  type LeaseConfig,
  type LeaseRecord,
} from '@leasehold/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  beliefEndsByTrueMs,
  claimableByAnyoneFromTrueMs,
  claimableOnWall,
  claimFromWallMs,
  marginMsFor,
  type TimeBounds,
} from '../src/checker/time-rules';

/**
 * The checker states the time rules itself (packages/sim/src/checker/time-rules.ts) so that a bug
 * in the core's statement cannot move the check with it. On correct inputs the two must agree;
 * where the checker's rule is a bound on true time, the core's rule must stay inside it.
 */
const settings = fc.record({
  ttlMs: fc.integer({ min: 1, max: 120_000 }),
  graceMs: fc.integer({ min: 0, max: 5_000 }),
  skewMs: fc.integer({ min: 0, max: 2_000 }).map((s) => s - (s % 2)),
  marginMs: fc.integer({ min: 0, max: 1_000 }),
  driftPpm: fc.integer({ min: 0, max: 100_000 }),
});

function configOf(s: {
  ttlMs: number;
  graceMs: number;
  skewMs: number;
  marginMs: number;
  driftPpm: number;
}): LeaseConfig {
  return {
    ttlMsDefault: s.ttlMs,
    ttlMsMin: 1,
    ttlMsMax: 2_147_483_647,
    graceMs: s.graceMs,
    maxClockSkewMs: s.skewMs,
    safetyMarginMs: s.marginMs,
    clockDriftPpmMax: s.driftPpm,
    maxRenewals: null,
  };
}

function boundsOf(s: { graceMs: number; skewMs: number; marginMs: number; driftPpm: number }) {
  const bounds: TimeBounds = {
    graceMs: s.graceMs,
    skewMs: s.skewMs,
    marginMs: s.marginMs,
    driftPpm: s.driftPpm,
  };
  return bounds;
}

function held(expiresAtMs: number, ttlMs: number): LeaseRecord {
  return {
    status: 'held',
    resource: 'r',
    holder: 'a',
    ownerKey: 'k',
    token: 1,
    ttlMs,
    expiresAtMs,
    renewals: 0,
    maxRenewals: null,
    maxAgeMs: null,
    acquiredAtMs: expiresAtMs - ttlMs,
    updatedAtMs: expiresAtMs - ttlMs,
    requestId: 'q',
    recentGrants: [],
  };
}

describe("the checker's time rules agree with the core's on correct inputs", () => {
  it('claimability: the same instant, and the same answer at every wall reading', () => {
    fc.assert(
      fc.property(
        settings,
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: -10_000, max: 10_000 }),
        (s, expiresAtMs, offsetMs) => {
          const config = configOf(s);
          const bounds = boundsOf(s);
          expect(claimFromWallMs(expiresAtMs, bounds)).toBe(claimableAtMs(expiresAtMs, config));
          const record = held(expiresAtMs, s.ttlMs);
          const wallMs = claimableAtMs(expiresAtMs, config) + offsetMs;
          expect(claimableOnWall(record, wallMs, bounds)).toBe(claimable(record, wallMs, config));
          expect(claimableOnWall(null, wallMs, bounds)).toBe(claimable(null, wallMs, config));
        },
      ),
    );
  });

  it('the safety margin: the same for every TTL and drift bound', () => {
    fc.assert(
      fc.property(settings, (s) => {
        expect(marginMsFor(s.ttlMs, boundsOf(s))).toBe(safetyMarginMsFor(s.ttlMs, configOf(s)));
      }),
    );
  });

  it("belief: a holder whose clock runs at any rate within the drift bound stops by the checker's bound", () => {
    fc.assert(
      fc.property(
        settings,
        fc.integer({ min: 0, max: 1e9 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (s, sendTrueMs, rateShare) => {
          const config = configOf(s);
          const beliefMs = beliefDurationMs(s.ttlMs, config);
          fc.pre(beliefMs > 0);
          // The holder's monotonic clock advances `rate` ms per true ms, within the bound.
          const rate = 1 + (rateShare * s.driftPpm) / 1_000_000;
          const beliefEndsTrueMs = sendTrueMs + beliefMs / rate;
          expect(beliefEndsTrueMs).toBeLessThanOrEqual(
            beliefEndsByTrueMs(sendTrueMs, s.ttlMs, boundsOf(s)),
          );
        },
      ),
    );
  });

  it('belief ends before any in-bound clock may claim the lease the same request wrote', () => {
    fc.assert(
      fc.property(
        settings,
        fc.integer({ min: 0, max: 1e9 }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        (s, sendTrueMs, wallShare) => {
          const config = configOf(s);
          fc.pre(beliefDurationMs(s.ttlMs, config) > 0);
          // The writer's wall clock is within half the skew bound of true time when it sends.
          const sendWallMs = Math.round(sendTrueMs + wallShare * s.skewMs);
          const expiresAtMs = sendWallMs + s.ttlMs;
          const bounds = boundsOf(s);
          expect(beliefEndsByTrueMs(sendTrueMs, s.ttlMs, bounds)).toBeLessThanOrEqual(
            claimableByAnyoneFromTrueMs(expiresAtMs, bounds),
          );
        },
      ),
    );
  });
});
