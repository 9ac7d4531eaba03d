import { describe, expect, it } from 'vitest';
import { findScenario, SCENARIOS } from '@leasehold/sim';
import { describeDst } from '@leasehold/sim/vitest';
import { findZooVariant } from '@leasehold/sim/zoo';
import { dstSuiteSeed } from '../src/dst-suite-seed';

// Seeded suites through the vitest helper, as users write them. `npm test` runs a bounded number
// of seeds per scenario; DST_SEED=<seed> pins one. Assumption-breaking scenarios pass when they
// report I-1/I-2 (expected) and fail on anything else.
for (const scenario of SCENARIOS) {
  describeDst(`DST: ${scenario.title}`, { scenario, seeds: 6, seedBase: '1000' });
}

describe('describeDst with a user implementation', () => {
  it('a failing seed reports a reproduce line that names the implementation module (--impl)', async () => {
    const variant = findZooVariant('Z8')!;
    const swarm = findScenario('swarm')!;
    const report = await dstSuiteSeed(swarm, '2', {
      implementation: variant.implementation,
      implementationModule: 'zoo:Z8',
    });
    expect(report).toContain(
      'reproduce DST_SEED=2 npx leasehold dst run --scenario swarm --impl zoo:Z8',
    );
  });

  it('refuses an implementation without the module that exports it', () => {
    const variant = findZooVariant('Z8')!;
    const options = { scenario: 'swarm', implementation: variant.implementation };
    expect(() => describeDst('no module', options as never)).toThrow(/implementationModule/);
  });
});
