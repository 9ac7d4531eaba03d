import {
  beliefDurationMs,
  beliefEndsAtMonoForGrantMs,
  beliefEndsAtMonoFromWallMs,
  beliefEndsAtMonoMs,
  claimable,
  safetyMarginMsFor,
} from '@leasehold/core';
import { describe, expect, it } from 'vitest';
import { config, DEFAULT_CONFIG, held, released, T0 } from './fixtures';

describe('time rules', () => {
  it('I-4: claimable exactly from expiresAtMs + graceMs + maxClockSkewMs on the claimant clock', () => {
    const record = held('a');
    expect(claimable(record, T0 + 1_149, config)).toBe(false);
    expect(claimable(record, T0 + 1_150, config)).toBe(true);
    expect(claimable(null, T0, config)).toBe(true);
    expect(claimable(released(record, T0 + 1), T0 + 2, config)).toBe(true);
  });

  it('I-1 I-2: belief ends ttl minus the safety margin after the send time, on the monotonic clock', () => {
    expect(safetyMarginMsFor(1_000, config)).toBe(20);
    expect(beliefDurationMs(1_000, config)).toBe(980);
    expect(beliefEndsAtMonoMs(5_000, 1_000, config)).toBe(5_980);
  });

  it('I-1 I-2: the margin grows to cover drift over long TTLs (2 x drift x ttl)', () => {
    // 5 min at 1000 ppm drift: 2 * 0.001 * 300000 = 600 ms, above the 250 ms floor.
    expect(safetyMarginMsFor(300_000, DEFAULT_CONFIG)).toBe(600);
    // 24 h: 2 * 0.001 * 86400000 = 172800 ms.
    expect(safetyMarginMsFor(86_400_000, DEFAULT_CONFIG)).toBe(172_800);
  });

  it('I-1: a belief ends before any in-bound claimant can take over, at the extremes of drift', () => {
    // Holder sends at true 0; its monotonic clock runs slow by the full drift bound, the
    // claimant's wall clock runs fast by it and leads by the full skew bound.
    const ttlMs = 60_000;
    const rho = config.clockDriftPpmMax / 1_000_000;
    const beliefEndTrueMs = beliefDurationMs(ttlMs, config) / (1 - rho);
    const expiresAtMs = ttlMs; // holder wall read 0 at send
    const claimantReadsAt = (trueMs: number) => config.maxClockSkewMs + trueMs * (1 + rho);
    const firstClaimTrueMs = (expiresAtMs + config.graceMs) / (1 + rho); // solve claimantReadsAt(t) = claimable point
    expect(claimantReadsAt(firstClaimTrueMs)).toBeCloseTo(
      expiresAtMs + config.graceMs + config.maxClockSkewMs,
    );
    expect(beliefEndTrueMs).toBeLessThan(firstClaimTrueMs);
  });

  it('I-2: the wall-clock fallback belief is shortened by skew and margin and never exceeds the TTL belief', () => {
    expect(beliefEndsAtMonoFromWallMs(T0 + 1_000, 1_000, T0 + 400, 7_000, config)).toBe(
      7_000 + 1_000 - 400 - 50 - 20,
    );
    expect(beliefEndsAtMonoFromWallMs(T0 + 1_000, 1_000, T0 - 5_000, 7_000, config)).toBe(
      7_000 + 980,
    );
    expect(beliefEndsAtMonoFromWallMs(T0 + 1_000, 1_000, T0 + 990, 7_000, config)).toBe(7_000);
  });

  it('I-2: a renewal capped at the max age is believed no longer than the wall-clock bound of its expiry', () => {
    const grant = { ttlMs: 1_000, acquiredAtMs: T0, maxAgeMs: 1_500 };
    // Not at the cap: counted from the send, as any grant.
    expect(
      beliefEndsAtMonoForGrantMs(
        { ...grant, expiresAtMs: T0 + 1_400 },
        7_000,
        T0 + 400,
        7_100,
        config,
      ),
    ).toBe(7_000 + 980);
    // Capped at T0 + 1_500, decided at wall T0 + 1_200 (mono 7_000): 300 ms left, less skew and
    // margin, not the TTL's 980 ms.
    expect(
      beliefEndsAtMonoForGrantMs(
        { ...grant, expiresAtMs: T0 + 1_500 },
        7_000,
        T0 + 1_200,
        7_000,
        config,
      ),
    ).toBe(7_000 + 300 - 50 - 20);
    // Without a max age: the send rule alone.
    expect(
      beliefEndsAtMonoForGrantMs(
        { ...grant, maxAgeMs: null, expiresAtMs: T0 + 1_500 },
        7_000,
        T0 + 1_200,
        7_000,
        config,
      ),
    ).toBe(7_000 + 980);
  });
});
