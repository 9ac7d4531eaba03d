import { findScenario, runSeed, shapeOverrides, shrinkRun } from '@leasehold/sim';
import { ZOO } from '@leasehold/sim/zoo';
import { describe, expect, it } from 'vitest';

// That every variant is caught in every base sweep, as an invariant it breaks, is tested where the
// zoo runs exactly as `leasehold dst zoo` runs it (packages/cli/test/dst-zoo.test.ts). Here: how a
// zoo failure shrinks.

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
