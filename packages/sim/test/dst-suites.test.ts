import { SCENARIOS } from '@leasehold/sim';
import { describeDst } from '@leasehold/sim/vitest';

// Seeded suites through the vitest helper, as users write them. `npm test` runs a bounded number
// of seeds per scenario; DST_SEED=<seed> pins one. Assumption-breaking scenarios pass when they
// report I-1/I-2 (expected) and fail on anything else.
for (const scenario of SCENARIOS) {
  describeDst(`DST: ${scenario.title}`, { scenario, seeds: 6, seedBase: '1000' });
}
