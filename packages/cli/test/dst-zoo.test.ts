import { ZOO, ZOO_BASES_DEFAULT, ZOO_BUDGET_DEFAULT, ZOO_MARGIN_PCT } from '@leasehold/sim/zoo';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

/**
 * `leasehold dst zoo` exactly as a user runs it (every variant, the default budget and bases):
 * it must exit 0, and every variant must be caught in every base sweep with margin, as one of the
 * invariants it breaks, so a small change to the workload or the faults cannot quietly push a
 * variant past its budget. The canaries: if one is missed, the harness has lost its teeth.
 */
describe('leasehold dst zoo, as printed in the README', () => {
  it('catches every variant in every base sweep, within half the budget', async () => {
    const result = await cli(['dst', 'zoo', '--json']);
    const json = result.json();
    expect(json.budget).toBe(ZOO_BUDGET_DEFAULT);
    expect(json.bases).toBe(ZOO_BASES_DEFAULT);
    expect(json.variants.map((v: { id: string }) => v.id)).toEqual(ZOO.map((v) => v.id));
    const marginSeeds = Math.floor((ZOO_BUDGET_DEFAULT * ZOO_MARGIN_PCT) / 100);
    for (const variant of json.variants as {
      id: string;
      detected: boolean;
      invariant: string;
      expected: string[];
      seedsToDetect: number[];
      firstFailure: { events: number };
      shrunkEvents: number | null;
    }[]) {
      expect(variant.detected, variant.id).toBe(true);
      expect(variant.expected, `${variant.id} reported ${variant.invariant}`).toContain(
        variant.invariant,
      );
      expect(
        Math.max(...variant.seedsToDetect),
        `${variant.id}: seeds to detect per base`,
      ).toBeLessThanOrEqual(marginSeeds);
      // Its first failure was shrunk, to a run no longer than the one it came from.
      expect(variant.shrunkEvents, variant.id).not.toBeNull();
      expect(variant.shrunkEvents!, variant.id).toBeLessThanOrEqual(variant.firstFailure.events);
    }
    // The correct implementation passes the seeds every variant was swept over.
    expect(json.correct.runs).toBeGreaterThan(100);
    expect(json.correct.failures).toEqual([]);
    expect(result.code).toBe(0);
  }, 600_000);
});
