import { SCENARIOS } from '@leasehold/sim';
import { describeDst } from '@leasehold/sim/vitest';

/**
 * The DST sweep as the only test of `npm run mutation`: every scenario, a fixed range of seeds,
 * each run checked by the simulator's checker and validated against the model. A mutant of the
 * core, the client or the store is killed when some run fails.
 */
const SEEDS_PER_SCENARIO = Number(process.env.LEASEHOLD_MUTATION_SEEDS ?? 50);

for (const scenario of SCENARIOS) {
  describeDst(`mutation sweep: ${scenario.id}`, {
    scenario,
    seeds: SEEDS_PER_SCENARIO,
    seedBase: '1',
  });
}
