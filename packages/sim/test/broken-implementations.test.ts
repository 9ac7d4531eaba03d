import { findScenario, runSeed } from '@leasehold/sim';
import { describe, expect, it } from 'vitest';
import { implementation as believesForever } from '../../../test/fixtures/believes-forever';
import { implementation as crashing } from '../../../test/fixtures/crashing';
import { implementation as neverTakesOver } from '../../../test/fixtures/never-takes-over';

describe('the harness catches broken implementations (its checks can fail)', () => {
  it('I-2: a holder that never stops believing is reported under pauses', async () => {
    const run = await runSeed({
      scenario: findScenario('node-faults')!,
      seed: '3',
      implementation: believesForever,
    });
    expect(run.status).toBe('safety');
    expect(['I-1', 'I-2']).toContain(run.violation?.invariant);
    expect(run.tail.length).toBeGreaterThan(0);
  });

  it('a crash inside the implementation is a failure of that seed, not of the harness', async () => {
    const run = await runSeed({
      scenario: findScenario('baseline')!,
      seed: '1',
      implementation: crashing,
    });
    expect(run.status).toBe('crash');
    expect(run.crash?.message).toBe('renew exploded');
    expect(run.crash?.stack).toContain('crashing');
  });

  it('I-4: a claimant that never looks again fails the liveness probe after heal', async () => {
    const run = await runSeed({
      scenario: findScenario('baseline')!,
      seed: '1',
      implementation: neverTakesOver,
    });
    expect(run.status).toBe('liveness');
    expect(run.violation).toMatchObject({ invariant: 'I-4', name: 'ExpiredLeaseClaimable' });
    expect(run.violation?.message).toMatch(/bound is \d+ ms/);
  });
});
