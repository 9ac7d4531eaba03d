import { inDeterminismSample, runTask, SCENARIOS, sweepSeed } from '@leasehold/sim';
import { describeDst } from '@leasehold/sim/vitest';
import { describe, expect, it } from 'vitest';

/**
 * The DST sweep as the only test of `npm run mutation`: every scenario, a fixed range of seeds,
 * each run checked by the simulator's checker and validated against the model, and the sweep's
 * determinism sample run twice with their trace hashes compared (C-8), as `leasehold dst run`
 * does. A mutant of the core, the client, the store or the service is killed when some run fails.
 */
const SEEDS_PER_SCENARIO = Number(process.env.LEASEHOLD_MUTATION_SEEDS ?? 50);

for (const scenario of SCENARIOS) {
  describeDst(`mutation sweep: ${scenario.id}`, {
    scenario,
    seeds: SEEDS_PER_SCENARIO,
    seedBase: '1',
  });
  describe(`mutation sweep: ${scenario.id} determinism`, () => {
    for (let i = 0; i < SEEDS_PER_SCENARIO; i++) {
      if (!inDeterminismSample(i)) continue;
      const seed = sweepSeed('1', i);
      it(`${scenario.id} seed ${seed} twice, one trace hash`, { timeout: 120_000 }, async () => {
        const task = { index: i, scenario, seed, determinism: true };
        const { run, secondHash } = await runTask(task, {});
        expect(secondHash).toBe(run.traceHash);
      });
    }
  });
}
