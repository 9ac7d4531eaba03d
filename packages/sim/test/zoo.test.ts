import { findScenario, runSeed, shapeOverrides, shrinkRun } from '@leasehold/sim';
import { runZoo, ZOO, type ZooReport } from '@leasehold/sim/zoo';
import { beforeAll, describe, expect, it } from 'vitest';

/** The canaries: every classic bug must be caught, or the harness has lost its teeth. */
let report: ZooReport;
let tick = 0;

beforeAll(async () => {
  report = await runZoo({ variants: ZOO, budget: 25, bases: 1, nowMs: () => tick++ });
}, 120_000);

describe('bug zoo: the harness catches every classic lease bug', () => {
  for (const variant of ZOO) {
    it(`${variant.id} (${variant.title}) is detected within 25 seeds, reporting ${variant.expected.join(' or ')}`, () => {
      const v = report.variants.find((r) => r.id === variant.id)!;
      expect(v.detected).toBe(true);
      expect(variant.expected).toContain(v.invariant);
      expect(v.shrunkEvents).not.toBeNull();
      expect(v.shrunkEvents!).toBeLessThanOrEqual(v.firstFailure!.events);
    });
  }

  it('I-1 I-2 I-3 I-4 I-5 I-6 I-7 I-8: the correct implementation passes the same seeds', () => {
    expect(report.correct.failures).toEqual([]);
    expect(report.correct.runs).toBeGreaterThan(100);
    expect(report.ok).toBe(true);
  });
});

describe('shrinking', () => {
  const z8 = ZOO.find((v) => v.id === 'Z8')!;
  const input = {
    scenario: findScenario(z8.scenario)!,
    seed: '2',
    implementation: z8.implementation,
  };

  it('is deterministic: the same failing run shrinks to the same run by the same path', async () => {
    const first = await shrinkRun(input);
    const second = await shrinkRun(input);
    expect(first).not.toBeNull();
    expect(second!.shape).toEqual(first!.shape);
    expect(second!.path).toEqual(first!.path);
    expect(second!.shrunk.traceHash).toBe(first!.shrunk.traceHash);
  });

  it('the shrunk run is smaller and, replayed from its shape, fails the same invariant', async () => {
    const shrunk = (await shrinkRun(input))!;
    expect(shrunk.shrunk.events).toBeLessThan(shrunk.original.events);
    expect(shrunk.shape.nodes).toBeLessThanOrEqual(shrunk.original.nodes);
    const replayed = await runSeed({
      ...input,
      seed: shrunk.shape.seed,
      ...shapeOverrides(shrunk.shape),
    });
    expect(replayed.status).toBe(shrunk.original.status);
    expect(replayed.violation?.invariant).toBe(shrunk.original.violation?.invariant);
    expect(replayed.events).toBe(shrunk.shrunk.events);
  });

  it('returns null for a run that does not fail', async () => {
    expect(await shrinkRun({ scenario: findScenario('baseline')!, seed: '1' })).toBeNull();
  });
});
