import {
  findScenario,
  runSeed,
  singleRemovals,
  type RunResult,
  type RunShape,
} from '@leasehold/sim';
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
      firstFailure: { events: number; ops: number };
      shrunkEvents: number | null;
      shrunkOps: number | null;
      shrunkMinimal: boolean | null;
      shrunk: ShrunkJson;
    }[]) {
      expect(variant.detected, variant.id).toBe(true);
      expect(variant.expected, `${variant.id} reported ${variant.invariant}`).toContain(
        variant.invariant,
      );
      expect(
        Math.max(...variant.seedsToDetect),
        `${variant.id}: seeds to detect per base`,
      ).toBeLessThanOrEqual(marginSeeds);
      // Its first failure was shrunk, to a run of no more operations than the one it came from
      // (taking one away may leave a few more trace lines: another node's timing, say).
      expect(variant.shrunkEvents, variant.id).not.toBeNull();
      expect(variant.shrunkOps!, variant.id).toBeLessThanOrEqual(variant.firstFailure.ops);
      // 1-minimal, and small: checked here from the printed shape, not taken from the shrinker.
      expect(variant.shrunkMinimal, variant.id).toBe(true);
      expect(variant.shrunkOps!, `${variant.id}: logical operations`).toBeLessThanOrEqual(12);
      await expectOneMinimal(variant.id, variant.shrunk);
    }
    // The correct implementation passes the seeds every variant was swept over.
    expect(json.correct.runs).toBeGreaterThan(100);
    expect(json.correct.failures).toEqual([]);
    expect(result.code).toBe(0);
  }, 600_000);
});

/** A shrunk shape as `dst zoo --json` prints it (without `cut` when it leaves nothing out). */
type ShrunkJson = Omit<RunShape, 'cut'> & { readonly cut?: RunShape['cut'] };

/**
 * The shrunk run replays from what `dst zoo --json` printed and fails as the variant did; leaving
 * out any single node, resource, kind of fault, operation or fault event of it, it no longer fails
 * the same way.
 */
async function expectOneMinimal(id: string, shrunk: ShrunkJson): Promise<void> {
  const variant = ZOO.find((v) => v.id === id)!;
  const scenario = findScenario(variant.scenario)!;
  const run = (shape: RunShape) =>
    runSeed({ ...shape, scenario, implementation: variant.implementation });
  const shape: RunShape = { ...shrunk, cut: shrunk.cut ?? { ops: [], faults: [] } };
  const failing = await run(shape);
  expect(failing.status, id).not.toBe('passed');
  const same = (r: RunResult) =>
    r.status === failing.status && r.violation?.invariant === failing.violation?.invariant;
  // None at all when the failure needs no operation of the workload: the liveness probe's own
  // acquire, after the faulty phase, is the harness's, not a part of the run to take away.
  const removals = singleRemovals(shape, failing);
  for (const removal of removals) {
    const result = await run(removal.shape);
    expect(
      same(result),
      `${id}: still fails ${failing.violation?.invariant ?? failing.status} ${removal.step}`,
    ).toBe(false);
  }
}
