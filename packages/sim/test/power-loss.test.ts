import { LeaseClient } from '@leasehold/client';
import { TTL_MS_LIMIT_MIN } from '@leasehold/core';
import { findScenario, runSeed, type Implementation, type RunResult } from '@leasehold/sim';
import { recoveryMark, type RecoveryRule } from '@leasehold/store';
import { describe, expect, it } from 'vitest';

const SEEDS = 40;

function withRecovery(name: string, recovery: RecoveryRule): Implementation {
  return { name, createClient: (options) => new LeaseClient(options), recovery };
}

/** Recovery without the quarantine: every resource is claimable a millisecond after the loss. */
const noQuarantine = withRecovery('recovery-without-quarantine', (ceilings, highest, atMs) => ({
  ...recoveryMark(ceilings, highest, atMs),
  ttlMs: TTL_MS_LIMIT_MIN,
}));

/** Recovery without the jumps: tokens and versions go on from what survived the loss. */
const noJump = withRecovery('recovery-without-jump', (ceilings, highest, atMs) => ({
  ...recoveryMark(ceilings, highest, atMs),
  token: highest.token + 1,
  version: highest.version + 1,
}));

async function sweep(scenarioId: string, implementation?: Implementation): Promise<RunResult[]> {
  const scenario = findScenario(scenarioId)!;
  const runs: RunResult[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    runs.push(
      await runSeed({
        scenario,
        seed: String(seed),
        steps: 1_500,
        ...(implementation ? { implementation } : {}),
      }),
    );
  }
  return runs;
}

const failures = (runs: readonly RunResult[]) =>
  runs
    .filter((r) => r.status !== 'passed')
    .map((r) => `seed ${r.seed}: ${r.violation?.invariant} ${r.violation?.message}`);

describe('power loss: the store forgets unsynced commits and recovers', () => {
  it('I-1..I-8: the recovery keeps every invariant when every node dies with the machine', async () => {
    const runs = await sweep('power-loss');
    expect(failures(runs)).toEqual([]);
    expect(runs.reduce((n, r) => n + r.marks.powerLossForgotGrant, 0)).toBeGreaterThan(0);
  });

  it('I-1, I-3..I-8: the quarantine keeps remote holders that outlive the loss safe', async () => {
    const runs = await sweep('power-loss-server');
    expect(failures(runs)).toEqual([]);
  });

  it('I-5: without the token and version jump, a forgotten token is issued again', async () => {
    const runs = await sweep('power-loss', noJump);
    const reported = runs.filter((r) => r.status === 'safety');
    expect(reported.length).toBeGreaterThan(0);
    for (const r of reported)
      expect(['I-5', 'I-3'], `seed ${r.seed}`).toContain(r.violation?.invariant);
    expect(reported.map((r) => r.violation?.invariant)).toContain('I-5');
  });

  it('I-1: without the quarantine, a remote holder of a forgotten grant meets a new holder', async () => {
    const runs = await sweep('power-loss-server', noQuarantine);
    expect(runs.filter((r) => r.violation?.invariant === 'I-1').length).toBeGreaterThan(0);
  });
});
