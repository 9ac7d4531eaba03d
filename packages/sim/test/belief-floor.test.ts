import { LeaseClient } from '@leasehold/client';
import { describe, expect, it } from 'vitest';
import type { Implementation } from '../src/implementation';
import { runSeed } from '../src/run';
import { findScenario } from '../src/scenario';
import { sweepSeed } from '../src/seed';

/** The real client, except that its holder never believes in a lease it was granted. */
const neverBelieves: Implementation = {
  name: 'never-believes',
  createClient: (options) => {
    const client = new LeaseClient(options);
    client.believes = () => false;
    client.holds = () => false;
    return client;
  },
};

async function sweep(implementation: Implementation | undefined, seeds: number) {
  const scenario = findScenario('baseline')!;
  const runs = [];
  for (let i = 0; i < seeds; i++) {
    runs.push(
      await runSeed({
        scenario,
        seed: sweepSeed('0xf100', i),
        ...(implementation === undefined ? {} : { implementation }),
      }),
    );
  }
  return runs;
}

describe('belief floor', () => {
  it('passes the real client, whose holder believes as long as the rule allows', async () => {
    for (const run of await sweep(undefined, 10)) expect(run.status).toBe('passed');
  });

  it('reports a client that never lets its holder believe, as a broken client contract', async () => {
    const runs = await sweep(neverBelieves, 5);
    expect(runs.map((r) => r.conformance?.against ?? r.status)).toContain('client');
    const failed = runs.find((r) => r.conformance?.against === 'client')!;
    expect(failed.status).toBe('conformance');
    expect(failed.conformance!.action).toBe('believes');
    expect(failed.conformance!.reason).toMatch(
      /stopped believing in "[^"]+" token \d+ \d+ ms after op \d+ first sent its write/,
    );
  });
});
